"""Putting the assistant together for one connected store, and running turns.

``open_agent`` builds, once per process: the store's client, the agent's records, the product index,
the NLU, the chat model (offline by default), the run context, the checkpointer and the compiled router
graph. Records and checkpoints are SQLite by default, PostgreSQL for a ``postgresql://`` URL. ``Agent.send`` runs one shopper
turn; a pending cancellation waits for the shopper's next message, across restarts.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langgraph.types import Command

from bigcommerce import AsyncBigCommerce
from ingest.embeddings import MiniLMEmbedding

from .context import AgentContext
from .graphs import router
from .models.intents import NLU
from .models.llm_call import turn_deadline
from .models.llm_router import RoutingMemory
from .models.offline import OfflineChatModel, text_of
from .persistence.transcripts import open_transcripts
from .records import open_records
from .settings import Settings
from .store.catalog import open_index
from .store.connections import ConnectionStore
from .tools.context import StorePolicy, ToolContext
from .transcripts.capture import CapturingTransport, capturing, default_transport
from .transcripts.recorder import Recorder, TurnInProgress, TurnInput, store_settings

log = logging.getLogger(__name__)
EventSink = Callable[
    [str, Any], None
]  # ("token", text) | ("route", {"route"}) | ("tool", {"name", "args"}), each as soon as it is known


@dataclass
class TurnResult:
    replies: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    confirmation: dict[str, Any] | None = None
    seconds: float = 0.0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    surface: str = "chat"  # where the turn came from: "chat" (terminal), "serve" (HTTP API), "eval"
    message_ids: list[tuple[str, str]] = field(default_factory=list)  # (type, id) of the turn's new messages
    turn_id: str | None = None  # the transcript record of the (last) turn, when recording
    # what happened besides the replies: model failures, safety-net calls, grounding replacements,
    # trimmed history, estimated token counts (each a dict from a message's ``response_metadata``)
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.replies)


YES = frozenset({"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "confirm", "confirmed", "please"})
NO = frozenset({"no", "n", "nope", "nah", "don't", "dont", "stop", "never", "not", "keep", "wait"})


def answer_kind(text: str) -> str:
    """ "yes" for a clear yes ("yes please", "yep, cancel it"), "no" for a clear no, else "other"."""
    words = [w.strip(".,!?'\"").lower() for w in text.split()]
    words = [w for w in words if w]
    if not words or len(words) > 6:
        return "other"
    if words[0] in NO or any(w in NO for w in words):
        return "no"
    if words[0] in YES or " ".join(words[:2]) in ("go ahead", "do it", "please do"):
        return "yes"
    return "other"


class Agent:
    """Runs turns against the compiled graph. With a ``recorder``, every turn is recorded once, in
    ``_run``, whatever the surface (``chat``, ``serve``, ``eval``)."""

    def __init__(self, graph: Any, context: AgentContext, recorder: Recorder | None = None) -> None:
        self.graph = graph
        self.context = context
        self.recorder = recorder
        if recorder is not None and not recorder.store_info:
            recorder.store_info = store_settings(context)

    def _config(self, thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 50}

    async def pending(self, thread_id: str) -> dict[str, Any] | None:
        """The confirmation a thread is waiting for, if any."""
        state = await self.graph.aget_state(self._config(thread_id))
        for task in state.tasks:
            for pending in task.interrupts:
                value = pending.value
                return value if isinstance(value, dict) else {"question": str(value)}
        return None

    async def send(
        self,
        thread_id: str,
        text: str,
        *,
        verified_customer: dict[str, Any] | None = None,
        product_id: int | None = None,
        on_event: EventSink | None = None,
        surface: str = "chat",
        _request_id: str | None = None,
    ) -> TurnResult:
        """One shopper message. If a cancellation is waiting, the message answers it (only a clear yes
        confirms); a message that is a new question abandons it and is then answered as usual."""
        request_id = _request_id or uuid.uuid4().hex
        pending = await self.pending(thread_id)
        if pending is not None:
            kind = answer_kind(text)
            answer = {
                "confirm": kind == "yes",
                "order_id": pending.get("order_id"),
                "proposal_id": pending.get("proposal_id"),
            }
            given = TurnInput("confirmation", text, answer, verified_customer, product_id, request_id)
            answered = await self._run(thread_id, Command(resume=answer), on_event, surface, given)
            if kind != "other":
                return answered
            rest = await self.send(
                thread_id,
                text,
                verified_customer=verified_customer,
                product_id=product_id,
                on_event=on_event,
                surface=surface,
                _request_id=request_id,
            )
            rest.replies = answered.replies + rest.replies
            rest.message_ids = answered.message_ids + rest.message_ids
            return rest
        inputs: dict[str, Any] = {"messages": [HumanMessage(content=text)]}
        if verified_customer is not None:
            inputs["verified_customer"] = verified_customer
        if product_id is not None:
            inputs["product_id"] = product_id
        given = TurnInput("message", text, None, verified_customer, product_id, request_id)
        return await self._run(thread_id, inputs, on_event, surface, given)

    async def confirm(
        self, thread_id: str, answer: Any, on_event: EventSink | None = None, surface: str = "chat"
    ) -> TurnResult:
        """Answer a pending confirmation as the widget's buttons do, e.g. ``{"confirm": True, "order_id": N}``."""
        given = TurnInput("confirmation", None, answer if isinstance(answer, dict) else {"value": answer})
        return await self._run(thread_id, Command(resume=answer), on_event, surface, given)

    async def _run(
        self,
        thread_id: str,
        inputs: Any,
        on_event: EventSink | None,
        surface: str = "chat",
        given: TurnInput | None = None,
    ) -> TurnResult:
        """THE turn: every surface's turns run (and are recorded) here."""
        turn = self.recorder.begin(thread_id, surface, given or TurnInput()) if self.recorder else None
        router_calls = self.context.counters.router_llm_calls
        with capturing(turn.capture if turn else None):
            try:
                result, history = await self._stream(thread_id, inputs, on_event, surface, turn)
            except BaseException as exc:
                if turn is not None:
                    calls = self.context.counters.router_llm_calls - router_calls
                    await self._record(turn, None, [], calls, exc)
                raise
        if turn is not None:
            result.turn_id = turn.turn_id
            calls = self.context.counters.router_llm_calls - router_calls
            await self._record(turn, result, history, calls, None)
        return result

    async def _record(
        self,
        turn: TurnInProgress,
        result: TurnResult | None,
        history: list[Any],
        router_calls: int,
        error: BaseException | None,
    ) -> None:
        """Build and keep the turn's record; a failure here is logged and never fails the turn."""
        try:
            record = turn.finish(result, history, router_llm_calls=router_calls, error=error)
        except Exception:
            log.exception("Could not build the transcript of turn %s", turn.turn_id)
            return
        await turn.recorder.write(record)

    async def _stream(
        self,
        thread_id: str,
        inputs: Any,
        on_event: EventSink | None,
        surface: str,
        turn: TurnInProgress | None,
    ) -> tuple[TurnResult, list[Any]]:
        config = self._config(thread_id)
        before = await self.graph.aget_state(config)
        seen = len(before.values.get("messages", [])) if before.values else 0
        calls_before = self.context.counters.llm_calls
        started = time.perf_counter()
        result = TurnResult(surface=surface)
        announced: set[str] = set()  # tool call ids already sent to on_event
        announced_calls: list[tuple[str, str]] = []
        budget = self.context.llm_settings.turn_budget_seconds if self.context.llm is not None else None
        with turn_deadline(budget):
            async for namespace, mode, chunk in self.graph.astream(
                inputs, config, context=self.context, stream_mode=["messages", "updates"], subgraphs=True
            ):
                if turn is not None:
                    turn.observe(namespace, mode, chunk)
                if mode == "messages" and on_event is not None:
                    message, meta = chunk
                    if (
                        isinstance(message, AIMessageChunk)
                        and message.content
                        and meta.get("langgraph_node") == "model"
                    ):
                        on_event("token", text_of(message))
                elif mode == "updates" and isinstance(chunk, dict) and "__interrupt__" in chunk:
                    result.confirmation = chunk["__interrupt__"][0].value
                elif mode == "updates" and isinstance(chunk, dict) and on_event is not None:
                    announced_calls += _progress(chunk, on_event, announced)
        after = await self.graph.aget_state(config)
        history = list(after.values.get("messages", []))
        messages = history[seen:]
        for message in messages:
            if message.id:
                result.message_ids.append((message.type, message.id))
            if isinstance(message, AIMessage):
                usage: dict[str, Any] = dict(message.usage_metadata or {})
                result.input_tokens += int(usage.get("input_tokens", 0))
                result.output_tokens += int(usage.get("output_tokens", 0))
                result.tool_calls.extend({"name": c["name"], "args": c["args"]} for c in message.tool_calls)
                if not message.tool_calls and text_of(message):
                    result.replies.append(text_of(message))
                note = (message.response_metadata or {}).get("bcagent")
                if note:
                    result.notes.append(dict(note))
            elif isinstance(message, ToolMessage):
                result.tool_results.append({"name": message.name, "content": text_of(message)})
        if result.confirmation is None:
            result.confirmation = await self.pending(thread_id)
        if result.confirmation is not None:
            result.replies.append(str(result.confirmation.get("question", "Please confirm.")))
            if not any(c["name"] == "cancel_order" for c in result.tool_calls):  # paused inside the subgraph
                order_id = result.confirmation.get("order_id")
                result.tool_calls.append({"name": "cancel_order", "args": {"order_id": str(order_id)}})
        result.routes = list(after.values.get("last_routes", []))
        result.seconds = time.perf_counter() - started
        result.llm_calls = self.context.counters.llm_calls - calls_before
        if on_event is not None:
            for call in result.tool_calls:  # those not seen while the graph ran (e.g. a paused cancel_order)
                key = (call["name"], repr(call["args"]))
                if key in announced_calls:
                    announced_calls.remove(key)
                else:
                    on_event("tool", call)
        return result, history


def _progress(chunk: dict[str, Any], on_event: EventSink, announced: set[str]) -> list[tuple[str, str]]:
    """Send the routes and tool calls of one graph update at once; the (name, args) of calls sent."""
    sent: list[tuple[str, str]] = []
    for node, update in chunk.items():
        if not isinstance(update, dict):
            continue
        if node == "route":
            for route in update.get("routes", []):
                on_event("route", {"route": route})
        for message in update.get("messages", []) or []:
            if not isinstance(message, AIMessage):
                continue
            for index, call in enumerate(message.tool_calls):
                key = call.get("id") or f"{message.id}:{index}"
                if key in announced:
                    continue
                announced.add(key)
                on_event("tool", {"name": call["name"], "args": call["args"]})
                sent.append((call["name"], repr(call["args"])))
    return sent


CHECKPOINT_SETUP_LOCK = 0x6263_636B  # "bcck"


async def _setup_serialised(url: str, saver: Any) -> None:
    """``saver.setup()`` with one replica at a time: replicas starting at once would otherwise race on
    its ``CREATE TABLE IF NOT EXISTS`` (a duplicate-key error from the catalog). The lock is polled
    (``pg_try_advisory_lock``), not waited for in a statement: a waiting statement holds a snapshot,
    and the holder's ``CREATE INDEX CONCURRENTLY`` would wait for it in turn, for ever."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as lock:
        while True:
            row = await (
                await lock.execute("SELECT pg_try_advisory_lock(%s)", (CHECKPOINT_SETUP_LOCK,))
            ).fetchone()
            if row and row[0]:
                break
            await asyncio.sleep(0.1)
        try:
            await saver.setup()
        finally:
            await lock.execute("SELECT pg_advisory_unlock(%s)", (CHECKPOINT_SETUP_LOCK,))


@asynccontextmanager
async def open_checkpointer(settings: Settings, folder: Any) -> AsyncIterator[Any]:
    url = settings.database_url
    if url and url.startswith(("postgresql://", "postgres://")):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await _setup_serialised(url, saver)
            yield saver
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    folder.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(folder / "checkpoints.sqlite")) as saver:
        yield saver


def llm_options(settings: Settings) -> dict[str, Any]:
    """The ``AgentContext`` fields that say how to talk to the LLM, from ``settings.llm``."""
    return {
        "llm_settings": settings.llm,
        "context_tokens": settings.llm.context_window(settings.openai_base_url),
        "routing": RoutingMemory(settings.llm.routing),
    }


def build_model(settings: Settings, nlu: NLU) -> tuple[Any, Any]:
    """(subgraph model, LLM or None) from the ``model`` setting: ``offline`` or ``openai:<model>``."""
    from .models.openai_model import make_openai_model, parse_model_setting

    provider, name = parse_model_setting(settings.model)
    if provider == "offline" or name is None:
        return OfflineChatModel(nlu=nlu), None
    llm = make_openai_model(name, settings)
    return llm, llm


@asynccontextmanager
async def open_context(
    settings: Settings,
    store: str | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    embedder: MiniLMEmbedding | None = None,
    policy: StorePolicy | None = None,
) -> AsyncIterator[AgentContext]:
    """The run context of one connected store (client, records, index, NLU, model), open while used;
    what ``open_agent`` runs its graph with, and what a LangGraph Server host builds once per process."""
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    connection = connections.load(store_hash)
    token = connections.token(store_hash)
    folder = connections.folder(store_hash)
    embedder = embedder or MiniLMEmbedding()
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            AsyncBigCommerce(
                store_hash,
                token.reveal(),
                base_url=connection.api_url,
                transport=CapturingTransport(transport or default_transport()),
            )
        )
        records = open_records(settings, store_hash, folder)
        stack.callback(records.close)
        index = None
        if connection.scopes.get("products", "none") != "none":
            index = open_index(settings, connections, store_hash, embedder)
        nlu = NLU(embedder)
        model, llm = build_model(settings, nlu)
        tools = ToolContext(client, connection, records, index=index, policy=policy or StorePolicy())
        yield AgentContext(
            tools=tools,
            model=model,
            nlu=nlu,
            llm=llm,
            store_name=connection.name or store_hash,
            **llm_options(settings),
        )


@asynccontextmanager
async def open_agent(
    settings: Settings,
    store: str | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    embedder: MiniLMEmbedding | None = None,
    policy: StorePolicy | None = None,
    record: bool | None = None,
) -> AsyncIterator[Agent]:
    """The assistant for ``store``. Turns are recorded (``record``, default: the ``transcripts``
    setting) into the store's transcript store; the client's transport captures BigCommerce traffic."""
    async with (
        open_context(settings, store, transport=transport, embedder=embedder, policy=policy) as context,
        AsyncExitStack() as stack,
    ):
        store_hash = context.tools.store_hash
        connections = ConnectionStore(settings.home)
        folder = connections.folder(store_hash)
        checkpointer = await stack.enter_async_context(open_checkpointer(settings, folder))
        recorder = None
        if settings.transcripts if record is None else record:
            transcripts = await stack.enter_async_context(open_transcripts(settings, folder))
            token = connections.token(store_hash).reveal()
            recorder = Recorder(transcripts, store_hash, model_name=settings.model, secrets=[token])
        yield Agent(router.build(checkpointer), context, recorder)
