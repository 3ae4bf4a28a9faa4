"""CORS for the storefront widget: only the configured origins (never ``*``), and a JSON 403
``origin_not_allowed`` for a request from any other origin, preflight or not.

A request with no ``Origin`` (curl, a server) passes; so does a same-origin one (the demo page that
``bcagent serve`` itself serves). The allow-list is per store too: a served store's storefront may call
only its own store's routes (``/v1/stores/<its hash>/...``), never another served store's.

The own-origin check reads ``Host``; ``HostCheck`` (``hosts.py``, outside this middleware) has already
refused a host name the server does not answer to."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import send_error

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, X-Thread-Secret, Accept"
MAX_AGE_SECONDS = "600"


def normalize_origin(url: str) -> str:
    """``https://Shop.example/path`` -> ``https://shop.example`` (scheme://host[:port], no slash)."""
    text = url.strip()
    if "://" not in text:
        return text.rstrip("/").lower()
    scheme, rest = text.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme.lower()}://{host.lower()}"


STORE_PATH = re.compile(r"^/v1/stores/([^/]+)(?:/|$)")


class OriginPolicy:
    """The set of allowed origins; an empty policy still allows same-origin requests. ``stores``: each
    served store's own storefront origins; one of them may call only that store's routes."""

    def __init__(self, origins: Iterable[str], stores: Mapping[str, Iterable[str]] | None = None) -> None:
        self.origins = frozenset(normalize_origin(o) for o in origins if o and o.strip() and o != "*")
        self.stores = {
            h: frozenset(normalize_origin(o) for o in found if o) for h, found in (stores or {}).items()
        }
        self._storefronts = frozenset().union(*self.stores.values()) if self.stores else frozenset()

    def add(self, url: str) -> None:
        """Allow one more origin (a storefront URL the merchant typed, learned while serving)."""
        if url and url.strip() and url != "*":
            self.origins = self.origins | {normalize_origin(url)}

    def allows(self, origin: str, scope: Scope) -> bool:
        if origin == _own_origin(scope):
            return True
        wanted = normalize_origin(origin)
        if wanted not in self.origins:
            return False
        match = STORE_PATH.match(str(scope.get("path", "")))
        if match is None or wanted not in self._storefronts:
            return True
        return wanted in self.stores.get(match.group(1), frozenset())


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _own_origin(scope: Scope) -> str:
    host = _headers(scope).get("host", "")
    return f"{scope.get('scheme', 'http')}://{host.lower()}" if host else ""


class CorsMiddleware:
    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        if not self.policy.allows(origin, scope):
            await send_error(
                send,
                403,
                "origin_not_allowed",
                "This storefront origin is not allowed to use the chat API; add it to BCAGENT_CORS_ORIGINS.",
            )
            return
        allow = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            preflight = [
                *allow,
                (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
                (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
                (b"access-control-max-age", MAX_AGE_SECONDS.encode()),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": preflight})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *allow]}
            await send(message)

        await self.app(scope, receive, with_cors)
