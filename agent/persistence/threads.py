"""The conversations ``bcagent serve`` has opened for a store: random ids, secrets kept only as hashes,
the time each message of a thread was first seen, and the verified customer a thread belongs to (the
first signed-in shopper who wrote in it; no other signed-in shopper may continue it).

``serve.sqlite`` in the store's folder by default; with a PostgreSQL ``BCAGENT_DATABASE_URL``, tables
there shared by every replica (component ``serve_threads``). The thread id is also the LangGraph thread
id (the checkpoint key). A secret is 256 random bits, shown once on creation; only its SHA-256 is
stored, and checks compare digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..settings import Settings
from . import timestamps
from .connect import open_database
from .migrations import Component
from .repository import Repository

THREADS = Component(
    "serve_threads",
    {
        "sqlite": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS threads (
                    thread_id TEXT PRIMARY KEY,
                    secret_sha256 TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS message_times (
                    thread_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    time TEXT NOT NULL,
                    PRIMARY KEY (thread_id, message_id)
                )
                """,
            ),
            (2, "ALTER TABLE threads ADD COLUMN customer_id INTEGER"),
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE serve_threads (
                    store_hash TEXT NOT NULL,
                    thread_id TEXT NOT NULL,
                    secret_sha256 TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    PRIMARY KEY (store_hash, thread_id)
                );
                CREATE TABLE serve_message_times (
                    store_hash TEXT NOT NULL,
                    thread_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    time TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (store_hash, thread_id, message_id)
                );
                """,
            ),
            (2, "ALTER TABLE serve_threads ADD COLUMN customer_id BIGINT"),
        ],
    },
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ChatThreads(Repository):
    """The threads of one store."""

    @property
    def _threads(self) -> str:
        return self.table("threads", "serve_threads")

    @property
    def _times(self) -> str:
        return self.table("message_times", "serve_message_times")

    async def create(self) -> tuple[str, str]:
        """A new thread: (id, secret). 128 random bits of id, 256 of secret."""
        thread_id = secrets.token_hex(16)
        secret = secrets.token_urlsafe(32)
        keys = self.key_columns("thread_id")
        async with self.db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO {self._threads} ({', '.join(keys)}, secret_sha256, created_at) "
                f"VALUES ({', '.join('?' for _ in keys)}, ?, ?)",
                (*self.key_values(thread_id), _digest(secret), timestamps.now()),
            )
        return thread_id, secret

    async def _one(self, column: str, thread_id: str) -> Any:
        scope, params = self.scope()
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                f"SELECT {column} FROM {self._threads} WHERE {scope}thread_id = ?", (*params, thread_id)
            )
        return row[0] if row else None

    async def check(self, thread_id: str, secret: str | None) -> bool:
        """True only for a known thread of this store with its own secret."""
        if not secret or len(thread_id) > 64:
            return False
        stored = await self._one("secret_sha256", thread_id)
        expected = str(stored) if stored is not None else _digest(secrets.token_hex(16))  # same work
        return stored is not None and hmac.compare_digest(expected, _digest(secret))

    async def claim(self, thread_id: str, customer_id: int) -> bool:
        """Bind the thread to ``customer_id`` if it belongs to no customer yet; True when it is (now)
        that customer's, False when another verified customer owns it."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE {self._threads} SET customer_id = ? "
                f"WHERE {scope}thread_id = ? AND customer_id IS NULL",
                (customer_id, *params, thread_id),
            )
            row = await tx.fetchone(
                f"SELECT customer_id FROM {self._threads} WHERE {scope}thread_id = ?", (*params, thread_id)
            )
        return row is not None and row[0] is not None and int(row[0]) == customer_id

    async def created_at(self, thread_id: str) -> str:
        created = await self._one("created_at", thread_id)
        return timestamps.spell(created) if created is not None else timestamps.now()

    async def stamp(self, thread_id: str, message_ids: Iterable[str | None], time: str | None = None) -> None:
        """Record ``time`` (default now) as the time of the messages not seen before."""
        time = time or timestamps.now()
        rows = [(*self.key_values(thread_id), message_id, time) for message_id in message_ids if message_id]
        if not rows:
            return
        keys = self.key_columns("thread_id")
        async with self.db.transaction() as tx:
            await tx.executemany(
                f"INSERT INTO {self._times} ({', '.join(keys)}, message_id, time) "
                f"VALUES ({', '.join('?' for _ in keys)}, ?, ?) ON CONFLICT DO NOTHING",
                rows,
            )

    async def times(self, thread_id: str) -> dict[str, str]:
        scope, params = self.scope()
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                f"SELECT message_id, time FROM {self._times} WHERE {scope}thread_id = ?",
                (*params, thread_id),
            )
        return {str(m): timestamps.spell(t) for m, t in rows}


async def open_threads(
    settings: Settings,
    store_hash: str,
    folder: Path | str,
    *,
    max_connections: int = 4,
    open_timeout: float = 15.0,
) -> ChatThreads:
    """The thread registry for the configured deployment: PostgreSQL when the database URL is one, else
    ``serve.sqlite`` in the store's folder."""
    db = await open_database(
        settings,
        Path(folder) / "serve.sqlite",
        name="threads",
        what="the chat threads",
        components=[THREADS],
        max_connections=max_connections,
        open_timeout=open_timeout,
    )
    return ChatThreads(db, store_hash)
