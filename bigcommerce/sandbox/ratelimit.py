"""BigCommerce's per-store request quota: a fixed window (30 s by default) shared by every client."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_MS = 30_000


@dataclass
class _Window:
    started: float
    used: int = 0


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
        self._lock = threading.Lock()

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
            if window is None or (now - window.started) * 1000 >= self.window_ms:
                window = self._windows[store_hash] = _Window(started=now)
            allowed = window.used < quota
            if allowed:
                window.used += 1
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
