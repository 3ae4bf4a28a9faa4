"""The ``Host`` names ``bcagent serve`` answers to (``BCAGENT_ALLOWED_HOSTS``), checked before anything
else: before CORS's own-origin check (which reads ``Host``) and before any redirect a route or FastAPI's
trailing-slash handling builds from it. A request naming another host (a DNS-rebinding page, or
``Host: evil.example`` to get a redirect there) gets ``400 invalid_host``.

Default: bound to a loopback address, only the loopback names; bound elsewhere, any host (set
``BCAGENT_ALLOWED_HOSTS`` to the public name, e.g. ``chat.example.com``; a warning at start says so).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from ..settings import ServeSettings
from .errors import send_error

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(serve: ServeSettings) -> tuple[str, ...] | None:
    """The names to accept (``*.example.com`` for any subdomain), or None for any."""
    if serve.allowed_hosts is not None:
        return serve.allowed_hosts
    if serve.host in LOOPBACK_NAMES:
        return LOOPBACK_NAMES
    log.warning(
        "BCAGENT_ALLOWED_HOSTS is not set: any Host header is accepted; set it to the server's public name"
    )
    return None


def host_name(value: str) -> str:
    """``Chat.Example.com:8378`` -> ``chat.example.com``; ``[::1]:8378`` -> ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class HostCheck:
    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None) -> None:
        self.app = app
        self.hosts = None if hosts is None else frozenset(h.lower() for h in hosts)

    def allows(self, host: str) -> bool:
        if self.hosts is None:
            return True
        name = host_name(host)
        return any(name == h or (h.startswith("*.") and name.endswith(h[1:])) for h in self.hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.hosts is None:
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if not self.allows(host):
            await send_error(
                send,
                400,
                "invalid_host",
                "This server does not answer to that host name (BCAGENT_ALLOWED_HOSTS).",
            )
            return
        await self.app(scope, receive, send)
