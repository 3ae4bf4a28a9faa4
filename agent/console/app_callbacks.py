"""The single-click app's callbacks: ``/auth`` (install), ``/load`` (open), ``/uninstall``, ``/remove_user``.

``/auth`` exchanges the code for the store's token, connects the store as ``bcagent connect`` does
(detection and scope checks), installs the widget through the Scripts API when the token may, starts the
first catalog sync in the background, signs the installing user in and opens the console, so the
control panel never shows a blank frame. ``/load`` verifies the signed payload and opens the console for
that user (a new user of the store is added: BigCommerce only sends users the owner authorised).
``/uninstall`` disconnects the store (credentials, index, webhooks, console users); ``/remove_user``
forgets the user.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bigcommerce import AsyncBigCommerce, BigCommerceError, PermissionDeniedError

from ..store.connect import connect_store
from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.live import record_connected
from .bc_app import AppCallbackError, exchange_code, verify_signed_payload
from .context import ConsoleContext, console_of
from .sessions import set_session_cookie
from .views import render
from .widget_script import install_widget

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


def _problem(message: str, status: int = 400) -> Response:
    return render("problem.html", status, heading="The app could not open", message=message)


def _not_an_app() -> Response:
    return _problem(
        "This server is not set up as a BigCommerce app: set BCAGENT_BC_CLIENT_ID, BCAGENT_BC_CLIENT_SECRET "
        "and BCAGENT_PUBLIC_URL, then restart `bcagent serve`.",
        404,
    )


async def _open_console(console: ConsoleContext, request: Request, store_hash: str, email: str) -> Response:
    session_id, _ = await console.state.open_session(store_hash, email, console.config.session_lifetime)
    response = RedirectResponse(f"/admin/stores/{store_hash}", status_code=303)
    set_session_cookie(response, request, session_id, int(console.config.session_lifetime.total_seconds()))
    return response


@router.get("/auth")
async def auth(request: Request, code: str = "", scope: str = "", context: str = "") -> Response:
    console = console_of(request)
    app = console.config.app
    if app is None:
        return _not_an_app()
    try:
        installation = await exchange_code(
            app, console.config.login_url, console.config.auth_callback, code, scope, context,
            transport=console.transport,
        )  # fmt: skip
    except AppCallbackError as problem:
        return _problem(str(problem))
    connections = ConnectionStore(console.settings.home)
    try:
        result = await connect_store(
            installation.store_hash, installation.token, console.config.api_url, connections,
            transport=console.transport,
        )  # fmt: skip
    except ConnectionProblem as problem:
        return _problem(str(problem))
    store_hash = result.connection.store_hash
    await record_connected(console.settings, result.connection)  # a tombstone of an earlier uninstall goes
    notes: list[str] = []
    try:
        async with AsyncBigCommerce(
            store_hash, installation.token.reveal(), base_url=console.config.api_url,
            transport=console.transport, max_retries=2,
        ) as client:  # fmt: skip
            await install_widget(client, console.config.public_url, store_hash)
        notes.append("The chat widget was added to your storefront (Storefront > Script Manager).")
    except PermissionDeniedError:
        notes.append(
            "The chat widget was not installed: the app has no Content (modify) scope. Paste the tag "
            "shown under Widget into Storefront > Script Manager instead."
        )
    except BigCommerceError as exc:
        log.warning("widget script not installed for %s: %s", store_hash, exc)
        notes.append("The chat widget could not be installed just now: use Install under Widget to retry.")
    console.notes[store_hash] = notes
    email = installation.user_email or installation.owner_email
    await console.state.add_user(store_hash, email, installation.user_id)
    console.start_sync(store_hash)
    log.info("app installed on store %s", store_hash)
    return await _open_console(console, request, store_hash, email)


@router.get("/load")
async def load(request: Request, signed_payload_jwt: str = "") -> Response:
    console = console_of(request)
    if console.config.app is None:
        return _not_an_app()
    try:
        payload = verify_signed_payload(console.config.app, signed_payload_jwt)
    except AppCallbackError as problem:
        return _problem(str(problem), 401)
    if payload.store_hash not in ConnectionStore(console.settings.home).hashes():
        return _problem(
            "This store is not connected to the assistant any more: reinstall the app from the control "
            "panel (Apps > My Apps).",
            404,
        )
    email = payload.user_email or payload.owner_email
    await console.state.add_user(payload.store_hash, email, payload.user_id)
    return await _open_console(console, request, payload.store_hash, email)


@router.get("/uninstall")
async def uninstall(request: Request, signed_payload_jwt: str = "") -> Response:
    console = console_of(request)
    if console.config.app is None:
        return JSONResponse({"error": "not an app"}, 404)
    try:
        payload = verify_signed_payload(console.config.app, signed_payload_jwt)
    except AppCallbackError as problem:
        return JSONResponse({"error": str(problem)}, 401)
    removed = await console.disconnect(payload.store_hash)
    log.info("app uninstalled from store %s", payload.store_hash)
    return JSONResponse({"store_hash": payload.store_hash, "removed": removed})


@router.get("/remove_user")
async def remove_user(request: Request, signed_payload_jwt: str = "") -> Response:
    console = console_of(request)
    if console.config.app is None:
        return JSONResponse({"error": "not an app"}, 404)
    try:
        payload = verify_signed_payload(console.config.app, signed_payload_jwt)
    except AppCallbackError as problem:
        return JSONResponse({"error": str(problem)}, 401)
    removed = await console.state.remove_user(
        payload.store_hash, email=payload.user_email, bc_user_id=payload.user_id
    )
    return JSONResponse({"store_hash": payload.store_hash, "users_removed": removed})
