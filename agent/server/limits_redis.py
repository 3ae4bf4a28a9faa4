"""The request limits and the one-turn-at-a-time lock in Redis, shared by every replica
(``BCAGENT_REDIS_URL``); the same interfaces as the in-process ones in ``limits.py``.

- Rate limit: a sliding log per key, a sorted set of request times, trimmed, counted and added to in
  one Lua script (atomic on the server) with the Redis server's own clock, so replicas whose clocks
  differ still share one window. The set expires with its window.
- Turn lock: ``SET key token NX PX ttl``; released only by its holder (compare-and-delete), renewed
  while the turn runs, so a replica that dies mid-turn frees the thread after ``ttl`` at most.

When Redis cannot be reached the server keeps serving with in-process limits and logs a warning
(limits then hold per replica, as without Redis), and goes back to Redis on the next request that
finds it reachable. A held lock's release is retried on Redis, never on the fallback.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any

from .limits import MemoryRateLimiter, MemoryTurnLocks

log = logging.getLogger(__name__)

# KEYS[1] the log; ARGV: window ms, limit, a unique member. Returns nil when allowed, else the ms to wait.
_HIT = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - ms)
end
redis.call('ZADD', KEYS[1], ms, ms .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return false
"""
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"

WARN_EVERY_SECONDS = 60.0


def redis_client(url: str) -> Any:
    """An asyncio Redis client that fails fast (a dead Redis must not hold a shopper's request)."""
    import redis.asyncio as redis

    return redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)


class _Degraded:
    """Logs 'Redis unreachable' at most once a minute, and 'back' once when it returns."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.since: float | None = None
        self._warned = 0.0

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
        if now - self._warned >= WARN_EVERY_SECONDS:
            self._warned = now
            log.warning(
                "Redis unreachable (%s): %s hold per replica until it is back",
                type(error).__name__,
                self.what,
            )

    def ok(self) -> None:
        if self.since is not None:
            log.warning("Redis reachable again: %s are shared again", self.what)
            self.since = None


class RedisRateLimiter:
    def __init__(self, client: Any, prefix: str = "bcagent:rate:") -> None:
        self.client = client
        self.prefix = prefix
        self.fallback = MemoryRateLimiter()
        self.health = _Degraded("request limits")

    async def hit(self, key: str, limit: int, window_seconds: float = 60.0) -> float | None:
        window_ms = max(1, int(window_seconds * 1000))
        try:
            wait_ms = await self.client.eval(
                _HIT, 1, self.prefix + key, window_ms, limit, secrets.token_hex(6)
            )
        except Exception as error:  # redis.RedisError, OSError, a timeout: serve on
            self.health.failed(error)
            return await self.fallback.hit(key, limit, window_seconds)
        self.health.ok()
        return None if wait_ms is None else max(0.001, int(wait_ms) / 1000)


class RedisTurnLocks:
    """One turn at a time per thread, across replicas. ``ttl_ms`` bounds how long a dead replica's lock
    outlives it; a live holder renews it every third of that."""

    def __init__(self, client: Any, prefix: str = "bcagent:turn:", ttl_ms: int = 15_000) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_ms = ttl_ms
        self.fallback = MemoryTurnLocks()
        self.health = _Degraded("turn locks")
        self._tokens: dict[str, str] = {}
        self._renewers: dict[str, asyncio.Task[None]] = {}
        self._local: set[str] = set()  # keys held on the fallback

    async def acquire(self, key: str) -> bool:
        token = secrets.token_hex(16)
        try:
            taken = await self.client.set(self.prefix + key, token, nx=True, px=self.ttl_ms)
        except Exception as error:
            self.health.failed(error)
            if await self.fallback.acquire(key):
                self._local.add(key)
                return True
            return False
        self.health.ok()
        if not taken:
            return False
        self._tokens[key] = token
        self._renewers[key] = asyncio.create_task(self._renew(key, token))
        return True

    async def release(self, key: str) -> None:
        if key in self._local:
            self._local.discard(key)
            await self.fallback.release(key)
            return
        token = self._tokens.pop(key, None)
        renewer = self._renewers.pop(key, None)
        if renewer is not None:
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
        if token is None:
            return
        for attempt in range(3):
            try:
                await self.client.eval(_RELEASE, 1, self.prefix + key, token)
                return
            except Exception as error:
                self.health.failed(error)
                await asyncio.sleep(0.1 * (attempt + 1))
        log.warning("could not release a turn lock in Redis; it expires in %d ms", self.ttl_ms)

    def held(self) -> int:
        return len(self._tokens) + len(self._local)

    async def busy(self, key: str) -> bool:
        if key in self._local or key in self._tokens:
            return True
        try:
            found = await self.client.exists(self.prefix + key)
        except Exception as error:
            self.health.failed(error)
            return await self.fallback.busy(key)
        self.health.ok()
        return bool(found)

    async def _renew(self, key: str, token: str) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                if not await self.client.eval(_RENEW, 1, self.prefix + key, token, self.ttl_ms):
                    log.warning("a turn lock in Redis expired while its turn ran")
                    return
            except Exception as error:
                self.health.failed(error)


def redis_limits(
    url: str, namespace: str = "bcagent", lock_ttl_ms: int = 15_000
) -> tuple[RedisRateLimiter, RedisTurnLocks]:
    """The limiter and the turn locks on one Redis client, under ``namespace``."""
    client = redis_client(url)
    locks = RedisTurnLocks(client, f"{namespace}:turn:", ttl_ms=lock_ttl_ms)
    return RedisRateLimiter(client, f"{namespace}:rate:"), locks
