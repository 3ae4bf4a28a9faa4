"""The chat routes under ``/v1/stores/{hash}``: threads, messages (JSON or SSE), confirmations, the
conversation so far, and the widget's public configuration (API-CONTRACT.md)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from starlette.responses import Response, StreamingResponse

from ..blocks import blocks_of
from ..models.offline import text_of
from ..persistence.attempts import client_key
from ..runtime import EventSink, TurnResult
from ..tools.context import serving_client
from . import sse
from .budget import admit_turn, open_stream, released
from .conversation import handoff_state, with_handoff_messages
from .customer_token import identity, shopper_from
from .deps import AuthorizedThread, CurrentStore, Server, client_address, rate_limit
from .errors import ApiError
from .schemas import (
    ConfirmationIn,
    ErrorBody,
    MessageIn,
    StoreConfig,
    ThreadCreated,
    ThreadIn,
    ThreadMessage,
    ThreadView,
    TurnAnswer,
    confirmation_view,
)
from .state import ServedStore, ServerState
from .turns import Turn, answer_now, brain_of, in_background, lock_key, prepare_turn, take_lock, url_policy

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 404, 409, 413, 415, 422, 429, 503)
}

router = APIRouter(prefix="/v1/stores/{store_hash}", responses=ERRORS)


def _wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "").lower()


async def _answer(
    request: Request, server: ServerState, turn: Turn, slots: list[str] | None
) -> TurnAnswer | Response:
    if slots is not None:
        stream = released(sse.stream(in_background(server, turn)), server, slots)
        return StreamingResponse(stream, media_type="text/event-stream", headers=sse.HEADERS)
    return await answer_now(turn)


async def _admit(request: Request, server: ServerState, store: ServedStore, address: str) -> list[str] | None:
    """A turn's admission: the store's budget and the client's share of it, and for a stream a slot
    (given back when the stream ends; the slot list, or None for a JSON answer)."""
    await admit_turn(server, store, address)
    return open_stream(server, store, address) if _wants_stream(request) else None


async def _run(
    request: Request,
    server: ServerState,
    store: ServedStore,
    thread_id: str,
    key: str,
    work: Any,
    started: float,
    timings: dict[str, float] | None = None,
) -> TurnAnswer | Response:
    """Admit the turn (the lock ``key`` is already held: released when the turn is refused) and answer."""
    try:
        slots = await _admit(request, server, store, client_address(request))
    except BaseException:
        await server.locks.release(key)
        raise
    turn = prepare_turn(server, store, thread_id, key, work, started)
    if timings is not None:
        turn.timings = timings
    try:
        return await _answer(request, server, turn, slots)
    except BaseException:
        if slots is not None:
            server.streams.give_back(slots)
        raise


def _check_text(server: ServerState, text: str) -> str:
    if not text.strip():
        raise ApiError(422, "empty_message", "The message is empty: type a question.")
    limit = server.settings.serve.max_message_chars
    if len(text) > limit:
        raise ApiError(
            422, "message_too_long", f"The message is longer than {limit} characters; please shorten it."
        )
    return text.strip()


@router.post("/threads", status_code=201, response_model=ThreadCreated, summary="Start a conversation")
async def create_thread(store: CurrentStore, body: ThreadIn | None = None) -> ThreadCreated:
    thread_id, secret = await store.threads.create()
    return ThreadCreated(thread_id=thread_id, secret=secret)


@router.post(
    "/threads/{thread_id}/messages",
    response_model=TurnAnswer,
    summary="Send the shopper's message (JSON answer, or SSE with Accept: text/event-stream)",
)
async def post_message(
    request: Request, server: Server, store: CurrentStore, thread_id: AuthorizedThread, body: MessageIn
) -> TurnAnswer | Response:
    started = time.perf_counter()
    text = _check_text(server, body.text)
    await rate_limit(server, f"thread:{store.store_hash}:{thread_id}", server.settings.serve.rate_per_thread)
    key = await take_lock(server, store, thread_id)
    product_id = body.page.product_id if body.page else None
    timings: dict[str, float] = {}
    client = client_key(client_address(request))

    async def work(on_event: EventSink) -> TurnResult:
        verify_started = time.perf_counter()
        shopper = shopper_from(
            body.customer_token, store.store_hash, store.app, server.settings.serve.jwt_leeway_seconds
        )
        customer = await identity(shopper, store.agent.context.tools.client)
        timings["verify_ms"] = round((time.perf_counter() - verify_started) * 1000, 2)
        if customer.get("id") is not None and not await store.threads.claim(thread_id, int(customer["id"])):
            raise ApiError(
                403,
                "thread_of_another_customer",
                "This conversation belongs to another signed-in shopper; start a new conversation.",
            )
        with serving_client(client):  # failed lookups and codes are counted per client too
            return await store.agent.send(
                thread_id,
                text,
                verified_customer=customer,
                product_id=product_id,
                on_event=on_event,
                surface="serve",
            )

    return await _run(request, server, store, thread_id, key, work, started, timings)


@router.post(
    "/threads/{thread_id}/confirmation",
    response_model=TurnAnswer,
    summary="Answer the pending confirmation (the widget's Yes/No buttons)",
)
async def post_confirmation(
    request: Request,
    server: Server,
    store: CurrentStore,
    thread_id: AuthorizedThread,
    body: Annotated[ConfirmationIn, Body()],
) -> TurnAnswer | Response:
    started = time.perf_counter()
    await rate_limit(server, f"thread:{store.store_hash}:{thread_id}", server.settings.serve.rate_per_thread)
    key = await take_lock(server, store, thread_id)
    try:
        pending = await store.agent.pending(thread_id)
        if pending is None or str(pending.get("proposal_id")) != body.proposal_id:
            raise ApiError(
                409,
                "no_such_proposal",
                "That confirmation is no longer pending in this conversation; reload it and answer the current one.",
            )
    except BaseException:
        await server.locks.release(key)
        raise
    answer: dict[str, Any] = {
        "confirm": body.confirm,
        "order_id": pending.get("order_id"),
        "proposal_id": body.proposal_id,
    }
    if body.code is not None:
        answer["code"] = body.code
    client = client_key(client_address(request))

    async def work(on_event: EventSink) -> TurnResult:
        with serving_client(client):
            return await store.agent.confirm(thread_id, answer, on_event=on_event, surface="serve")

    return await _run(request, server, store, thread_id, key, work, started)


@router.get("/threads/{thread_id}", response_model=ThreadView, summary="The conversation so far")
async def get_thread(server: Server, store: CurrentStore, thread_id: AuthorizedThread) -> ThreadView:
    state = await store.agent.graph.aget_state({"configurable": {"thread_id": thread_id}})
    times = await store.threads.times(thread_id)
    fallback = await store.threads.created_at(thread_id)
    policy, brain = url_policy(store), brain_of(store)
    messages: list[ThreadMessage] = []
    evidence: list[dict[str, Any]] = []  # the tool results since the last reply (what it was written from)
    for message in (state.values or {}).get("messages", []):
        if isinstance(message, ToolMessage):
            evidence.append({"name": message.name, "content": text_of(message)})
            continue
        if isinstance(message, HumanMessage):
            role, blocks, evidence = "shopper", [], []
        elif isinstance(message, AIMessage) and not message.tool_calls and text_of(message):
            role, blocks, evidence = "assistant", blocks_of(text_of(message), evidence, brain, policy), []
        else:
            continue  # tool calls are the assistant's working, not the conversation
        messages.append(
            ThreadMessage(
                role=role, text=text_of(message), time=times.get(message.id or "", fallback), blocks=blocks
            )
        )
    messages = await with_handoff_messages(store, thread_id, messages)
    handoff = await handoff_state(store, thread_id)
    if handoff is not None and handoff.status != "closed":  # the open widget showed the staff replies
        await store.agent.context.tools.records.handoff_requests.seen(thread_id)
    pending = await store.agent.pending(thread_id)
    return ThreadView(
        thread_id=thread_id,
        messages=messages,
        confirmation=confirmation_view(pending),
        turn_in_progress=await server.locks.busy(lock_key(store, thread_id)),
        handoff=handoff,
    )


@router.get("/config", response_model=StoreConfig, summary="The widget's public settings for this store")
async def get_config(server: Server, store: CurrentStore) -> StoreConfig:
    connection = store.connection
    name = connection.name or store.store_hash
    return StoreConfig(
        store_name=name,
        storefront_url=connection.secure_url,
        greeting=f"Hi! I'm the {name} assistant. Ask me about an order, a product or a discount code.",
        currency=connection.money.currency,
        app_client_id=store.app.client_id if store.app else None,
        thread_ttl_hours=server.settings.serve.thread_ttl_hours,
        max_message_chars=server.settings.serve.max_message_chars,
    )
