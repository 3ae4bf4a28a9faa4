"""The conversations ``bcagent serve`` has opened for a store: random ids, secrets kept only as hashes,
and the time each message of a thread was first seen.

One SQLite file per store, ``$BCAGENT_HOME/stores/<hash>/serve.sqlite``; with a PostgreSQL
``BCAGENT_DATABASE_URL``, tables there shared by every replica (``threads_pg.py``). The thread id is also the
LangGraph thread id (the checkpoint key). A secret is 256 random bits, shown once on creation; only its
SHA-256 is stored, and checks compare digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ..records import is_postgres_url
from ..settings import Settings

SCHEMA = """
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
);
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Threads(Protocol):
    """What the routes need of a thread registry (SQLite here, PostgreSQL in ``threads_pg``)."""

    def create(self) -> tuple[str, str]: ...
    def check(self, thread_id: str, secret: str | None) -> bool: ...
    def created_at(self, thread_id: str) -> str: ...
    def stamp(self, thread_id: str, message_ids: Iterable[str | None], time: str | None = None) -> None: ...
    def times(self, thread_id: str) -> dict[str, str]: ...
    def close(self) -> None: ...


def open_threads(settings: Settings, store_hash: str, folder: Path) -> Threads:
    """The registry for the configured deployment: PostgreSQL when the database URL is one, else SQLite."""
    if is_postgres_url(settings.database_url):
        from .threads_pg import PostgresThreadRegistry

        assert settings.database_url is not None
        return PostgresThreadRegistry(settings.database_url, store_hash)
    return ThreadRegistry(folder / "serve.sqlite")


class ThreadRegistry:
    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def create(self) -> tuple[str, str]:
        """A new thread: (id, secret). 128 random bits of id, 256 of secret."""
        thread_id = secrets.token_hex(16)
        secret = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute(
                "INSERT INTO threads (thread_id, secret_sha256, created_at) VALUES (?, ?, ?)",
                (thread_id, _digest(secret), now_iso()),
            )
        return thread_id, secret

    def check(self, thread_id: str, secret: str | None) -> bool:
        """True only for a known thread with its own secret."""
        if not secret or len(thread_id) > 64:
            return False
        with self._lock:
            row = self._db.execute(
                "SELECT secret_sha256 FROM threads WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        expected = row[0] if row else _digest(secrets.token_hex(16))  # same work for unknown ids
        return row is not None and hmac.compare_digest(expected, _digest(secret))

    def created_at(self, thread_id: str) -> str:
        with self._lock:
            row = self._db.execute(
                "SELECT created_at FROM threads WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        return str(row[0]) if row else now_iso()

    def stamp(self, thread_id: str, message_ids: Iterable[str | None], time: str | None = None) -> None:
        """Record ``time`` (default now) as the time of the messages not seen before."""
        time = time or now_iso()
        rows = [(thread_id, message_id, time) for message_id in message_ids if message_id]
        if not rows:
            return
        with self._lock:
            self._db.executemany(
                "INSERT OR IGNORE INTO message_times (thread_id, message_id, time) VALUES (?, ?, ?)", rows
            )

    def times(self, thread_id: str) -> dict[str, str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT message_id, time FROM message_times WHERE thread_id = ?", (thread_id,)
            ).fetchall()
        return {str(m): str(t) for m, t in rows}
