"""A PostgreSQL session advisory lock held on a connection of its own (the catalog-sync lock of a store
shared by replicas; ``agent.store.locks`` chooses it when ``BCAGENT_DATABASE_URL`` is set).

The lock is polled with ``pg_try_advisory_lock``, never waited for in a statement, so ``wait=False`` can
answer at once and a waiting process holds no snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator

POLL_SECONDS = 0.05


class LockBusy(Exception):
    """Another sync of this store is running."""


def _advisory_key(name: str) -> int:
    """A signed 64-bit key for pg_advisory_lock from a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PostgresLock:
    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.key = _advisory_key(name)

    @contextlib.asynccontextmanager
    async def hold(self, wait: bool = False) -> AsyncIterator[None]:
        import psycopg  # only where PostgreSQL is configured

        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as connection:
            while True:
                row = await (
                    await connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                ).fetchone()
                if row and row[0]:
                    break
                if not wait:
                    raise LockBusy("a catalog sync holds the PostgreSQL advisory lock")
                await asyncio.sleep(POLL_SECONDS)
            try:
                yield
            finally:
                await connection.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
