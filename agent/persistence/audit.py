"""The cancellation audit log: every proposal, refusal and cancellation, with the order's status before
and after."""

from __future__ import annotations

from dataclasses import dataclass

from . import timestamps
from .repository import Repository


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


class AuditLog(Repository):
    @property
    def _table(self) -> str:
        return self.table("audit_log", "agent_audit_log")

    async def add(
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
        async with self.db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO {self._table} (time, store_hash, thread_id, action, order_id, status_before, "
                "status_after, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    timestamps.now(),
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

    async def entries(self, order_id: int | None = None) -> list[AuditEntry]:
        scope, params = self.scope(alone=True)
        conditions = [scope] if scope else []
        if order_id is not None:
            conditions.append("order_id = ?")
            params = (*params, order_id)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                "SELECT time, store_hash, thread_id, action, order_id, status_before, status_after, "
                f"outcome, detail FROM {self._table}{where} ORDER BY id",
                params,
            )
        return [AuditEntry(timestamps.spell(row[0]), *row[1:]) for row in rows]
