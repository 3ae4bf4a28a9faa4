"""Handoff requests: a shopper asked for (or accepted) a person; staff read, answer and close them.

A handoff is ``open`` when made, ``claimed`` once a member of staff has answered in the chat (the
assistant then stays silent in that thread) and ``closed`` when staff close it (the assistant is back).
It keeps the contact to reply to (the verified email, or the one the shopper gave), the facts the
assistant found (order number, product), and the conversation as it stood. ``HandoffMessages`` holds
what was said after the handoff: staff replies (with the staff member's display name), the shopper's
messages while staff have the thread, and the assistant's note when it is back.

The tables: ``handoffs`` / ``agent_handoffs`` (created by the ``agent_records`` component, extended by
``handoff_desk``) and ``handoff_messages`` / ``agent_handoff_messages``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from . import timestamps
from .migrations import Component
from .repository import Repository

HandoffStatus = Literal["open", "claimed", "closed"]
STATUSES: tuple[HandoffStatus, ...] = ("open", "claimed", "closed")
ContactState = Literal["none", "verified", "asked", "asked_again", "given", "declined"]
MessageRole = Literal["staff", "shopper", "assistant"]

HANDOFF_DESK = Component(
    "handoff_desk",
    {
        "sqlite": [
            (
                1,
                """
                ALTER TABLE handoffs ADD COLUMN contact_email TEXT;
                ALTER TABLE handoffs ADD COLUMN contact_state TEXT NOT NULL DEFAULT 'none';
                ALTER TABLE handoffs ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE handoffs ADD COLUMN transcript TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE handoffs ADD COLUMN updated_at TEXT;
                ALTER TABLE handoffs ADD COLUMN claimed_by TEXT;
                ALTER TABLE handoffs ADD COLUMN shopper_seen_at TEXT;
                CREATE INDEX IF NOT EXISTS handoffs_thread ON handoffs (thread_id, status);
                CREATE INDEX IF NOT EXISTS handoffs_status ON handoffs (status, id);
                CREATE TABLE IF NOT EXISTS handoff_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    handoff_id INTEGER NOT NULL,
                    time TEXT NOT NULL,
                    role TEXT NOT NULL,
                    author TEXT,
                    text TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS handoff_messages_handoff ON handoff_messages (handoff_id, id);
                CREATE TABLE IF NOT EXISTS outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    channel TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    handoff_id INTEGER,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TEXT NOT NULL,
                    last_error TEXT,
                    created_at TEXT NOT NULL,
                    sent_at TEXT
                );
                CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
                """,
            ),
        ],
        "postgresql": [
            (
                1,
                """
                ALTER TABLE agent_handoffs ADD COLUMN contact_email TEXT;
                ALTER TABLE agent_handoffs ADD COLUMN contact_state TEXT NOT NULL DEFAULT 'none';
                ALTER TABLE agent_handoffs ADD COLUMN facts JSONB NOT NULL DEFAULT '{}'::jsonb;
                ALTER TABLE agent_handoffs ADD COLUMN transcript JSONB NOT NULL DEFAULT '[]'::jsonb;
                ALTER TABLE agent_handoffs ADD COLUMN updated_at TIMESTAMPTZ;
                ALTER TABLE agent_handoffs ADD COLUMN claimed_by TEXT;
                ALTER TABLE agent_handoffs ADD COLUMN shopper_seen_at TIMESTAMPTZ;
                CREATE INDEX agent_handoffs_thread ON agent_handoffs (store_hash, thread_id, status);
                CREATE TABLE agent_handoff_messages (
                    id BIGSERIAL PRIMARY KEY,
                    store_hash TEXT NOT NULL,
                    handoff_id BIGINT NOT NULL,
                    time TIMESTAMPTZ NOT NULL DEFAULT now(),
                    role TEXT NOT NULL,
                    author TEXT,
                    text TEXT NOT NULL
                );
                CREATE INDEX agent_handoff_messages_handoff ON agent_handoff_messages (store_hash, handoff_id, id);
                CREATE TABLE agent_outbox (
                    id BIGSERIAL PRIMARY KEY,
                    store_hash TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    handoff_id BIGINT,
                    payload JSONB NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TIMESTAMPTZ NOT NULL,
                    last_error TEXT,
                    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    sent_at TIMESTAMPTZ,
                    UNIQUE (store_hash, idempotency_key)
                );
                CREATE INDEX agent_outbox_due ON agent_outbox (status, next_attempt_at);
                """,
            ),
        ],
    },
)


def _json(value: Any, default: Any) -> Any:
    if value is None:
        return default
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Handoff:
    id: int
    time: str
    store_hash: str
    thread_id: str
    summary: str
    reason: str | None
    status: str
    contact_email: str | None = None
    contact_state: str = "none"
    facts: dict[str, Any] = field(default_factory=dict)
    transcript: list[dict[str, str]] = field(default_factory=list)
    updated_at: str | None = None
    claimed_by: str | None = None
    shopper_seen_at: str | None = None


@dataclass(frozen=True)
class HandoffMessage:
    id: int
    handoff_id: int
    time: str
    role: str
    author: str | None
    text: str


COLUMNS = (
    "id, time, store_hash, thread_id, summary, reason, status, contact_email, contact_state, facts, "
    "transcript, updated_at, claimed_by, shopper_seen_at"
)


def _handoff(row: Any) -> Handoff:
    return Handoff(
        id=int(row[0]),
        time=timestamps.spell(row[1]),
        store_hash=str(row[2]),
        thread_id=str(row[3]),
        summary=str(row[4]),
        reason=row[5],
        status=str(row[6]),
        contact_email=row[7],
        contact_state=str(row[8] or "none"),
        facts=_json(row[9], {}),
        transcript=_json(row[10], []),
        updated_at=timestamps.spell(row[11]) if row[11] is not None else None,
        claimed_by=row[12],
        shopper_seen_at=timestamps.spell(row[13]) if row[13] is not None else None,
    )


class Handoffs(Repository):
    @property
    def _table(self) -> str:
        return self.table("handoffs", "agent_handoffs")

    @property
    def _messages(self) -> str:
        return self.table("handoff_messages", "agent_handoff_messages")

    async def add(
        self,
        store_hash: str,
        thread_id: str,
        summary: str,
        reason: str | None,
        *,
        contact_email: str | None = None,
        contact_state: ContactState = "none",
        facts: dict[str, Any] | None = None,
        transcript: list[dict[str, str]] | None = None,
    ) -> Handoff:
        now = timestamps.now()
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"INSERT INTO {self._table} (time, store_hash, thread_id, summary, reason, contact_email, "
                "contact_state, facts, transcript, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                f"RETURNING {COLUMNS}",
                (
                    now,
                    store_hash,
                    thread_id,
                    summary,
                    reason,
                    contact_email,
                    contact_state,
                    json.dumps(facts or {}),
                    json.dumps(transcript or []),
                    now,
                ),
            )
        assert row is not None
        return _handoff(row)

    async def find(
        self,
        status: str | None = "open",
        *,
        thread_id: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Handoff]:
        """Handoffs of this store; ``status`` one of open/claimed/closed, ``"active"`` (open or claimed)
        or None (all)."""
        scope, params = self.scope(alone=True)
        conditions = [scope] if scope else []
        values: list[Any] = list(params)
        if status == "active":
            conditions.append("status IN ('open', 'claimed')")
        elif status:
            conditions.append("status = ?")
            values.append(status)
        if thread_id is not None:
            conditions.append("thread_id = ?")
            values.append(thread_id)
        if since is not None:
            conditions.append("time >= ?")
            values.append(since)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        order = " ORDER BY id DESC" if newest_first else " ORDER BY id"
        tail = ""
        if limit is not None:
            tail = " LIMIT ?"
            values.append(limit)
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(f"SELECT {COLUMNS} FROM {self._table}{where}{order}{tail}", values)
        return [_handoff(row) for row in rows]

    async def get(self, handoff_id: int) -> Handoff | None:
        scope, params = self.scope()
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                f"SELECT {COLUMNS} FROM {self._table} WHERE {scope}id = ?", (*params, handoff_id)
            )
        return _handoff(row) if row else None

    async def active(self, thread_id: str) -> Handoff | None:
        """The thread's open or claimed handoff (the newest), if any."""
        found = await self.find("active", thread_id=thread_id, limit=1, newest_first=True)
        return found[0] if found else None

    async def latest(self, thread_id: str) -> Handoff | None:
        found = await self.find(None, thread_id=thread_id, limit=1, newest_first=True)
        return found[0] if found else None

    async def set_contact(self, handoff_id: int, state: ContactState, email: str | None = None) -> None:
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE {self._table} SET contact_state = ?, contact_email = COALESCE(?, contact_email), "
                f"updated_at = ? WHERE {scope}id = ?",
                (state, email, timestamps.now(), *params, handoff_id),
            )

    async def claim(self, handoff_id: int, staff: str) -> bool:
        """Mark an open or claimed handoff as claimed by ``staff``; False when closed or unknown."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE {self._table} SET status = 'claimed', claimed_by = ?, updated_at = ? "
                f"WHERE {scope}id = ? AND status IN ('open', 'claimed')",
                (staff, timestamps.now(), *params, handoff_id),
            )
        return changed > 0

    async def close(self, handoff_id: int) -> bool:
        """Close an open or claimed request; False when there is no such request still active."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE {self._table} SET status = 'closed', updated_at = ? "
                f"WHERE {scope}id = ? AND status IN ('open', 'claimed')",
                (timestamps.now(), *params, handoff_id),
            )
        return changed > 0

    async def seen(self, thread_id: str) -> None:
        """The shopper's widget showed the thread now (what decides whether a staff reply is emailed)."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE {self._table} SET shopper_seen_at = ? "
                f"WHERE {scope}thread_id = ? AND status IN ('open', 'claimed')",
                (timestamps.now(), *params, thread_id),
            )

    async def add_message(
        self, handoff_id: int, role: MessageRole, text: str, author: str | None = None
    ) -> HandoffMessage:
        keys = self.key_columns("handoff_id")
        now = timestamps.now()
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"INSERT INTO {self._messages} ({', '.join(keys)}, time, role, author, text) "
                f"VALUES ({', '.join('?' for _ in keys)}, ?, ?, ?, ?) RETURNING id, time",
                (*self.key_values(handoff_id), now, role, author, text),
            )
            await tx.execute(
                f"UPDATE {self._table} SET updated_at = ? WHERE {self.scope()[0]}id = ?",
                (now, *self.scope()[1], handoff_id),
            )
        assert row is not None
        return HandoffMessage(int(row[0]), handoff_id, timestamps.spell(row[1]), role, author, text)

    async def messages(self, handoff_ids: list[int]) -> list[HandoffMessage]:
        """The messages of these handoffs, oldest first."""
        if not handoff_ids:
            return []
        scope, params = self.scope()
        marks = ", ".join("?" for _ in handoff_ids)
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                f"SELECT id, handoff_id, time, role, author, text FROM {self._messages} "
                f"WHERE {scope}handoff_id IN ({marks}) ORDER BY id",
                (*params, *handoff_ids),
            )
        return [
            HandoffMessage(int(r[0]), int(r[1]), timestamps.spell(r[2]), str(r[3]), r[4], str(r[5]))
            for r in rows
        ]

    async def thread_messages(self, thread_id: str) -> list[HandoffMessage]:
        """Every handoff message of a thread (all its handoffs), oldest first."""
        handoffs = await self.find(None, thread_id=thread_id)
        return await self.messages([h.id for h in handoffs])
