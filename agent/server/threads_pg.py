"""The conversations ``bcagent serve`` has opened, in PostgreSQL, so every replica behind a load balancer
knows every thread (the same interface as the SQLite ``ThreadRegistry``).

Used when ``BCAGENT_DATABASE_URL`` is a PostgreSQL URL. The tables are the product's own, created and
migrated on start-up like the agent's records (component ``serve_threads`` in
``bcagent_schema_version``); rows carry the store hash, so one database serves every store.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from ..records_pg import SchemaTooNew, describe_url, migrate
from .threads import _digest, now_iso

COMPONENT = "serve_threads"
MIGRATIONS: list[tuple[int, str]] = [
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
]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class PostgresThreadRegistry:
    """The threads of one store (``store_hash``) in a PostgreSQL database shared by the replicas."""

    def __init__(
        self, url: str, store_hash: str, *, max_connections: int = 4, open_timeout: float = 15.0
    ) -> None:
        self.store_hash = store_hash
        self._where = describe_url(url)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True},
            open=False,
            name="bcagent-threads",
        )
        try:
            self._pool.open(wait=True, timeout=open_timeout)
            with self._pool.connection() as conn:
                migrate(conn, component=COMPONENT, migrations=MIGRATIONS)
        except SchemaTooNew:
            self._pool.close()
            raise
        except (psycopg.Error, TimeoutError) as error:
            self._pool.close()
            raise RuntimeError(
                f"Cannot use PostgreSQL at {self._where} for the chat threads ({type(error).__name__}). "
                "Check that the server is running and BCAGENT_DATABASE_URL is right."
            ) from None

    def __repr__(self) -> str:
        return f"PostgresThreadRegistry({self._where!r}, store_hash={self.store_hash!r})"

    def close(self) -> None:
        self._pool.close()

    def _one(self, query: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        with self._pool.connection() as conn:
            return conn.execute(query, params).fetchone()

    def create(self) -> tuple[str, str]:
        """A new thread: (id, secret). 128 random bits of id, 256 of secret."""
        thread_id = secrets.token_hex(16)
        secret = secrets.token_urlsafe(32)
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO serve_threads (store_hash, thread_id, secret_sha256) VALUES (%s, %s, %s)",
                (self.store_hash, thread_id, _digest(secret)),
            )
        return thread_id, secret

    def check(self, thread_id: str, secret: str | None) -> bool:
        """True only for a known thread of this store with its own secret."""
        if not secret or len(thread_id) > 64:
            return False
        row = self._one(
            "SELECT secret_sha256 FROM serve_threads WHERE store_hash = %s AND thread_id = %s",
            (self.store_hash, thread_id),
        )
        expected = str(row[0]) if row else _digest(secrets.token_hex(16))  # same work for unknown ids
        return row is not None and hmac.compare_digest(expected, _digest(secret))

    def created_at(self, thread_id: str) -> str:
        row = self._one(
            "SELECT created_at FROM serve_threads WHERE store_hash = %s AND thread_id = %s",
            (self.store_hash, thread_id),
        )
        return _iso(row[0]) if row else now_iso()

    def stamp(self, thread_id: str, message_ids: Iterable[str | None], time: str | None = None) -> None:
        """Record ``time`` (default now) as the time of the messages not seen before."""
        moment = datetime.fromisoformat(time) if time else datetime.now(UTC)
        rows = [(self.store_hash, thread_id, m, moment) for m in message_ids if m]
        if not rows:
            return
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO serve_message_times (store_hash, thread_id, message_id, time) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                rows,
            )

    def times(self, thread_id: str) -> dict[str, str]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT message_id, time FROM serve_message_times WHERE store_hash = %s AND thread_id = %s",
                (self.store_hash, thread_id),
            ).fetchall()
        return {str(m): _iso(t) for m, t in rows}
