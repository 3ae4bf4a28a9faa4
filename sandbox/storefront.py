"""The storefront side of a sandbox store, for tests and the demo: a shopper signs in, and storefront
JavaScript asks ``GET /customer/current.jwt?app_client_id=...`` for BigCommerce's Current Customer JWT.

As on BigCommerce (bigcommerce-api.md section 16): a signed-in shopper gets the JWT as plain text, HS256-
signed with the client secret of the app named by ``app_client_id``; a guest, or an app the store does not
have, gets ``404``. The sign-in is the sandbox's own (a real storefront has a login form):

    POST /__sandbox__/storefront/{store_hash}/login   {"email": "jane.doe@example.com"}  -> Set-Cookie
    POST /__sandbox__/storefront/{store_hash}/logout
    GET  /customer/current.jwt?app_client_id=<client id>                              (cookie of the sign-in)
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import jwt
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from .formats import SandboxError, json_response

if TYPE_CHECKING:
    from .app import Sandbox

SESSION_COOKIE = "SHOP_SESSION_TOKEN"
TOKEN_LIFETIME_SECONDS = 900  # BigCommerce's tokens are valid for 15 minutes


class Storefront:
    """Signed-in shoppers of the sandbox's stores (session token -> store hash and customer id)."""

    def __init__(self, sandbox: Sandbox, clock: Callable[[], float] = time.time) -> None:
        self.sandbox = sandbox
        self.clock = clock
        self._sessions: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def sign_in(self, store_hash: str, email: str) -> tuple[str, dict[str, Any]]:
        store = self.sandbox.stores.get(store_hash)
        if store is None:
            raise SandboxError(404, f"No store with hash {store_hash!r} in this sandbox.")
        wanted = email.strip().lower()
        customer = next(
            (c for c in store.customers.values() if str(c.get("email", "")).lower() == wanted), None
        )
        if customer is None:
            raise SandboxError(404, f"No customer with the email {email!r} in store {store_hash!r}.")
        session = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[session] = (store_hash, int(customer["id"]))
        return session, customer

    def sign_out(self, session: str | None) -> None:
        with self._lock:
            self._sessions.pop(session or "", None)

    def current_customer_jwt(self, session: str | None, app_client_id: str) -> str | None:
        """The Current Customer JWT for the session's shopper, or None (guest, unknown app)."""
        with self._lock:
            signed_in = self._sessions.get(session or "")
        if signed_in is None:
            return None
        store_hash, customer_id = signed_in
        store = self.sandbox.stores.get(store_hash)
        customer = store.customers.get(customer_id) if store else None
        app = store.apps.get(app_client_id) if store else None
        if store is None or customer is None or app is None:
            return None
        now = int(self.clock())
        claims = {
            "customer": {
                "id": customer_id,
                "email": customer.get("email", ""),
                "group_id": str(customer.get("customer_group_id", 0)),
            },
            "iss": "bc/apps",
            "sub": store_hash,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "version": 1,
            "aud": app_client_id,
            "application_id": app.get("application_id") or app_client_id,
            "store_hash": store_hash,
            "operation": "current_customer",
        }
        return jwt.encode(claims, str(app["client_secret"]), algorithm="HS256")


def add_storefront_routes(api: FastAPI, sandbox: Sandbox) -> Storefront:
    storefront = Storefront(sandbox)

    @api.post("/__sandbox__/storefront/{store_hash}/login")
    async def login(request: Request, store_hash: str) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        email = body.get("email") if isinstance(body, dict) else None
        if not isinstance(email, str) or not email.strip():
            raise SandboxError(422, 'Send {"email": "..."} with the email of a customer of the store.')
        session, customer = storefront.sign_in(store_hash, email)
        response = json_response({"customer": {"id": customer["id"], "email": customer.get("email")}})
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", path="/")
        return response

    @api.post("/__sandbox__/storefront/{store_hash}/logout")
    async def logout(request: Request, store_hash: str) -> Response:
        storefront.sign_out(request.cookies.get(SESSION_COOKIE))
        response = json_response({"signed_out": True})
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @api.get("/customer/current.jwt")
    async def current_jwt(request: Request, app_client_id: str = "") -> Response:
        token = storefront.current_customer_jwt(request.cookies.get(SESSION_COOKIE), app_client_id)
        if token is None:
            return PlainTextResponse("Not Found", status_code=404)
        return PlainTextResponse(token, headers={"Cache-Control": "no-store"})

    return storefront
