"""The chat routes under ``/v1/stores/{hash}``: threads, messages (JSON or SSE), confirmations, the
conversation so far, and the widget's public configuration (API-CONTRACT.md)."""

from __future__ import annotations

import math
import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request
from langchain_core.messages import AIMessage, HumanMessage
from starlette.responses import JSONResponse, Response, StreamingResponse

from ..models.offline import text_of
from ..runtime import EventSink, TurnResult
from . import sse
from .customer_token import identity, shopper_from
from .errors import ApiError, unknown_thread
from .schemas import (
    ConfirmationIn,
    ErrorBody,
    MessageIn,
    StoreConfig,
    ThreadCreated,
    ThreadIn,
    ThreadView,
    TurnAnswer,
    confirmation_view,
)
from .state import ServedStore, ServerState
from .turns import Turn, answer_now, in_background, prepare_turn, take_lock

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 404, 409, 413, 415, 422, 429, 503)
}
SECRET_HEADER = "X-Thread-Secret"
SecretHeader = Annotated[str | None, Header(alias=SECRET_HEADER, description="the thread's secret")]

router = APIRouter(prefix="/v1/stores/{store_hash}", responses=ERRORS)


def server_of(request: Request) -> ServerState:
    server = request.app.state.server
    assert isinstance(server, ServerState)
    return server


def _retry(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(
        429,
        "rate_limited",
        f"Too many requests; try again in {wait} second{'s' if wait != 1 else ''}.",
        {"Retry-After": str(wait)},
    )


async def _limit(server: ServerState, key: str, limit: int) -> None:
    wait = await server.limiter.hit(key, limit)
    if wait is not None:
        raise _retry(wait)


async def _client(request: Request, store_hash: str) -> tuple[ServerState, ServedStore]:
    """The served store, after the per-client-address limit."""
    server = server_of(request)
    address = request.client.host if request.client else "unknown"
    await _limit(server, f"client:{address}", server.settings.serve.rate_per_client)
    return server, server.store(store_hash)


async def _thread(store: ServedStore, thread_id: str, secret: str | None) -> None:
    if not await store.threads.check(thread_id, secret):
        raise unknown_thread()


def _wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "").lower()


async def _answer(request: Request, turn: Turn) -> Response:
    if _wants_stream(request):
        stream = sse.stream(in_background(server_of(request), turn))
        return StreamingResponse(stream, media_type="text/event-stream", headers=sse.HEADERS)
    return JSONResponse(await answer_now(turn))


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
async def create_thread(request: Request, store_hash: str, body: ThreadIn | None = None) -> JSONResponse:
    _, store = await _client(request, store_hash)
    thread_id, secret = await store.threads.create()
    return JSONResponse({"thread_id": thread_id, "secret": secret}, status_code=201)


@router.post(
    "/threads/{thread_id}/messages",
    response_model=TurnAnswer,
    summary="Send the shopper's message (JSON answer, or SSE with Accept: text/event-stream)",
)
async def post_message(
    request: Request, store_hash: str, thread_id: str, body: MessageIn, secret: SecretHeader = None
) -> Response:
    started = time.perf_counter()
    server, store = await _client(request, store_hash)
    await _thread(store, thread_id, secret)
    text = _check_text(server, body.text)
    await _limit(server, f"thread:{store_hash}:{thread_id}", server.settings.serve.rate_per_thread)
    key = await take_lock(server, store, thread_id)
    product_id = body.page.product_id if body.page else None
    timings: dict[str, float] = {}

    async def work(on_event: EventSink) -> TurnResult:
        verify_started = time.perf_counter()
        shopper = shopper_from(
            body.customer_token, store.store_hash, store.app, server.settings.serve.jwt_leeway_seconds
        )
        customer = await identity(shopper, store.agent.context.tools.client)
        timings["verify_ms"] = round((time.perf_counter() - verify_started) * 1000, 2)
        return await store.agent.send(
            thread_id,
            text,
            verified_customer=customer,
            product_id=product_id,
            on_event=on_event,
            surface="serve",
        )

    turn = prepare_turn(server, store, thread_id, key, work, started)
    turn.timings = timings
    return await _answer(request, turn)


@router.post(
    "/threads/{thread_id}/confirmation",
    response_model=TurnAnswer,
    summary="Answer the pending confirmation (the widget's Yes/No buttons)",
)
async def post_confirmation(
    request: Request,
    store_hash: str,
    thread_id: str,
    body: Annotated[ConfirmationIn, Body()],
    secret: SecretHeader = None,
) -> Response:
    started = time.perf_counter()
    server, store = await _client(request, store_hash)
    await _thread(store, thread_id, secret)
    await _limit(server, f"thread:{store_hash}:{thread_id}", server.settings.serve.rate_per_thread)
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
    answer = {"confirm": body.confirm, "order_id": pending.get("order_id"), "proposal_id": body.proposal_id}

    async def work(on_event: EventSink) -> TurnResult:
        return await store.agent.confirm(thread_id, answer, on_event=on_event, surface="serve")

    return await _answer(request, prepare_turn(server, store, thread_id, key, work, started))


@router.get("/threads/{thread_id}", response_model=ThreadView, summary="The conversation so far")
async def get_thread(
    request: Request, store_hash: str, thread_id: str, secret: SecretHeader = None
) -> JSONResponse:
    _, store = await _client(request, store_hash)
    await _thread(store, thread_id, secret)
    state = await store.agent.graph.aget_state({"configurable": {"thread_id": thread_id}})
    times = await store.threads.times(thread_id)
    fallback = await store.threads.created_at(thread_id)
    messages = []
    for message in (state.values or {}).get("messages", []):
        if isinstance(message, HumanMessage):
            role = "shopper"
        elif isinstance(message, AIMessage) and not message.tool_calls and text_of(message):
            role = "assistant"
        else:
            continue  # tool calls and tool results are the assistant's working, not the conversation
        messages.append(
            {"role": role, "text": text_of(message), "time": times.get(message.id or "", fallback)}
        )
    pending = await store.agent.pending(thread_id)
    return JSONResponse(
        {"thread_id": thread_id, "messages": messages, "confirmation": confirmation_view(pending)}
    )


@router.get("/config", response_model=StoreConfig, summary="The widget's public settings for this store")
async def get_config(request: Request, store_hash: str) -> JSONResponse:
    _, store = await _client(request, store_hash)
    connection = store.connection
    name = connection.name or store.store_hash
    return JSONResponse(
        {
            "store_name": name,
            "storefront_url": connection.secure_url,
            "greeting": f"Hi! I'm the {name} assistant. Ask me about an order, a product or a discount code.",
            "currency": connection.money.currency,
            "app_client_id": store.app.client_id if store.app else None,
        }
    )
