"""The sandbox as an ASGI application: BigCommerce's gateway rules (store hash, token, quota, scopes)
in front of the API routes, plus an admin API outside ``/stores/`` for tests and benchmarks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from . import (
    changes,
    routes_catalog,
    routes_content,
    routes_customers,
    routes_hooks,
    routes_orders,
    routes_refunds,
    routes_scripts,
    routes_shipping,
)
from .apps import add_app_routes
from .faults import FaultConfig, Faults
from .formats import SCOPE_MESSAGE, ApiVersion, SandboxError, error_body, error_response, json_response
from .ratelimit import WINDOW_MS, RateLimiter
from .schema import PAYMENTS_METHODS_SCOPE
from .state import SandboxStore
from .storefront import add_storefront_routes
from .webhooks import WebhookDispatcher

log = logging.getLogger(__name__)

# (API version, path prefix after the version) -> OAuth scope family (docs/bigcommerce-api.md).
SCOPE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("v2", "store", "information"),
    ("v2", "time", "information"),
    ("v2", "shipping", "information"),
    ("v2", "orders", "orders"),
    ("v2", "order_statuses", "orders"),
    ("v2", "customer_groups", "customers"),
    ("v2", "customers", "customers"),
    ("v2", "gift_certificates", "marketing"),
    ("v2", "coupons", "marketing"),
    ("v3", "catalog", "products"),
    ("v3", "customers", "customers"),
    ("v3", "promotions", "marketing"),
    ("v3", "content", "content"),
)
READ_METHODS = frozenset({"GET", "HEAD"})


def scope_families(version: str, rest: str) -> tuple[str, ...] | None:
    """The OAuth scope families any one of which allows an API path, or None when it needs none we model.
    Refunds accept the transactions or the orders scope (orders.v3.yml)."""
    parts = rest.strip("/").split("/")
    if version == "v3" and parts[0] == "orders":
        if "payment_actions" in parts:
            return ("transactions", "orders")
        if len(parts) >= 3 and parts[2] == "transactions":
            return ("transactions",)
    for table_version, prefix, family in SCOPE_TABLE:
        if version == table_version and parts[0] == prefix:
            return (family,)
    return None


def has_scope(scopes: frozenset[str], family: str, method: str) -> bool:
    if f"store_v2_{family}" in scopes:
        return True
    return method in READ_METHODS and f"store_v2_{family}_read_only" in scopes


def allowed(scopes: frozenset[str], version: str, rest: str, method: str) -> bool:
    """Whether a token with ``scopes`` may call ``method`` on the API path ``rest`` of ``version``."""
    if version == "v2" and rest.strip("/").split("/")[0] == "payments":
        return PAYMENTS_METHODS_SCOPE in scopes  # a single scope with no _read_only twin
    families = scope_families(version, rest)
    return families is None or any(has_scope(scopes, family, method) for family in families)


class Sandbox:
    """Holds the stores, the quota and the faults, and answers as BigCommerce's gateway does."""

    def __init__(
        self,
        stores: Iterable[SandboxStore],
        faults: FaultConfig | None = None,
        window_ms: int = WINDOW_MS,
        quota: int | None = None,
    ) -> None:
        self.stores: dict[str, SandboxStore] = {s.store_hash: s for s in stores}
        self.limiter = RateLimiter(window_ms)
        for store in self.stores.values():
            self.limiter.set_quota(store.store_hash, quota or int(store.settings["rate_limit_quota"]))
        self.faults = Faults(faults)
        self.webhooks = WebhookDispatcher()
        self.api = build_api(self)

    @property
    def store(self) -> SandboxStore:
        """The only store, for the common single-store case."""
        return next(iter(self.stores.values()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/stores/"):
            await self.api(scope, receive, send)
            return
        parts = scope["path"].split("/", 4)
        version: ApiVersion = "v2" if len(parts) > 3 and parts[3] == "v2" else "v3"
        rest = parts[4] if len(parts) > 4 else ""
        store = self.stores.get(parts[2])
        if store is None:
            await _send_json(send, 403, error_body(403, "Authentication Required", "v3"))
            return
        token = _header(scope, b"x-auth-token")
        scopes = store.tokens.get(token) if token else None
        if scopes is None:
            await _send_json(send, 401, error_body(401, "Unauthorized", "v3"))
            return
        action, delay = self.faults.decide()
        if delay:
            await asyncio.sleep(delay)
        if action == "drop" and _abort_connection(send):
            return
        decision = self.limiter.take(store.store_hash)
        headers = decision.headers
        if action == "rate_limit" or not decision.allowed:
            if decision.allowed:  # an injected 429: ``take`` counted only the refusals it made itself
                self.limiter.refused(store.store_hash)
            headers = {**headers, "X-Rate-Limit-Requests-Left": "0"}
            await _send_json(send, 429, error_body(429, "Too many requests", "v3"), headers)
            return
        if action in ("error", "drop"):
            status = self.faults.config.error_status
            await _send_json(send, status, error_body(status, "Internal Server Error", version), headers)
            return
        if not allowed(scopes, version, rest, scope["method"]):
            await _send_json(send, 403, error_body(403, SCOPE_MESSAGE, "v3"), headers)
            return
        scope["bc_store"] = store
        await self._call_api(scope, receive, send, headers, version)

    async def _call_api(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str], version: ApiVersion
    ) -> None:
        extra = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        try:
            await self.api(scope, receive, send_with_headers)
        except Exception:
            log.exception("sandbox route failed")
            if not started:
                await _send_json(send, 500, error_body(500, "Internal Server Error", version), headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


async def _send_json(send: Send, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    response = json_response(body, status, headers)
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _abort_connection(send: Send) -> bool:
    """Drop the TCP connection without an answer (uvicorn exposes its transport on the send callable)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        return False
    transport.abort()
    return True


def build_api(sandbox: Sandbox) -> FastAPI:
    api = FastAPI(title="BigCommerce sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    routers = (
        routes_orders.router,
        routes_refunds.router,
        routes_catalog.router,
        routes_customers.router,
        routes_content.router,
        routes_scripts.router,
        routes_shipping.router,
        routes_hooks.router,
    )
    for router in routers:
        api.include_router(router)
    known_paths = [
        route.path_regex for router in routers for route in router.routes if isinstance(route, APIRoute)
    ]
    api.state.webhooks = sandbox.webhooks
    _add_admin_routes(api, sandbox)
    changes.add_change_routes(api, sandbox)
    api.state.storefront = add_storefront_routes(api, sandbox)  # sign-in and /customer/current.jwt
    api.state.apps = add_app_routes(api, sandbox)  # single-click apps: /oauth2/token, the control panel

    async def sandbox_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SandboxError)
        return error_response(exc, request.url.path)

    async def server_error(request: Request, exc: Exception) -> Response:
        version: ApiVersion = "v2" if "/v2/" in request.url.path else "v3"
        return json_response(error_body(500, "Internal Server Error", version), 500)

    api.add_exception_handler(SandboxError, sandbox_error)
    api.add_exception_handler(Exception, server_error)

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    @api.api_route("/stores/{store_hash}/{version}/{rest:path}", methods=methods, include_in_schema=False)
    async def unknown_route(request: Request, version: str, rest: str) -> Response:
        api_version: ApiVersion = "v2" if version == "v2" else "v3"
        path = request.url.path
        if any(pattern.match(path) for pattern in known_paths):
            raise SandboxError(405, "The requested method is not supported by this resource.", api_version)
        if api_version == "v2":
            raise SandboxError(404, "The requested resource was not found.", "v2")
        raise SandboxError(404, "The requested resource was not found.", "v3")

    return api


def _add_admin_routes(api: FastAPI, sandbox: Sandbox) -> None:
    def _store(store_hash: str) -> SandboxStore:
        store = sandbox.stores.get(store_hash)
        if store is None:
            raise SandboxError(404, f"No store with hash {store_hash!r} in this sandbox.")
        return store

    @api.get("/__sandbox__/health")
    async def health() -> Response:
        return json_response({"status": "ok", "stores": sorted(sandbox.stores)})

    @api.get("/__sandbox__/faults")
    async def get_faults() -> Response:
        return json_response(sandbox.faults.as_dict())

    @api.put("/__sandbox__/faults")
    async def put_faults(request: Request) -> Response:
        try:
            changes = await request.json()
            if not isinstance(changes, dict):
                raise ValueError("send a JSON object of fault settings")
            sandbox.faults.update(changes)
        except ValueError as exc:
            raise SandboxError(422, str(exc)) from None
        return json_response(sandbox.faults.as_dict())

    @api.put("/__sandbox__/stores/{store_hash}/rate-limit")
    async def put_rate_limit(request: Request, store_hash: str) -> Response:
        store = _store(store_hash)
        body = await request.json()
        quota = body.get("quota") if isinstance(body, dict) else None
        if not isinstance(quota, int) or quota < 1:
            raise SandboxError(422, 'Send {"quota": N} with N >= 1.')
        sandbox.limiter.set_quota(store.store_hash, quota)
        sandbox.limiter.reset(store.store_hash)
        return json_response({"quota": quota, "window_ms": sandbox.limiter.window_ms})

    @api.get("/__sandbox__/stores/{store_hash}/rate-limit")
    async def get_rate_limit(store_hash: str, since_ms: int = 0) -> Response:
        """Read-only: the quota, the limiter's clock, requests counted and 429s sent since the start, and
        the times (ms on that clock, at or after ``since_ms``) of each 429 and each window's start."""
        store = _store(store_hash)
        limiter = sandbox.limiter
        return json_response(
            {
                "quota": limiter.quotas[store.store_hash],
                "window_ms": limiter.window_ms,
                "now_ms": limiter.now_ms(),
                **limiter.tally(store.store_hash, since_ms),
            }
        )

    @api.patch("/__sandbox__/stores/{store_hash}/products/{product_id:int}")
    async def patch_product(request: Request, store_hash: str, product_id: int) -> Response:
        """Change product fields as a merchant would (bumps date_modified), e.g. {"name": "..."}."""
        store = _store(store_hash)
        body = await request.json()
        if not isinstance(body, dict) or not body:
            raise SandboxError(422, "Send a JSON object of product fields to change.")
        if product_id not in store.products:
            raise SandboxError(404, f"No product {product_id} in store {store_hash!r}.")
        product = store.update_product(product_id, body)
        changes.product_changed(sandbox, store, product_id, body)
        return json_response(product)

    @api.get("/__sandbox__/stores/{store_hash}/fixture")
    async def get_fixture(store_hash: str) -> Response:
        return json_response(_store(store_hash).to_fixture())
