"""The admin API for the store's team: handoffs to list, read, answer and close (API-CONTRACT.md,
"Admin API"). Authenticated with ``Authorization: Bearer <BCAGENT_ADMIN_TOKEN>`` (compared in constant
time); without the right token every route answers the same ``401``, whatever the id, so the API says
nothing about what exists. A handoff of another store, an unknown id, or (for replies) a closed handoff
is ``404``. Staff text is stored and shown as text, never as markup.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from pydantic import BaseModel, Field

from ..handoff import takeover
from ..handoff.delivery import conversation_url
from ..persistence import timestamps
from ..persistence.handoffs import Handoff
from .conversation import conversation
from .deps import Server
from .errors import ApiError
from .schemas import ErrorBody, ThreadMessage
from .state import ServedStore, ServerState

UNAUTHORIZED = ApiError(
    401,
    "unauthorized",
    "Send the admin token as 'Authorization: Bearer <token>' (BCAGENT_ADMIN_TOKEN on the server).",
    {"WWW-Authenticate": "Bearer"},
)


async def admin_server(server: Server, authorization: Annotated[str | None, Header()] = None) -> ServerState:
    token = server.settings.handoff.admin_token
    given = (authorization or "").removeprefix("Bearer ").strip() if authorization else ""
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(UNAUTHORIZED.status, UNAUTHORIZED.code, UNAUTHORIZED.message, UNAUTHORIZED.headers)
    return server


Admin = Annotated[ServerState, Depends(admin_server)]


def _not_found() -> ApiError:
    return ApiError(404, "unknown_handoff", "No such handoff in this store (or it is closed).")


def _store(server: ServerState, store_hash: str) -> ServedStore:
    served = server.stores.get(store_hash)
    if served is None:
        raise _not_found()
    return served


class HandoffSummary(BaseModel):
    id: int
    status: str
    created_at: str
    updated_at: str | None
    thread_id: str
    summary: str
    reason: str | None
    contact_email: str | None
    contact_state: str
    claimed_by: str | None
    facts: dict[str, Any]
    conversation_url: str


class Delivery(BaseModel):
    channel: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: str | None


class HandoffDetail(HandoffSummary):
    messages: list[ThreadMessage]
    deliveries: list[Delivery]


class HandoffList(BaseModel):
    handoffs: list[HandoffSummary]


class StaffMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    author: str = Field(min_length=1, max_length=80, description="the staff member's display name")


class StaffMessageOut(BaseModel):
    id: int
    role: Literal["staff"] = "staff"
    author: str | None
    text: str
    time: str


def _summary(server: ServerState, handoff: Handoff) -> dict[str, Any]:
    return {
        "id": handoff.id,
        "status": handoff.status,
        "created_at": handoff.time,
        "updated_at": handoff.updated_at,
        "thread_id": handoff.thread_id,
        "summary": handoff.summary,
        "reason": handoff.reason,
        "contact_email": handoff.contact_email,
        "contact_state": handoff.contact_state,
        "claimed_by": handoff.claimed_by,
        "facts": handoff.facts,
        "conversation_url": conversation_url(server.settings.handoff, handoff),
    }


ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorBody} for status in (401, 404, 422)}
router = APIRouter(prefix="/v1/admin/stores/{store_hash}/handoffs", responses=ERRORS, tags=["admin"])


@router.get("", response_model=HandoffList, summary="The store's handoffs, newest first")
async def list_handoffs(
    server: Admin,
    store_hash: str,
    status: Annotated[Literal["open", "claimed", "closed", "active", "all"], Query()] = "active",
    since: Annotated[str | None, Query(description="ISO 8601 time: only handoffs made since")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> HandoffList:
    store = _store(server, store_hash)
    if since is not None:
        try:
            since = timestamps.spell(timestamps.parse(since))
        except ValueError:
            raise ApiError(
                422, "invalid_request", "since must be an ISO 8601 time, e.g. 2026-12-07T09:00:00Z"
            ) from None
    desk = store.agent.context.tools.records.handoff_requests
    found = await desk.find(None if status == "all" else status, since=since, limit=limit, newest_first=True)
    return HandoffList(handoffs=[HandoffSummary(**_summary(server, h)) for h in found])


async def _handoff(server: ServerState, store_hash: str, handoff_id: int) -> tuple[ServedStore, Handoff]:
    store = _store(server, store_hash)
    handoff = await store.agent.context.tools.records.handoff_requests.get(handoff_id)
    if handoff is None:
        raise _not_found()
    return store, handoff


@router.get("/{handoff_id}", response_model=HandoffDetail, summary="One handoff and its conversation")
async def get_handoff(server: Admin, store_hash: str, handoff_id: int) -> HandoffDetail:
    store, handoff = await _handoff(server, store_hash, handoff_id)
    records = store.agent.context.tools.records
    deliveries = [
        Delivery(
            channel=i.channel,
            kind=i.kind,
            status=i.status,
            attempts=i.attempts,
            last_error=i.last_error,
            sent_at=i.sent_at,
        )
        for i in await records.outbox.items(handoff_id=handoff.id)
    ]
    return HandoffDetail(
        **_summary(server, handoff),
        messages=await conversation(store, handoff.thread_id),
        deliveries=deliveries,
    )


@router.post(
    "/{handoff_id}/messages",
    status_code=201,
    response_model=StaffMessageOut,
    summary="A staff reply in the chat",
)
async def post_message(
    server: Admin, store_hash: str, handoff_id: int, body: StaffMessageIn
) -> StaffMessageOut:
    store, _ = await _handoff(server, store_hash, handoff_id)
    tools = store.agent.context.tools
    if not body.text.strip():
        raise ApiError(422, "empty_message", "The reply is empty.")
    try:
        message = await takeover.staff_reply(tools.records, tools.handoff, handoff_id, body.text, body.author)
    except takeover.TakeoverError:
        raise _not_found() from None
    return StaffMessageOut(id=message.id, author=message.author, text=message.text, time=message.time)


@router.post(
    "/{handoff_id}/close", response_model=HandoffSummary, summary="Close: the assistant answers again"
)
async def close_handoff(server: Admin, store_hash: str, handoff_id: int) -> HandoffSummary:
    store, _ = await _handoff(server, store_hash, handoff_id)
    tools = store.agent.context.tools
    try:
        closed = await takeover.close(tools.records, tools.handoff, handoff_id)
    except takeover.TakeoverError:
        raise _not_found() from None
    return HandoffSummary(**_summary(server, closed))
