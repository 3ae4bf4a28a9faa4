"""The console's pages: sign-in, a store's set-up (details, tools, catalog, widget, disconnect),
its conversations and insights. Every page needs a session of that store; a session of another store gets
the same 404 as a store that does not exist, so nothing says which stores exist."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bigcommerce import AsyncBigCommerce, BigCommerceError, PermissionDeniedError

from ..store.capabilities import TOOL_NAMES
from ..store.connections import Connection, ConnectionStore
from ..store.live import change
from .access import (
    ACCOUNT_FAILURES,
    CLIENT_FAILURES,
    SIGN_IN_WINDOW,
    Refusal,
    _client,
    _form,
    _not_found,
    _signed_in,
    _tools,
)
from .context import ConsoleContext, console_of
from .conversations import conversation_view, conversations_view
from .insights import insights_view
from .passwords import check_password
from .sessions import check_csrf, clear_session_cookie, current_session, set_session_cookie
from .setup_sections import setup_sections
from .setup_webhooks import default_webhook_url
from .unanswered import unanswered_view
from .views import render
from .widget_script import install_widget, installed_scripts, remove_widget, widget_tag

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("")
async def home(request: Request) -> Response:
    console = console_of(request)
    session = await current_session(request, console.state)
    if session is None:
        return RedirectResponse("/admin/sign-in", status_code=303)
    return RedirectResponse(f"/admin/stores/{session.store_hash}", status_code=303)


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    return render("sign_in.html")


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    console = console_of(request)
    form = await request.form()
    store_hash = str(form.get("store_hash") or "").strip().lower()
    email = str(form.get("email") or "").strip().lower()
    password = str(form.get("password") or "")
    client, account = f"client:{_client(request)}", f"account:{store_hash}:{email}"
    if (
        await console.state.failures_since(account, SIGN_IN_WINDOW) >= ACCOUNT_FAILURES
        or await console.state.failures_since(client, SIGN_IN_WINDOW) >= CLIENT_FAILURES
    ):
        return render("sign_in.html", 429, store_hash=store_hash, email=email,
                      error="Too many failed sign-ins: wait 15 minutes and try again.")  # fmt: skip
    stored = await console.state.password_hash(store_hash, email) if store_hash and email else None
    if not check_password(stored, password):
        await console.state.record_failure(client)
        await console.state.record_failure(account)
        return render("sign_in.html", 401, store_hash=store_hash, email=email,
                      error="That store, email and password do not match a console user.")  # fmt: skip
    session_id, _ = await console.state.open_session(store_hash, email, console.config.session_lifetime)
    response = RedirectResponse(f"/admin/stores/{store_hash}", status_code=303)
    set_session_cookie(response, request, session_id, int(console.config.session_lifetime.total_seconds()))
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    console = console_of(request)
    session = await current_session(request, console.state)
    if session is not None:
        form = await request.form()
        if not check_csrf(session, form.get("csrf")):
            return render(
                "problem.html", 403, heading="Form expired", message="Reload the page and try again."
            )
        session_id = request.cookies.get("bcagent_console", "")
        await console.state.close_session(session_id)
    response = RedirectResponse("/admin/sign-in", status_code=303)
    clear_session_cookie(response)
    return response


async def _widget_state(console: ConsoleContext, connection: Connection) -> dict[str, Any]:
    connections = ConnectionStore(console.settings.home)
    state: dict[str, Any] = {"installed": None, "problem": ""}
    try:
        async with AsyncBigCommerce(
            connection.store_hash, connections.token(connection.store_hash).reveal(),
            base_url=connection.api_url, transport=console.transport, max_retries=0,
        ) as client:  # fmt: skip
            state["installed"] = bool(await installed_scripts(client))
    except PermissionDeniedError:
        state["problem"] = "The token may not read scripts (Content scope): paste the tag by hand."
    except BigCommerceError as exc:
        state["problem"] = f"Could not ask the store: {exc}"
    return state


@router.get("/stores/{store_hash}")
async def setup(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    from ..store.report import last_sync

    folder = ConnectionStore(console.settings.home).folder(store_hash)
    public = console.config.public_url or str(request.base_url).rstrip("/")
    job = console.syncs.get(store_hash)
    sections = await setup_sections(console, connection, request.query_params.get("explain"))
    sections["webhooks"]["url"] = connection.webhook_url or default_webhook_url(console, request)
    return render(
        "setup.html",
        page="setup",
        store=connection,
        session=session,
        notes=console.notes.get(store_hash, []),
        notice=request.query_params.get("notice", ""),
        tools=_tools(connection),
        last_sync=last_sync(folder),
        sync=job.as_json() if job else None,
        widget=await _widget_state(console, connection),
        tag=widget_tag(public, store_hash),
        **sections,
    )


@router.post("/stores/{store_hash}/tools")
async def switch_tool(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    name, action = form.get("tool", ""), form.get("action", "")
    if name not in TOOL_NAMES or action not in ("enable", "disable"):
        return render("problem.html", 422, heading="Unknown tool", message=f"No tool {name!r} to {action}.")
    # the same change as `bcagent tools`: every running server (and replica) follows it within seconds
    await change(console.settings, connection, lambda s: s.with_tool(name, action == "enable"))
    log.info("console: %s %sd %s on %s", session.email, action, name, store_hash)
    return RedirectResponse(f"/admin/stores/{store_hash}?notice={name}+{action}d", status_code=303)


@router.post("/stores/{store_hash}/widget")
async def widget(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    public = console.config.public_url or str(request.base_url).rstrip("/")
    token = ConnectionStore(console.settings.home).token(store_hash)
    try:
        async with AsyncBigCommerce(
            store_hash,
            token.reveal(),
            base_url=connection.api_url,
            transport=console.transport,
            max_retries=1,
        ) as client:
            if form.get("action") == "remove":
                count = await remove_widget(client)
                notice = f"Widget removed from the storefront ({count} script{'s' if count != 1 else ''})."
            else:
                await install_widget(client, public, store_hash)
                notice = "Widget installed on the storefront."
    except PermissionDeniedError:
        notice = "BigCommerce refused: the token needs the Content (modify) scope to manage scripts."
    except BigCommerceError as exc:
        notice = f"BigCommerce did not answer as expected ({exc}); try again."
    return RedirectResponse(f"/admin/stores/{store_hash}?notice={notice}", status_code=303)


@router.post("/stores/{store_hash}/sync")
async def sync_now(request: Request, store_hash: str) -> Response:
    try:
        console, session, _ = await _signed_in(request, store_hash)
        await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    console.start_sync(store_hash)
    return RedirectResponse(f"/admin/stores/{store_hash}?notice=Catalog+sync+started.", status_code=303)


@router.get("/stores/{store_hash}/sync.json")
async def sync_progress(request: Request, store_hash: str) -> Response:
    try:
        console, _, _ = await _signed_in(request, store_hash)
    except Refusal:
        return JSONResponse({"error": "not found"}, 404)
    job = console.syncs.get(store_hash)
    return JSONResponse(job.as_json() if job else {"done": 0, "total": None, "finished": True, "outcome": ""})


@router.post("/stores/{store_hash}/disconnect")
async def disconnect(request: Request, store_hash: str) -> Response:
    try:
        console, session, _ = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    if form.get("confirm") != store_hash:
        return RedirectResponse(
            f"/admin/stores/{store_hash}?notice=Type+the+store+hash+to+confirm+the+disconnect.",
            status_code=303,
        )
    removed = await console.disconnect(store_hash, remove_remote=True)
    log.info("console: %s disconnected %s", session.email, store_hash)
    response = render(
        "problem.html",
        heading="Disconnected",
        message="Removed: " + "; ".join(removed) + ". To revoke the token itself, delete the API account in "
        "BigCommerce (Settings > API > API Accounts), or uninstall the app in Apps > My Apps.",
    )
    clear_session_cookie(response)
    return response


@router.get("/stores/{store_hash}/conversations")
async def conversations(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    view = await conversations_view(console.settings, store_hash, request.query_params)
    return render("conversations.html", page="conversations", store=connection, session=session, **view)


@router.get("/stores/{store_hash}/conversations/{thread_id}")
async def conversation(request: Request, store_hash: str, thread_id: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    personal = request.query_params.get("personal") == "1"
    if personal:
        log.info("console: %s showed personal details of %s/%s", session.email, store_hash, thread_id)
    view = await conversation_view(console.settings, store_hash, thread_id, personal)
    if view is None:
        return _not_found()
    return render("conversation.html", page="conversations", store=connection, session=session,
                  notice=request.query_params.get("notice", "")[:300], **view)  # fmt: skip


@router.get("/stores/{store_hash}/insights")
async def insights(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    days = request.query_params.get("days", "30")
    period = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 30
    since = datetime.now(UTC) - timedelta(days=period)
    view = await insights_view(console.settings, store_hash, since)
    grouper = console.question_grouper(request.app.state.server)  # serve's model, when it has loaded one
    view.update(await unanswered_view(console.settings, store_hash, since, grouper))
    view["csv"] += view["unanswered_csv"]
    if request.query_params.get("format") == "csv":
        return Response(view["csv"], media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="insights-{store_hash}.csv"'})  # fmt: skip
    return render("insights.html", page="insights", store=connection, session=session, days=period, **view)
