"""Running one turn for the API: the thread's turn lock, the turn in a task of its own (a client that
disconnects does not cancel it; the next request sees its outcome), progress events as they come, and
the answer built from the turn's result.

Reply text is never forwarded while the graph runs: the model's tokens come before the grounding guard
has checked them, so the answer's replies are taken from the finished turn only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bigcommerce import BigCommerceError

from ..blocks import Brain, UrlPolicy, blocks_of
from ..persistence import timestamps
from ..runtime import EventSink, TurnResult
from ..tools.links import store_hosts
from ..tools.results import parse_result
from .errors import ApiError
from .links import links_of
from .schemas import TurnAnswer, confirmation_view
from .state import ServedStore, ServerState

log = logging.getLogger(__name__)

Event = tuple[str, dict[str, str]]  # (name, payload): route and tool progress
Work = Callable[[EventSink], Awaitable[TurnResult]]


def lock_key(store: ServedStore, thread_id: str) -> str:
    return f"{store.store_hash}:{thread_id}"


async def take_lock(server: ServerState, store: ServedStore, thread_id: str) -> str:
    key = lock_key(store, thread_id)
    if not await server.locks.acquire(key):
        raise ApiError(
            409,
            "turn_in_progress",
            "The assistant is still answering the previous message in this conversation; wait for it.",
        )
    return key


@dataclass
class Turn:
    run: Callable[[], Coroutine[Any, Any, TurnResult]]  # the turn itself, to be awaited once
    events: asyncio.Queue[Event | None]
    started: float
    timings: dict[str, float] = field(default_factory=dict)
    task: asyncio.Task[TurnResult] | None = None
    policy: UrlPolicy = field(default_factory=lambda: UrlPolicy.for_store("", None))
    brain: Brain = "offline"
    store_hosts: frozenset[str] = frozenset()  # where the answer's product links may point


def url_policy(store: ServedStore) -> UrlPolicy:
    return UrlPolicy.for_store(store.store_hash, store.connection.secure_url)


def brain_of(store: ServedStore) -> Brain:
    """Which brain writes this store's replies: the offline model, or an LLM."""
    return "offline" if store.agent.context.llm is None else "llm"


def prepare_turn(
    server: ServerState, store: ServedStore, thread_id: str, key: str, work: Work, started: float
) -> Turn:
    """The turn running ``work``; the lock ``key`` (already taken) is released when it ends."""
    events: asyncio.Queue[Event | None] = asyncio.Queue()
    received = timestamps.now()

    def on_event(kind: str, payload: Any) -> None:
        if kind == "route":
            events.put_nowait(("route", {"route": str(payload["route"])}))
        elif kind == "tool":
            events.put_nowait(("tool", {"name": str(payload["name"])}))

    async def run() -> TurnResult:
        try:
            result = await work(on_event)
            try:
                await _stamp(store, thread_id, result, received)
            except Exception:  # the times are a nicety; the turn itself succeeded
                log.exception("could not record the message times of a turn")
            return result
        finally:
            await server.locks.release(key)
            events.put_nowait(None)

    connection = store.connection
    return Turn(
        run,
        events,
        started,
        policy=url_policy(store),
        brain=brain_of(store),
        store_hosts=store_hosts(connection.secure_url, connection.domain),
    )


def in_background(server: ServerState, turn: Turn) -> Turn:
    """Start the turn in a task of its own (for a stream: Starlette cancels the stream, never this task,
    when the client goes away)."""
    turn.task = asyncio.create_task(turn.run(), name="turn")
    server.keep(turn.task)
    turn.task.add_done_callback(_log_failure)
    return turn


async def answer_now(turn: Turn) -> TurnAnswer:
    """Run the turn in the request's own task and answer JSON. Neither uvicorn nor Starlette cancels a
    plain (non-streaming) request when its client disconnects, so the turn still finishes; running it
    here saves two trips through a busy event loop."""
    try:
        result = await turn.run()
    except Exception as error:
        _log_error(error)
        raise failure(error) from None
    return answer_of(result, turn)


def _log_error(error: BaseException) -> None:
    if isinstance(error, BigCommerceError):
        log.warning("turn failed: the store answered %s", error)
    elif not isinstance(error, ApiError):
        log.error("turn failed", exc_info=error)


def _log_failure(task: asyncio.Task[TurnResult]) -> None:
    if task.cancelled():
        return
    error = task.exception()  # also marks it retrieved when nobody is listening any more
    if error is not None:
        _log_error(error)


async def _stamp(store: ServedStore, thread_id: str, result: TurnResult, received: str) -> None:
    """Record when each new message of the thread was seen (the shopper's: when the request came)."""
    human = [message_id for kind, message_id in result.message_ids if kind == "human"]
    other = [message_id for kind, message_id in result.message_ids if kind != "human"]
    await store.threads.stamp(thread_id, human, received)
    await store.threads.stamp(thread_id, other)


def failure(error: BaseException) -> ApiError:
    """What a failed turn answers: the store's trouble -> 503, anything else -> 500 (logged)."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, BigCommerceError):
        return ApiError(
            503, "store_unreachable", "The store cannot be reached right now; please try again soon."
        )
    return ApiError(500, "internal_error", "Something went wrong on our side; please try again.")


def answer_of(result: TurnResult, turn: Turn) -> TurnAnswer:
    tools: list[str] = []
    for call in result.tool_calls:
        if call["name"] not in tools:
            tools.append(str(call["name"]))
    timings = {**turn.timings, "turn_ms": round(result.seconds * 1000, 1)}
    timings["total_ms"] = round((time.perf_counter() - turn.started) * 1000, 1)
    evidence = result.evidence if len(result.evidence) == len(result.replies) else [[]] * len(result.replies)
    return TurnAnswer(
        replies=list(result.replies),
        blocks=[
            blocks_of(text, used, turn.brain, turn.policy)
            for text, used in zip(result.replies, evidence, strict=True)
        ],
        confirmation=confirmation_view(result.confirmation),
        tools=tools,
        routes=list(result.routes),
        timings=timings,
        links=links_of(result.tool_results, turn.store_hosts),
        retryable=store_was_unavailable(result),
        quick_replies=[r for note in result.notes for r in note.get("quick_replies", [])][:4],
    )


def store_was_unavailable(result: TurnResult) -> bool:
    """True when a tool of the turn could not reach the store (the reply says so): asking again later
    may get the answer, so the widget offers Try again."""
    for entry in result.tool_results:
        parsed = parse_result(str(entry.get("content", "")))
        if parsed is not None and parsed.get("status") == "unavailable":
            return True
    return False
