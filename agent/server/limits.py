"""Limits: requests per minute per key (client address, thread), one turn at a time per thread, and the
request body (size and JSON content type).

The rate limiter and the turn lock are small interfaces with in-process implementations; replicas
behind a load balancer need shared ones (Redis), which implement the same two methods each.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import send_error


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: float = 60.0) -> float | None:
        """Count one request for ``key``: None when allowed, else the seconds to wait before retrying."""
        ...


class TurnLocks(Protocol):
    async def acquire(self, key: str) -> bool:
        """Take the thread's turn lock; False (at once, no waiting) when a turn already holds it."""
        ...

    async def release(self, key: str) -> None: ...

    async def busy(self, key: str) -> bool:
        """Whether a turn holds ``key`` now (on any replica, for shared locks)."""
        ...


class MemoryRateLimiter:
    """A sliding log per key: at most ``limit`` requests in any ``window_seconds``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sweep_every: int = 1000) -> None:
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._count = 0
        self._sweep_every = sweep_every

    async def hit(self, key: str, limit: int, window_seconds: float = 60.0) -> float | None:
        now = self.clock()
        self._count += 1
        if self._count % self._sweep_every == 0:
            self._sweep(now, window_seconds)
        log = self._hits.setdefault(key, deque())
        while log and log[0] <= now - window_seconds:
            log.popleft()
        if len(log) >= limit:
            return max(0.001, log[0] + window_seconds - now)
        log.append(now)
        return None

    def _sweep(self, now: float, window_seconds: float) -> None:
        """Forget keys with no request in the window, so memory follows the active clients only."""
        for key in [k for k, log in self._hits.items() if not log or log[-1] <= now - window_seconds]:
            del self._hits[key]


class MemoryTurnLocks:
    """Held locks as a set; acquire never waits (a second turn on a busy thread is refused)."""

    def __init__(self) -> None:
        self._held: set[str] = set()

    async def acquire(self, key: str) -> bool:
        if key in self._held:
            return False
        self._held.add(key)
        return True

    async def release(self, key: str) -> None:
        self._held.discard(key)

    async def busy(self, key: str) -> bool:
        return key in self._held

    def held(self) -> int:
        return len(self._held)


def _json_media_type(value: str) -> bool:
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class BodyLimits:
    """ASGI middleware: a request body is at most ``max_bytes`` and, when present, JSON.

    The body is read here (bounded) and handed on whole, so an oversized body is refused before anything
    parses it, whether it came with a Content-Length or chunked."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await send_error(send, 413, "payload_too_large", self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_error(send, 413, "payload_too_large", self._too_large())
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if body.strip() and not _json_media_type(headers.get("content-type", "")):
            await send_error(
                send,
                415,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"The request body is larger than {self.max_bytes} bytes; send a shorter message."
