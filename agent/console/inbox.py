"""The console's inbox: the store's open and claimed handoffs, each with its conversation, and the staff
member's reply and close -- the same takeover functions as the admin API (``agent/handoff/takeover.py``),
so a reply reaches the shopper's widget (and their email when the widget is closed) the same way."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..handoff import takeover
from ..server.conversation import conversation
from ..server.state import ServerState
from .access import Refusal, _form, _not_found, _signed_in
from .views import render

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)


def _not_served() -> Response:
    return render(
        "problem.html",
        404,
        heading="Inbox not available yet",
        message="This server does not answer this store's shoppers yet: a store connected while it runs is "
        "served within seconds (not by a server started with `bcagent serve --store` for other stores).",
    )


@router.get("/stores/{store_hash}/inbox")
async def inbox(request: Request, store_hash: str) -> Response:
    try:
        _, session, connection = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    server: ServerState = request.app.state.server
    store = server.stores.get(store_hash)
    if store is None:
        return _not_served()
    desk = store.agent.context.tools.records.handoff_requests
    show = request.query_params.get("status", "active")
    status = show if show in ("open", "claimed", "closed", "active") else "active"
    handoffs = await desk.find(status, limit=200, newest_first=True)
    return render(
        "inbox.html", page="inbox", store=connection, session=session, handoffs=handoffs, shown=status
    )


@router.get("/stores/{store_hash}/inbox/{handoff_id}")
async def handoff_page(request: Request, store_hash: str, handoff_id: int) -> Response:
    try:
        _, session, connection = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    server: ServerState = request.app.state.server
    store = server.stores.get(store_hash)
    if store is None:
        return _not_served()
    handoff = await store.agent.context.tools.records.handoff_requests.get(handoff_id)
    if handoff is None:
        return _not_found()
    messages = await conversation(store, handoff.thread_id)
    return render(
        "handoff.html", page="inbox", store=connection, session=session, handoff=handoff, messages=messages,
        notice=request.query_params.get("notice", ""),
    )  # fmt: skip


@router.post("/stores/{store_hash}/inbox/{handoff_id}")
async def act(request: Request, store_hash: str, handoff_id: int) -> Response:
    try:
        _, session, _ = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    server: ServerState = request.app.state.server
    store = server.stores.get(store_hash)
    if store is None:
        return _not_served()
    tools = store.agent.context.tools
    here = f"/admin/stores/{store_hash}/inbox/{handoff_id}"
    try:
        if form.get("action") == "close":
            await takeover.close(tools.records, tools.handoff, handoff_id)
            notice = "Closed: the assistant answers the shopper again."
        else:
            text = form.get("text", "")
            if not text.strip():
                return RedirectResponse(f"{here}?notice=Write+a+reply+first.", status_code=303)
            author = form.get("author", "").strip() or session.email.split("@")[0]
            await takeover.staff_reply(tools.records, tools.handoff, handoff_id, text, author)
            notice = "Sent: the shopper sees it in the chat within seconds."
    except takeover.TakeoverError:
        return _not_found()
    log.info(
        "console: %s %s handoff %s of %s",
        session.email,
        form.get("action", "replied to"),
        handoff_id,
        store_hash,
    )
    return RedirectResponse(f"{here}?notice={notice}", status_code=303)
