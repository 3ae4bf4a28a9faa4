"""Failed attempts counted on what is attacked, across every conversation: an order number, a client, the
store (wrong order lookups, wrong gift and discount codes). A thread's own counters (``conversations``)
reset when an attacker opens a new thread; these do not.

``FailureCounts`` is the interface the tools use: ``failures`` (how many in the window) and ``fail``
(count one more, then how many). ``Attempts`` keeps them in the records' database (a row per failure,
trimmed as it goes; PostgreSQL when configured, so replicas share them); ``RedisAttempts`` in Redis
(``BCAGENT_REDIS_URL``), falling back to the database while Redis cannot be reached.

Keys are the caller's (``order:12346``, ``client:<hash>:gift``, ``store:discount``); a client's address
is never a key as it came, only its hash (``client_key``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, Protocol

from .database import Database
from .migrations import Component
from .redis_purge import LOCKOUT_KEYS, store_keys
from .repository import Repository

log = logging.getLogger(__name__)

ATTEMPTS = Component(
    "agent_attempts",
    {
        "sqlite": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS failed_attempts (
                    key TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX IF NOT EXISTS failed_attempts_key ON failed_attempts (key, at);
                """,
            ),
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE agent_failed_attempts (
                    store_hash TEXT NOT NULL,
                    key TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL
                );
                CREATE INDEX agent_failed_attempts_key ON agent_failed_attempts (store_hash, key, at);
                """,
            ),
        ],
    },
)


def client_key(address: str) -> str:
    """A client's address as the counters name it: a short hash, so no address is stored."""
    return hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class FailureCounts(Protocol):
    async def failures(self, key: str, window_seconds: float) -> int:
        """The failures counted for ``key`` in the last ``window_seconds``."""
        ...

    async def fail(self, key: str, window_seconds: float) -> int:
        """Count one failure for ``key``; the failures in the window, this one included."""
        ...


class Attempts(Repository):
    """Failures in the records' database: one row per failure, older rows of a key deleted when it
    fails again."""

    def __init__(self, db: Database, store_hash: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(db, store_hash)
        self.clock = clock

    @property
    def _table(self) -> str:
        return self.table("failed_attempts", "agent_failed_attempts")

    async def failures(self, key: str, window_seconds: float) -> int:
        scope, params = self.scope()
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                f"SELECT COUNT(*) FROM {self._table} WHERE {scope}key = ? AND at > ?",
                (*params, key, self.clock() - window_seconds),
            )
        return int(row[0]) if row else 0

    async def fail(self, key: str, window_seconds: float) -> int:
        now = self.clock()
        scope, params = self.scope()
        columns = self.key_columns("key", "at")
        async with self.db.transaction() as tx:
            await tx.execute(
                f"DELETE FROM {self._table} WHERE {scope}key = ? AND at <= ?",
                (*params, key, now - window_seconds),
            )
            await tx.execute(
                f"INSERT INTO {self._table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                self.key_values(key, now),
            )
            row = await tx.fetchone(
                f"SELECT COUNT(*) FROM {self._table} WHERE {scope}key = ?", (*params, key)
            )
        return int(row[0]) if row else 1


# KEYS[1] the key's sorted set; ARGV: window ms, a unique member, 1 to add. The count in the window.
_COUNT = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - window)
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], ms, ms .. ':' .. ARGV[2])
  redis.call('PEXPIRE', KEYS[1], window)
end
return redis.call('ZCARD', KEYS[1])
"""


class RedisAttempts:
    """Failures in Redis (a sorted set of times per key, trimmed and counted in one script with the
    server's clock); while Redis cannot be reached, the database's ``fallback`` counts."""

    def __init__(
        self, client: Any, store_hash: str, fallback: FailureCounts, prefix: str = "bcagent"
    ) -> None:
        self.client = client
        self.prefix = store_keys(prefix, LOCKOUT_KEYS, store_hash)
        self.fallback = fallback
        self._down_since: float | None = None

    def __repr__(self) -> str:
        return f"RedisAttempts(prefix={self.prefix!r})"

    async def _run(self, key: str, window_seconds: float, add: bool) -> int | None:
        try:
            count = await self.client.eval(
                _COUNT,
                1,
                self.prefix + key,
                max(1, int(window_seconds * 1000)),
                secrets.token_hex(6),
                "1" if add else "0",
            )
        except Exception as error:  # redis.RedisError, OSError, a timeout: count in the database
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning(
                    "Redis unreachable (%s): failed attempts are counted in the database",
                    type(error).__name__,
                )
            return None
        self._down_since = None
        return int(count)

    async def failures(self, key: str, window_seconds: float) -> int:
        count = await self._run(key, window_seconds, add=False)
        return await self.fallback.failures(key, window_seconds) if count is None else count

    async def fail(self, key: str, window_seconds: float) -> int:
        count = await self._run(key, window_seconds, add=True)
        return await self.fallback.fail(key, window_seconds) if count is None else count


def redis_attempts(
    url: str, store_hash: str, fallback: FailureCounts, prefix: str = "bcagent"
) -> RedisAttempts:
    """Failures in the Redis at ``url`` (a client that fails fast: a dead Redis must not hold a turn)."""
    import redis.asyncio as redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)
    return RedisAttempts(client, store_hash, fallback, prefix)


__all__ = ["ATTEMPTS", "Attempts", "FailureCounts", "RedisAttempts", "client_key", "redis_attempts"]
