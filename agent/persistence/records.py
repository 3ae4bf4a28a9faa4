"""The agent's records of one store: per-conversation policy state, the cancellation audit log and
handoff requests, as the tools see them (``ctx.records``).

``open_records`` opens them on the configured database: ``agent.sqlite`` in the store's folder by
default, the shared PostgreSQL database when ``BCAGENT_DATABASE_URL`` names one (so replicas share one
set of counters and lockouts). The first three repositories share the ``agent_records`` schema component;
handoffs' contact, staff messages and the delivery outbox are component ``handoff_desk``; emailed
one-time codes are ``agent_email_codes``.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import Settings
from .attempts import ATTEMPTS, Attempts, FailureCounts
from .audit import AuditEntry, AuditLog
from .connect import open_database
from .conversations import Conversations, ConversationState, StateChange
from .database import Database
from .email_codes import EMAIL_CODES, EmailCodes
from .handoffs import HANDOFF_DESK, Handoff, Handoffs
from .migrations import Component, migrate
from .outbox import Outbox
from .sqlite import SqliteDatabase

RECORDS = Component(
    "agent_records",
    {
        "sqlite": [
            (
                1,
                """
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
                )
                """,
            ),
        ],
        "postgresql": [
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
        ],
    },
)


class AgentRecords:
    """What the tools may do with the agent's records. Every method is one short transaction."""

    def __init__(self, db: Database, store_hash: str) -> None:
        self.db = db
        self.store_hash = store_hash
        self.conversations = Conversations(db, store_hash)
        self.audit_log = AuditLog(db, store_hash)
        self.handoff_requests = Handoffs(db, store_hash)
        # failed attempts across conversations (per order number, client, store); Redis when configured
        self.attempts: FailureCounts = Attempts(db, store_hash)
        self.outbox = Outbox(db, store_hash)
        self.email_codes = EmailCodes(db, store_hash)  # hashed one-time codes (email_code policy)

    def __repr__(self) -> str:
        return f"AgentRecords({self.db!r}, store_hash={self.store_hash!r})"

    async def load(self, thread_id: str) -> ConversationState:
        return await self.conversations.load(thread_id)

    async def save(self, thread_id: str, state: ConversationState) -> None:
        await self.conversations.save(thread_id, state)

    async def update(self, thread_id: str, change: StateChange) -> ConversationState:
        """Apply ``change`` to the conversation's state atomically and return the state as written."""
        return await self.conversations.update(thread_id, change)

    async def audit(
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
        await self.audit_log.add(
            store_hash, thread_id, action, outcome, order_id, status_before, status_after, detail
        )

    async def audit_entries(self, order_id: int | None = None) -> list[AuditEntry]:
        return await self.audit_log.entries(order_id)

    async def add_handoff(self, store_hash: str, thread_id: str, summary: str, reason: str | None) -> Handoff:
        return await self.handoff_requests.add(store_hash, thread_id, summary, reason)

    async def handoffs(self, status: str | None = "open") -> list[Handoff]:
        return await self.handoff_requests.find(status)

    async def close_handoff(self, handoff_id: int) -> bool:
        return await self.handoff_requests.close(handoff_id)

    async def aclose(self) -> None:
        await self.db.aclose()


async def open_records(
    settings: Settings,
    store_hash: str,
    folder: Path | str,
    *,
    max_connections: int = 4,
    open_timeout: float = 15.0,
) -> AgentRecords:
    """The records of one store, migrated: PostgreSQL when configured, else ``agent.sqlite`` in its
    folder."""
    db = await open_database(
        settings,
        Path(folder) / "agent.sqlite",
        name="records",
        what="the agent's records",
        components=[RECORDS, ATTEMPTS, HANDOFF_DESK, EMAIL_CODES],
        max_connections=max_connections,
        open_timeout=open_timeout,
    )
    return AgentRecords(db, store_hash)


async def open_private_records(store_hash: str, path: Path | str = ":memory:") -> AgentRecords:
    """Records of one store in a SQLite database of their own, whatever the settings say (``:memory:``:
    in memory): an eval's scenario, a replay, a test."""
    db = await SqliteDatabase.open(path)
    try:
        await migrate(db, RECORDS)
        await migrate(db, ATTEMPTS)
        await migrate(db, HANDOFF_DESK)
        await migrate(db, EMAIL_CODES)
    except BaseException:
        await db.aclose()
        raise
    return AgentRecords(db, store_hash)


__all__ = [
    "ATTEMPTS",
    "EMAIL_CODES",
    "HANDOFF_DESK",
    "RECORDS",
    "AgentRecords",
    "AuditEntry",
    "ConversationState",
    "Handoff",
    "StateChange",
    "open_private_records",
    "open_records",
]
