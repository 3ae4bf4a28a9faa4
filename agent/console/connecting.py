"""Connecting a store from the console, as ``bcagent connect`` does (``agent.store.connect.connect_store``:
validation, detection, scope probes, the same error sentences).

Two doors:

- ``/admin/stores/{hash}/token``: a signed-in user of that store replaces its access token (a session form
  with the CSRF token). The store hash is the session's, so a user can only ever re-key their own store.
- ``/admin/connect``: an operator connects a new store (or re-keys any store). The operator proves who they
  are with the server's admin token (``BCAGENT_ADMIN_TOKEN``, the admin API's bearer token) typed into the
  form itself, or sent as ``Authorization: Bearer``. It is not a session: there is no console user for a
  store that is not connected yet, the token travels with the one request that needs it, and because no
  cookie authorises the request a page on another site cannot forge it (no CSRF token is needed).
  Wrong tokens count as failed sign-ins (the sign-in page's rate limit).

No page ever shows a token: the forms are re-shown empty of them, and a store field that fails to parse
is not echoed back (people paste the token into it by mistake).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ..store.capabilities import scope_notes, scope_problems
from ..store.connect import connect_store
from ..store.connections import Connection, ConnectionProblem, ConnectionStore, Secret
from ..store.live import record_connected
from ..store.report import last_sync
from .access import (
    ACCOUNT_FAILURES,
    CLIENT_FAILURES,
    SIGN_IN_WINDOW,
    Refusal,
    _client,
    _form,
    _signed_in,
    _tools,
)
from .context import ConsoleContext, console_of
from .views import render

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)
OPERATOR = "operator"  # the account name failed admin-token attempts are counted under


async def _connect(
    console: ConsoleContext, store_input: str, token: str, api_url: str
) -> tuple[Connection, bool, bool]:
    """``bcagent connect``'s steps; then every server follows the new connection (its token, scopes), and
    a store never synced gets its first catalog sync in the background (as `connect` starts it). The
    connection, whether it replaced one, and whether a first sync started."""
    connections = ConnectionStore(console.settings.home)
    result = await connect_store(
        store_input, Secret(token), api_url, connections, transport=console.transport
    )
    await record_connected(console.settings, result.connection)
    store_hash = result.connection.store_hash
    first_sync = (
        result.connection.scopes.get("products", "none") != "none"
        and last_sync(connections.folder(store_hash)) == "never"
    )
    if first_sync:
        console.start_sync(store_hash)
    return result.connection, result.replaced, first_sync


def _report(connection: Connection, replaced: bool, first_sync: bool) -> dict[str, Any]:
    return {
        "connected": connection,
        "replaced": replaced,
        "first_sync": first_sync,
        "problems": scope_problems(connection.scopes),
        "scope_notes": scope_notes(connection.scopes),
        "tools": _tools(connection),
    }


@router.post("/stores/{store_hash}/token")
async def replace_token(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    page: dict[str, Any] = {"mode": "replace", "store": connection, "session": session, "page": "setup"}
    try:
        connected, replaced, first_sync = await _connect(
            console, store_hash, form.get("token", ""), connection.api_url
        )
    except ConnectionProblem as problem:
        return render("connect.html", 400, error=str(problem), **page)
    log.info("console: %s replaced the access token of %s", session.email, store_hash)
    return render("connect.html", **page, **_report(connected, replaced, first_sync))


def _operator_page(console: ConsoleContext, status: int = 200, **context: Any) -> Response:
    context.setdefault("api_url", console.config.api_url)
    return render("connect.html", status, mode="operator", **context)


@router.get("/connect")
async def operator_form(request: Request) -> Response:
    console = console_of(request)
    if console.config.admin_token is None:
        return _no_admin_token()
    return _operator_page(console)


def _no_admin_token() -> Response:
    return render("problem.html", 404, heading="Connecting stores is off",
                  message="Set BCAGENT_ADMIN_TOKEN on the server and restart `bcagent serve` to connect stores "
                  "from the console; or run `bcagent connect` on the server.")  # fmt: skip


def _given_admin_token(request: Request, form: dict[str, str]) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return form.get("admin_token", "").strip()


@router.post("/connect")
async def operator_connect(request: Request) -> Response:
    console = console_of(request)
    expected = console.config.admin_token
    if expected is None:
        return _no_admin_token()
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    client, account = f"client:{_client(request)}", f"account:{OPERATOR}"
    store_input = form.get("store", "").strip()
    api_url = (form.get("api_url", "").strip() or console.config.api_url).rstrip("/")
    if (
        await console.state.failures_since(account, SIGN_IN_WINDOW) >= ACCOUNT_FAILURES
        or await console.state.failures_since(client, SIGN_IN_WINDOW) >= CLIENT_FAILURES
    ):
        return _operator_page(
            console, 429, error="Too many wrong admin tokens: wait 15 minutes and try again."
        )
    given = _given_admin_token(request, form)
    if not given or not hmac.compare_digest(given.encode(), expected.reveal().encode()):
        await console.state.record_failure(client)
        await console.state.record_failure(account)
        return _operator_page(
            console, 401, store_input=store_input, api_url=api_url,
            error="That is not the server's admin token (BCAGENT_ADMIN_TOKEN): ask whoever runs the server.",
        )  # fmt: skip
    if not api_url.startswith(("https://", "http://")):
        return _operator_page(console, 400, store_input=store_input,
                              error="The API URL must start with https:// (default: BigCommerce's).")  # fmt: skip
    try:
        connected, replaced, first_sync = await _connect(console, store_input, form.get("token", ""), api_url)
    except ConnectionProblem as problem:
        keep = "" if str(problem).startswith("Invalid store hash") else store_input  # it may be a token
        return _operator_page(console, 400, store_input=keep, api_url=api_url, error=str(problem))
    log.info("console: an operator connected store %s", connected.store_hash)
    server = getattr(request.app.state, "server", None)
    served = server is None or connected.store_hash in server.stores
    return _operator_page(console, api_url=api_url, served=served, **_report(connected, replaced, first_sync))
