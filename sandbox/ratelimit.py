"""BigCommerce's per-store request quota: a fixed window (30 s by default) shared by every client."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_MS = 30_000
REFUSALS_KEPT = 100_000


@dataclass
class _Window:
    started: float
    used: int = 0


@dataclass
class Tally:
    """What one store's quota has answered since the sandbox started: requests counted against the quota,
    429s sent, when each 429 went out and when each window began (ms on the limiter's clock; the last
    ``REFUSALS_KEPT`` of each)."""

    counted: int = 0
    refused: int = 0
    refused_ms: deque[int] = field(default_factory=lambda: deque(maxlen=REFUSALS_KEPT))
    windows_ms: deque[int] = field(default_factory=lambda: deque(maxlen=REFUSALS_KEPT))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    """Counts requests per store; every answer carries the four ``X-Rate-Limit-*`` headers."""

    def __init__(self, window_ms: int = WINDOW_MS, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_ms = window_ms
        self.clock = clock
        self.quotas: dict[str, int] = {}
        self._windows: dict[str, _Window] = {}
        self._tallies: dict[str, Tally] = {}
        self._origin = clock()
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        """The limiter's clock in ms since it was made (the time base of the tally's times)."""
        return int((self.clock() - self._origin) * 1000)

    def refused(self, store_hash: str) -> None:
        """Count a 429 sent for the store (``take`` counts its own; this is for injected ones)."""
        now_ms = self.now_ms()
        with self._lock:
            tally = self._tallies.setdefault(store_hash, Tally())
            tally.refused += 1
            tally.refused_ms.append(now_ms)

    def tally(self, store_hash: str, since_ms: int = 0) -> dict[str, object]:
        """The store's counts as JSON: totals, and the times (at or after ``since_ms``) of the 429s sent
        and of the windows begun."""
        with self._lock:
            tally = self._tallies.get(store_hash, Tally())
            return {
                "counted": tally.counted,
                "refused": tally.refused,
                "refused_ms": [t for t in tally.refused_ms if t >= since_ms],
                "windows_ms": [t for t in tally.windows_ms if t >= since_ms],
            }

    def set_quota(self, store_hash: str, quota: int) -> None:
        with self._lock:
            self.quotas[store_hash] = quota

    def reset(self, store_hash: str | None = None) -> None:
        with self._lock:
            if store_hash is None:
                self._windows.clear()
            else:
                self._windows.pop(store_hash, None)

    def take(self, store_hash: str) -> Decision:
        """Use one request of the store's quota, or refuse (429) when the window's quota is spent."""
        now = self.clock()
        quota = self.quotas.get(store_hash, 150)
        with self._lock:
            window = self._windows.get(store_hash)
            tally = self._tallies.setdefault(store_hash, Tally())
            if window is None or (now - window.started) * 1000 >= self.window_ms:
                window = self._windows[store_hash] = _Window(started=now)
                tally.windows_ms.append(int((now - self._origin) * 1000))
            allowed = window.used < quota
            if allowed:
                window.used += 1
                tally.counted += 1
            else:
                tally.refused += 1
                tally.refused_ms.append(int((now - self._origin) * 1000))
            left = quota - window.used
            reset_ms = max(0, int(self.window_ms - (now - window.started) * 1000))
        headers = {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
            "X-Rate-Limit-Requests-Quota": str(quota),
            "X-Rate-Limit-Requests-Left": str(left),
        }
        if not allowed:
            headers["X-Retry-After"] = str(max(1, -(-reset_ms // 1000)))
        return Decision(allowed, headers)
