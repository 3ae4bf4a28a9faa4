"""The agent's own records, in SQLite by default: per-conversation policy state (which shopper a thread
is bound to, failed lookups, code attempts, lockout), the cancellation audit log, and handoff requests.

One database file per store under its data folder. Every write is a short transaction; reads and writes
are safe across threads and processes (SQLite's own locking, WAL mode).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    thread_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    action TEXT NOT NULL,
    order_id INTEGER,
    status_before TEXT,
    status_after TEXT,
    outcome TEXT NOT NULL,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS handoffs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    reason TEXT,
    status TEXT NOT NULL DEFAULT 'open'
);
"""


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class ConversationState:
    """What the tools remember about one conversation, to enforce the store's policy."""

    bound_email: str | None = None
    verified_orders: list[int] = field(default_factory=list)
    failed_lookups: int = 0
    locked: bool = False
    wrong_gift_codes: int = 0
    wrong_discount_codes: int = 0

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        data: dict[str, Any] = json.loads(text)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class AuditEntry:
    time: str
    store_hash: str
    thread_id: str
    action: str
    order_id: int | None
    status_before: str | None
    status_after: str | None
    outcome: str
    detail: str | None


@dataclass(frozen=True)
class Handoff:
    id: int
    time: str
    store_hash: str
    thread_id: str
    summary: str
    reason: str | None
    status: str


class AgentStore:
    """SQLite-backed records of one data directory (``:memory:`` for tests)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    # ---- conversation policy state ----

    def load(self, thread_id: str) -> ConversationState:
        with self._lock:
            row = self._db.execute(
                "SELECT state FROM conversations WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        return ConversationState.from_json(row[0]) if row else ConversationState()

    def save(self, thread_id: str, state: ConversationState) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO conversations (thread_id, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(thread_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (thread_id, json.dumps(asdict(state)), utc_now()),
            )

    def update(self, thread_id: str, change: Callable[[ConversationState], None]) -> ConversationState:
        """Read, change and write the conversation's state in one ``BEGIN IMMEDIATE`` transaction, so
        two processes counting at once never lose an update; returns the state as written."""
        with self._transaction() as db:
            row = db.execute("SELECT state FROM conversations WHERE thread_id = ?", (thread_id,)).fetchone()
            state = ConversationState.from_json(row[0]) if row else ConversationState()
            change(state)
            db.execute(
                "INSERT INTO conversations (thread_id, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(thread_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (thread_id, json.dumps(asdict(state)), utc_now()),
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
        with self._transaction() as db:
            db.execute(
                "INSERT INTO audit_log (time, store_hash, thread_id, action, order_id, status_before, status_after, "
                "outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    utc_now(),
                    store_hash,
                    thread_id,
                    action,
                    order_id,
                    status_before,
                    status_after,
                    outcome,
                    detail,
                ),
            )

    def audit_entries(self, order_id: int | None = None) -> list[AuditEntry]:
        query = "SELECT time, store_hash, thread_id, action, order_id, status_before, status_after, outcome, detail "
        query += "FROM audit_log" + (" WHERE order_id = ?" if order_id is not None else "") + " ORDER BY id"
        with self._lock:
            rows = self._db.execute(query, (order_id,) if order_id is not None else ()).fetchall()
        return [AuditEntry(*row) for row in rows]

    # ---- handoffs ----

    def add_handoff(self, store_hash: str, thread_id: str, summary: str, reason: str | None) -> Handoff:
        time = utc_now()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO handoffs (time, store_hash, thread_id, summary, reason) VALUES (?, ?, ?, ?, ?)",
                (time, store_hash, thread_id, summary, reason),
            )
            handoff_id = int(cursor.lastrowid or 0)
        return Handoff(handoff_id, time, store_hash, thread_id, summary, reason, "open")

    def handoffs(self, status: str | None = "open") -> list[Handoff]:
        query = "SELECT id, time, store_hash, thread_id, summary, reason, status FROM handoffs"
        query += " WHERE status = ?" if status else ""
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", (status,) if status else ()).fetchall()
        return [Handoff(*row) for row in rows]

    def close_handoff(self, handoff_id: int) -> bool:
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE handoffs SET status = 'closed' WHERE id = ? AND status = 'open'", (handoff_id,)
            )
            return cursor.rowcount > 0
