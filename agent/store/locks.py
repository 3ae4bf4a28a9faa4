"""The catalog-sync lock of one store: never two syncs (scheduled, manual or a webhook batch) at once.

Embedded: an ``flock`` on ``sync.lock`` in the store's folder (holds across the processes of one machine).
With ``BCAGENT_DATABASE_URL``: a PostgreSQL session advisory lock, held on a connection of its own.
With ``BCAGENT_REDIS_URL``: a Redis key set with NX and an expiry that a background task renews, released
only by its holder. The last two hold across replicas. Redis wins when both are configured.

``async with lock.hold(wait=False)`` raises :class:`LockBusy` at once when someone else holds it;
``wait=True`` polls until it is free.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

from ..persistence.locks import LockBusy, PostgresLock

__all__ = ["FileLock", "LockBusy", "PostgresLock", "RedisLock", "SyncLock", "sync_lock"]

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
REDIS_TTL_MS = 60_000


class SyncLock(Protocol):
    def hold(self, wait: bool = False) -> contextlib.AbstractAsyncContextManager[None]: ...


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.asynccontextmanager
    async def hold(self, wait: bool = False) -> AsyncIterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        raise LockBusy(f"a catalog sync holds {self.path.name}") from None
                    await asyncio.sleep(POLL_SECONDS)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"


class RedisLock:
    def __init__(self, url: str, key: str, ttl_ms: int = REDIS_TTL_MS) -> None:
        self.url = url
        self.key = key
        self.ttl_ms = ttl_ms

    @contextlib.asynccontextmanager
    async def hold(self, wait: bool = False) -> AsyncIterator[None]:
        import redis.asyncio as redis

        client: Any = redis.Redis.from_url(self.url)
        token = secrets.token_hex(16)
        try:
            while not await client.set(self.key, token, nx=True, px=self.ttl_ms):
                if not wait:
                    raise LockBusy("a catalog sync holds the Redis lock")
                await asyncio.sleep(POLL_SECONDS)
            renewer = asyncio.create_task(self._renew(client, token))
            try:
                yield
            finally:
                renewer.cancel()
                await asyncio.gather(renewer, return_exceptions=True)
                await client.eval(_RELEASE, 1, self.key, token)
        finally:
            await client.aclose()

    async def _renew(self, client: Any, token: str) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            if not await client.eval(_RENEW, 1, self.key, token, self.ttl_ms):
                log.warning("lost the Redis sync lock %s", self.key)
                return


def sync_lock(
    folder: Path, store_hash: str, database_url: str | None, redis_url: str | None, namespace: str = "bcagent"
) -> SyncLock:
    """The lock for the configured deployment (see the module docstring)."""
    name = f"{namespace}:catalog-sync:{store_hash}"
    if redis_url:
        return RedisLock(redis_url, name)
    if database_url:
        return PostgresLock(database_url, name)
    return FileLock(folder / "sync.lock")
