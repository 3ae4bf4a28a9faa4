"""CORS for the storefront widget: only the configured origins (never ``*``), and a JSON 403
``origin_not_allowed`` for a request from any other origin, preflight or not.

A request with no ``Origin`` (curl, a server) passes; so does a same-origin one (the demo page that
``bcagent serve`` itself serves)."""

from __future__ import annotations

from collections.abc import Iterable

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


class OriginPolicy:
    """The set of allowed origins; an empty policy still allows same-origin requests."""

    def __init__(self, origins: Iterable[str]) -> None:
        self.origins = frozenset(normalize_origin(o) for o in origins if o and o.strip() and o != "*")

    def add(self, url: str) -> None:
        """Allow one more origin (a storefront URL the merchant typed, learned while serving)."""
        if url and url.strip() and url != "*":
            self.origins = self.origins | {normalize_origin(url)}

    def allows(self, origin: str, scope: Scope) -> bool:
        return normalize_origin(origin) in self.origins or origin == _own_origin(scope)


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
