"""Client-side flow control shared by every request of one client: the request-quota tracker
(proactive throttling from the ``X-Rate-Limit-*`` headers) and the concurrency limiter with a
reservation for interactive calls.

Priorities: ``"interactive"`` (a shopper is waiting) and ``"bulk"`` (catalog crawls, backfills).
Bulk requests take a slot from a smaller bulk semaphore *and* from the shared one, so they can never
hold more than ``bulk_concurrency`` of the ``max_concurrency`` slots; and they start waiting for the
quota window to refill ``bulk_reserve`` requests earlier than interactive ones, leaving that many
requests of each window to shoppers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Literal

__all__ = ["ConcurrencyLimiter", "Priority", "RateLimitSnapshot", "RateLimitTracker"]

Priority = Literal["interactive", "bulk"]

_HEADERS = {
    "window_ms": "x-rate-limit-time-window-ms",
    "reset_ms": "x-rate-limit-time-reset-ms",
    "quota": "x-rate-limit-requests-quota",
    "left": "x-rate-limit-requests-left",
}


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


@dataclass(frozen=True)
class RateLimitSnapshot:
    """The four ``X-Rate-Limit-*`` headers of one response (None when absent or unparseable)."""

    window_ms: int | None = None
    reset_ms: int | None = None
    quota: int | None = None
    left: int | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitSnapshot:
        """Parse the headers; names are matched case-insensitively."""
        lowered = {key.lower(): value for key, value in headers.items()}
        return cls(**{field: _int_header(lowered, name) for field, name in _HEADERS.items()})


class RateLimitTracker:
    """Estimates the requests left in the current window and says how long to wait before sending.

    The estimate is the last ``Requests-Left`` header minus the requests still in flight (they may
    not be counted yet), and goes down by one for each request sent.
    """

    def __init__(
        self, *, threshold: int, bulk_reserve: int, max_wait: float, clock: Callable[[], float]
    ) -> None:
        self.threshold = threshold
        self.bulk_reserve = bulk_reserve
        self.max_wait = max_wait
        self._clock = clock
        self.last: RateLimitSnapshot = RateLimitSnapshot()
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self._in_flight = 0

    @property
    def remaining(self) -> int | None:
        """Estimated requests left in this window, or None when unknown (e.g. after a refill)."""
        return self._remaining

    def delay_before_request(self, priority: Priority) -> float:
        """Seconds to wait for the window to refill before sending (0 to send now)."""
        if self._remaining is None or self._reset_at is None:
            return 0.0
        floor = self.threshold + (self.bulk_reserve if priority == "bulk" else 0)
        if self._remaining > floor:
            return 0.0
        wait = self._reset_at - self._clock()
        if wait <= 0:
            self.window_refilled()
            return 0.0
        return min(wait, self.max_wait)

    def window_refilled(self) -> None:
        """Forget the estimate after waiting out the window (the next response brings a fresh one)."""
        self._remaining = None
        self._reset_at = None

    def request_started(self) -> None:
        self._in_flight += 1
        if self._remaining is not None:
            self._remaining -= 1

    def request_finished(self, headers: Mapping[str, str] | None) -> RateLimitSnapshot | None:
        """Record a response's headers (None when the request failed without a response)."""
        self._in_flight = max(0, self._in_flight - 1)
        if headers is None:
            return None
        snapshot = RateLimitSnapshot.from_headers(headers)
        if snapshot.left is None:
            return snapshot
        self.last = snapshot
        self._remaining = snapshot.left - self._in_flight
        self._reset_at = self._clock() + snapshot.reset_ms / 1000 if snapshot.reset_ms is not None else None
        return snapshot


class ConcurrencyLimiter:
    """At most ``total`` requests in flight, of which at most ``bulk`` may be bulk."""

    def __init__(self, total: int, bulk: int) -> None:
        if total < 1:
            raise ValueError("max_concurrency must be at least 1")
        if not 1 <= bulk <= total:
            raise ValueError("bulk_concurrency must be between 1 and max_concurrency")
        self.total = total
        self.bulk = bulk
        self._all = asyncio.Semaphore(total)
        self._bulk = asyncio.Semaphore(bulk)
        self.in_flight = 0
        self.peak_in_flight = 0

    @asynccontextmanager
    async def slot(self, priority: Priority) -> AsyncIterator[None]:
        """Hold one request slot for the duration of the block."""
        async with self._bulk if priority == "bulk" else nullcontext(), self._all:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                yield
            finally:
                self.in_flight -= 1
