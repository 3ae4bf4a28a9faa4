"""The agent's records in PostgreSQL, shared by every replica: per-conversation policy state, the
cancellation audit log and handoff requests (the same interface as the SQLite ``AgentStore``).

The schema is created and migrated by the product itself: ``bcagent_schema_version`` holds one row per
component (``agent_records`` here) with the version applied; on start-up each process takes a
transaction-level advisory lock, applies the migrations it is missing in order, and records the new
version, so replicas starting together migrate once. A database migrated by a newer release is refused
with a sentence saying so (upgrade this replica), never written to.

Policy counters change atomically: ``update`` locks the conversation's row (``SELECT ... FOR UPDATE``,
after an ``INSERT ... ON CONFLICT DO NOTHING`` so the row exists), applies the change and writes it in
one transaction, so two replicas counting a failed lookup at once both count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool

from .records import StateChange
from .storage import AuditEntry, ConversationState, Handoff

log = logging.getLogger(__name__)

COMPONENT = "agent_records"
ADVISORY_LOCK = 0x6263_6167  # "bcag": serialises migrations across processes

VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS bcagent_schema_version (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""

# Each entry upgrades the schema by one version; append, never edit a released one.
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE agent_conversations (
            store_hash TEXT NOT NULL,
            thread_id TEXT NOT NULL,
            state JSONB NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (store_hash, thread_id)
        );
        CREATE TABLE agent_audit_log (
            id BIGSERIAL PRIMARY KEY,
            time TIMESTAMPTZ NOT NULL DEFAULT now(),
            store_hash TEXT NOT NULL,
            thread_id TEXT NOT NULL,
            action TEXT NOT NULL,
            order_id BIGINT,
            status_before TEXT,
            status_after TEXT,
            outcome TEXT NOT NULL,
            detail TEXT
        );
        CREATE TABLE agent_handoffs (
            id BIGSERIAL PRIMARY KEY,
            time TIMESTAMPTZ NOT NULL DEFAULT now(),
            store_hash TEXT NOT NULL,
            thread_id TEXT NOT NULL,
            summary TEXT NOT NULL,
            reason TEXT,
            status TEXT NOT NULL DEFAULT 'open'
        );
        """,
    ),
    (
        2,
        """
        CREATE INDEX agent_audit_log_order ON agent_audit_log (store_hash, order_id);
        CREATE INDEX agent_handoffs_status ON agent_handoffs (store_hash, status);
        """,
    ),
]
LATEST = MIGRATIONS[-1][0]


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer release than this one."""


def describe_url(url: str) -> str:
    """host:port/database of a database URL, without the user or password (for errors and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or ''}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def migrate(
    conn: psycopg.Connection[Any],
    target: int | None = None,
    *,
    component: str = COMPONENT,
    migrations: list[tuple[int, str]] = MIGRATIONS,
) -> int:
    """Bring ``component``'s schema to ``target`` (default: its latest); returns the version now applied.

    Every component (the agent's records, the server's thread registry, ...) keeps its own row in
    ``bcagent_schema_version`` and its own numbered migrations."""
    latest = migrations[-1][0]
    target = latest if target is None else target
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK,))
        conn.execute(VERSION_TABLE)
        row = conn.execute(
            "SELECT version FROM bcagent_schema_version WHERE component = %s", (component,)
        ).fetchone()
        current = int(row[0]) if row else 0
        if current > latest:
            raise SchemaTooNew(
                f"The {component.replace('_', ' ')} tables in PostgreSQL are at schema version {current}, "
                f"newer than this release knows ({latest}). Upgrade bcagent on this machine to the "
                "release the other replicas run."
            )
        for version, sql in migrations:
            if current < version <= target:
                log.info("%s: migrating schema to version %d", component, version)
                conn.execute(sql)  # our own constant DDL
                current = version
        conn.execute(
            "INSERT INTO bcagent_schema_version (component, version) VALUES (%s, %s) "
            "ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = now()",
            (component, current),
        )
    return current


class PostgresAgentStore:
    """The records of one store (``store_hash``) in a PostgreSQL database shared by the replicas."""

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
            name="bcagent-records",
        )
        try:
            self._pool.open(wait=True, timeout=open_timeout)
            with self._pool.connection() as conn:
                migrate(conn)
        except SchemaTooNew:
            self._pool.close()
            raise
        except (psycopg.Error, TimeoutError) as error:  # the pool raises PoolTimeout (a TimeoutError)
            self._pool.close()
            raise RuntimeError(
                f"Cannot use PostgreSQL at {self._where} for the agent's records ({type(error).__name__}). "
                "Check that the server is running and BCAGENT_DATABASE_URL is right."
            ) from None

    def __repr__(self) -> str:
        return f"PostgresAgentStore({self._where!r}, store_hash={self.store_hash!r})"

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    def close(self) -> None:
        self._pool.close()

    # ---- conversation policy state ----

    def load(self, thread_id: str) -> ConversationState:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT state FROM agent_conversations WHERE store_hash = %s AND thread_id = %s",
                (self.store_hash, thread_id),
            ).fetchone()
        return ConversationState.from_json(json.dumps(row[0])) if row else ConversationState()

    def save(self, thread_id: str, state: ConversationState) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO agent_conversations (store_hash, thread_id, state) VALUES (%s, %s, %s) "
                "ON CONFLICT (store_hash, thread_id) DO UPDATE SET state = excluded.state, updated_at = now()",
                (self.store_hash, thread_id, json.dumps(asdict(state))),
            )

    def update(self, thread_id: str, change: StateChange) -> ConversationState:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO agent_conversations (store_hash, thread_id, state) VALUES (%s, %s, %s) "
                "ON CONFLICT (store_hash, thread_id) DO NOTHING",
                (self.store_hash, thread_id, json.dumps(asdict(ConversationState()))),
            )
            row = conn.execute(
                "SELECT state FROM agent_conversations WHERE store_hash = %s AND thread_id = %s FOR UPDATE",
                (self.store_hash, thread_id),
            ).fetchone()
            assert row is not None
            state = ConversationState.from_json(json.dumps(row[0]))
            change(state)
            conn.execute(
                "UPDATE agent_conversations SET state = %s, updated_at = now() "
                "WHERE store_hash = %s AND thread_id = %s",
                (json.dumps(asdict(state)), self.store_hash, thread_id),
            )
        return state

    # ---- audit log ----

    def audit(
        self,
        store_hash: str,
        thread_id: str,
        action: str,
        outcome: str,
        order_id: int | None = None,
        status_before: str | None = None,
        status_after: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO agent_audit_log (store_hash, thread_id, action, order_id, status_before, "
                "status_after, outcome, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (store_hash, thread_id, action, order_id, status_before, status_after, outcome, detail),
            )

    def audit_entries(self, order_id: int | None = None) -> list[AuditEntry]:
        query = (
            "SELECT time, store_hash, thread_id, action, order_id, status_before, status_after, outcome, "
            "detail FROM agent_audit_log WHERE store_hash = %s"
        )
        params: tuple[Any, ...] = (self.store_hash,)
        if order_id is not None:
            query += " AND order_id = %s"
            params += (order_id,)
        with self._pool.connection() as conn:
            rows = conn.execute(query + " ORDER BY id", params).fetchall()
        return [AuditEntry(_iso(row[0]), *row[1:]) for row in rows]

    # ---- handoffs ----

    def add_handoff(self, store_hash: str, thread_id: str, summary: str, reason: str | None) -> Handoff:
        with self._transaction() as conn:
            row = conn.execute(
                "INSERT INTO agent_handoffs (store_hash, thread_id, summary, reason) VALUES (%s, %s, %s, %s) "
                "RETURNING id, time",
                (store_hash, thread_id, summary, reason),
            ).fetchone()
        assert row is not None
        return Handoff(int(row[0]), _iso(row[1]), store_hash, thread_id, summary, reason, "open")

    def handoffs(self, status: str | None = "open") -> list[Handoff]:
        query = "SELECT id, time, store_hash, thread_id, summary, reason, status FROM agent_handoffs "
        query += "WHERE store_hash = %s" + (" AND status = %s" if status else "") + " ORDER BY id"
        params: tuple[Any, ...] = (self.store_hash, status) if status else (self.store_hash,)
        with self._pool.connection() as conn:
            rows = conn.execute(query, params).fetchall()
        return [Handoff(int(row[0]), _iso(row[1]), *row[2:]) for row in rows]

    def close_handoff(self, handoff_id: int) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE agent_handoffs SET status = 'closed' WHERE id = %s AND store_hash = %s AND status = 'open'",
                (handoff_id, self.store_hash),
            )
            return cursor.rowcount > 0
