"""A store's coupons and promotions, kept a short time for every conversation
(``BCAGENT_CODE_CACHE_SECONDS``, default 60; 0 keeps nothing): they change a few times a year, and fifty
shoppers asking about SAVE20 at once should cost the store's quota one request, not fifty.

- One flight per key: while a key is being read, every other caller of this process awaits that read.
- Shared by the replicas when ``BCAGENT_REDIS_URL`` is set: each answer is written to Redis (JSON, expiring
  with the window) and read from there by the other replicas before they ask the store; a replica takes
  a short Redis lock for the key before reading the store, and the others wait a little for its answer,
  so the replicas together also read a key about once. When Redis cannot be reached the process keeps
  its own copy and says so once in the log.
- What is kept is the store's answer to a lookup (also "no such code"), never a shopper's attempt: the
  wrong-code limits count in the conversation before the cache is asked. Gift certificates, whose
  balance moves with every purchase, are not kept.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..persistence.redis_purge import CODE_KEYS, store_keys

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_CODE_CACHE_SECONDS = 60.0
LOCK_MS = 5_000  # a replica holding a key's lock longer than this has died: the next one reads
WAIT_SECONDS = 2.0  # how long a replica waits for another replica's read before reading itself
POLL_SECONDS = 0.05
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


@dataclass
class _Kept:
    value: Any
    at: float


def redis_client(url: str) -> Any:
    """An asyncio Redis client that fails fast: a dead Redis must not hold a shopper's answer."""
    import redis.asyncio as redis

    return redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)


class CodeCache:
    """Answers of the store's coupon and promotion reads for one store, by key."""

    def __init__(
        self,
        store_hash: str,
        ttl_seconds: float = DEFAULT_CODE_CACHE_SECONDS,
        *,
        redis: Any = None,
        prefix: str = "bcagent",
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 5_000,
        wait_seconds: float = WAIT_SECONDS,
    ) -> None:
        self.store_hash = store_hash
        self.ttl_seconds = ttl_seconds
        self.redis = redis
        self.prefix = prefix
        self.clock = clock
        self.max_entries = max_entries
        self.wait_seconds = wait_seconds  # for another replica's read of the same key
        self._kept: dict[str, _Kept] = {}
        self._flights: dict[str, asyncio.Future[Any]] = {}
        self.loads = 0  # reads of the store made through this cache
        self._redis_down = False

    def _redis_key(self, key: str) -> str:
        return store_keys(self.prefix, CODE_KEYS, self.store_hash) + key

    async def get(
        self,
        key: str,
        load: Callable[[], Awaitable[T]],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
    ) -> T:
        """The kept answer for ``key``, or ``load()``'s (one flight per key; shared through Redis with
        ``encode`` to JSON-able data and ``decode`` back)."""
        if self.ttl_seconds <= 0:
            return await load()
        kept = self._kept.get(key)
        if kept is not None and self.clock() - kept.at < self.ttl_seconds:
            value: T = kept.value
            return value
        flight = self._flights.get(key)
        if flight is not None:
            shared: T = await asyncio.shield(flight)
            return shared
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._flights[key] = future
        try:
            value = await self._fetch(key, load, encode, decode)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a flight nobody else joined must not warn
            raise
        finally:
            self._flights.pop(key, None)
        self._keep(key, value)
        future.set_result(value)
        return value

    def _keep(self, key: str, value: Any) -> None:
        if len(self._kept) >= self.max_entries:
            now = self.clock()
            self._kept = {k: v for k, v in self._kept.items() if now - v.at < self.ttl_seconds}
            if len(self._kept) >= self.max_entries:
                self._kept.clear()
        self._kept[key] = _Kept(value, self.clock())

    def clear(self) -> None:
        self._kept.clear()

    async def _fetch(
        self,
        key: str,
        load: Callable[[], Awaitable[T]],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
    ) -> T:
        if self.redis is None:
            self.loads += 1
            return await load()
        name = self._redis_key(key)
        token = secrets.token_hex(8)
        locked = False
        try:
            shared = await self._shared(name, decode)
            if shared is not None:
                return shared[0]
            locked = bool(await self.redis.set(f"{name}:lock", token, nx=True, px=LOCK_MS))
            if locked:  # another replica may have read it and let go of the lock since we looked
                shared = await self._shared(name, decode)
                if shared is not None:
                    await self.redis.eval(_RELEASE, 1, f"{name}:lock", token)
                    return shared[0]
            else:  # another replica is reading it: wait a little for its answer
                deadline = time.monotonic() + self.wait_seconds
                while time.monotonic() < deadline:
                    await asyncio.sleep(POLL_SECONDS)
                    shared = await self._shared(name, decode)
                    if shared is not None:
                        return shared[0]
            self._up()
        except Exception as exc:  # Redis down: this process reads and keeps for itself
            self._down(exc)
            self.loads += 1
            return await load()
        self.loads += 1
        value = await load()
        try:
            await self.redis.set(name, json.dumps({"v": encode(value)}), px=int(self.ttl_seconds * 1000))
            if locked:
                await self.redis.eval(_RELEASE, 1, f"{name}:lock", token)
        except Exception as exc:
            self._down(exc)
        return value

    async def _shared(self, name: str, decode: Callable[[Any], T]) -> tuple[T] | None:
        raw = await self.redis.get(name)
        if raw is None:
            return None
        try:
            return (decode(json.loads(raw)["v"]),)
        except (ValueError, KeyError, TypeError):  # not ours, or from an older build: read again
            return None

    def _down(self, exc: Exception) -> None:
        if not self._redis_down:
            log.warning(
                "Redis unreachable for the code cache (%s): each replica keeps its own", type(exc).__name__
            )
        self._redis_down = True

    def _up(self) -> None:
        if self._redis_down:
            log.warning("Redis reachable again for the code cache")
        self._redis_down = False


__all__ = ["DEFAULT_CODE_CACHE_SECONDS", "CodeCache"]
