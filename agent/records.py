"""Which implementation holds the agent's records, and the interface both share.

The tools see only :class:`AgentRecords`: per-conversation policy state, the cancellation audit log
and handoff requests. ``open_records`` picks the implementation from the settings: SQLite under the
store's folder by default (:class:`agent.storage.AgentStore`), PostgreSQL when ``BCAGENT_DATABASE_URL``
is a ``postgresql://`` URL (:class:`agent.records_pg.PostgresAgentStore`), so replicas share one set
of counters and lockouts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .settings import Settings
from .storage import AgentStore, AuditEntry, ConversationState, Handoff

StateChange = Callable[[ConversationState], None]


class AgentRecords(Protocol):
    """What the tools may do with the agent's records. Every method is one short transaction."""

    def load(self, thread_id: str) -> ConversationState: ...

    def save(self, thread_id: str, state: ConversationState) -> None: ...

    def update(self, thread_id: str, change: StateChange) -> ConversationState:
        """Apply ``change`` to the conversation's state atomically (no lost update when several
        processes change the same conversation at once) and return the state as written."""
        ...

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
    ) -> None: ...

    def audit_entries(self, order_id: int | None = None) -> list[AuditEntry]: ...

    def add_handoff(self, store_hash: str, thread_id: str, summary: str, reason: str | None) -> Handoff: ...

    def handoffs(self, status: str | None = "open") -> list[Handoff]: ...

    def close_handoff(self, handoff_id: int) -> bool: ...

    def close(self) -> None: ...


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def open_records(settings: Settings, store_hash: str, folder: Path) -> AgentRecords:
    """The records of one store: PostgreSQL when configured, else ``agent.sqlite`` in its folder."""
    if is_postgres_url(settings.database_url):
        from .records_pg import PostgresAgentStore

        assert settings.database_url is not None
        return PostgresAgentStore(settings.database_url, store_hash)
    return AgentStore(folder / "agent.sqlite")
