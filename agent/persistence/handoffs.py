"""Handoff requests: a shopper asked for a person; the operations team lists and closes them."""

from __future__ import annotations

from dataclasses import dataclass

from . import timestamps
from .repository import Repository


@dataclass(frozen=True)
class Handoff:
    id: int
    time: str
    store_hash: str
    thread_id: str
    summary: str
    reason: str | None
    status: str


class Handoffs(Repository):
    @property
    def _table(self) -> str:
        return self.table("handoffs", "agent_handoffs")

    async def add(self, store_hash: str, thread_id: str, summary: str, reason: str | None) -> Handoff:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"INSERT INTO {self._table} (time, store_hash, thread_id, summary, reason) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id, time",
                (timestamps.now(), store_hash, thread_id, summary, reason),
            )
        assert row is not None
        return Handoff(int(row[0]), timestamps.spell(row[1]), store_hash, thread_id, summary, reason, "open")

    async def find(self, status: str | None = "open") -> list[Handoff]:
        scope, params = self.scope(alone=True)
        conditions = [scope] if scope else []
        if status:
            conditions.append("status = ?")
            params = (*params, status)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                "SELECT id, time, store_hash, thread_id, summary, reason, status "
                f"FROM {self._table}{where} ORDER BY id",
                params,
            )
        return [Handoff(int(row[0]), timestamps.spell(row[1]), *row[2:]) for row in rows]

    async def close(self, handoff_id: int) -> bool:
        """Close an open request; False when there is no open request with that id."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE {self._table} SET status = 'closed' WHERE {scope}id = ? AND status = 'open'",
                (*params, handoff_id),
            )
        return changed > 0
