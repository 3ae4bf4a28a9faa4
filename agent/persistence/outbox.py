"""The outbox: what must reach the merchant's team or the shopper (a handoff email, a signed webhook,
a staff reply emailed), kept until it is delivered.

Each item has an idempotency key (unique per store: adding the same key twice keeps one item), a
channel (``email``, ``webhook``, ``shopper_email``), a JSON payload, and its delivery state: attempts,
when the next attempt is due, the last error. A sender *claims* due items: the claim pushes their next
attempt past a lease in the same transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the writer's lock
on SQLite), so two replicas never send the same item at once; a sender that dies mid-send leaves the item
to be retried when the lease runs out, with the same idempotency key (the email's ``Message-ID``, the
webhook's ``webhook-id``), which receivers use to drop a repeat. Tables: ``outbox`` / ``agent_outbox``
(component ``handoff_desk``, beside the handoffs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from . import timestamps
from .repository import Repository

Channel = Literal["email", "webhook", "shopper_email"]
OutboxStatus = Literal["pending", "sent", "skipped", "failed"]


@dataclass(frozen=True)
class OutboxItem:
    id: int
    idempotency_key: str
    channel: str
    kind: str
    handoff_id: int | None
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: str
    last_error: str | None
    created_at: str
    sent_at: str | None

    @property
    def outcome(self) -> str:
        """ "email by smtp: sent after 1 attempt(s)", as `bcagent handoffs show` and the replay print it."""
        return f"{self.kind} by {self.channel}: {self.status} after {self.attempts} attempt(s)"

    @property
    def failure(self) -> str | None:
        """The last error of an item not sent (a sent item's earlier errors are history)."""
        return self.last_error if self.last_error and self.status != "sent" else None


@dataclass(frozen=True)
class OutboxHealth:
    """What ``bcagent status`` shows: items waiting, items whose last attempt failed, items given up."""

    pending: int
    retrying: int
    failed: int
    sent: int
    last_error: str | None


COLUMNS = (
    "id, idempotency_key, channel, kind, handoff_id, payload, status, attempts, next_attempt_at, "
    "last_error, created_at, sent_at"
)


def _item(row: Any) -> OutboxItem:
    payload = row[5]
    return OutboxItem(
        id=int(row[0]),
        idempotency_key=str(row[1]),
        channel=str(row[2]),
        kind=str(row[3]),
        handoff_id=int(row[4]) if row[4] is not None else None,
        payload=json.loads(payload) if isinstance(payload, str) else dict(payload),
        status=str(row[6]),
        attempts=int(row[7]),
        next_attempt_at=timestamps.spell(row[8]),
        last_error=row[9],
        created_at=timestamps.spell(row[10]),
        sent_at=timestamps.spell(row[11]) if row[11] is not None else None,
    )


def _later(seconds: float) -> str:
    return timestamps.spell(datetime.now(UTC) + timedelta(seconds=seconds))


class Outbox(Repository):
    @property
    def _table(self) -> str:
        return self.table("outbox", "agent_outbox")

    async def add(
        self,
        key: str,
        channel: Channel,
        kind: str,
        payload: dict[str, Any],
        *,
        handoff_id: int | None = None,
        delay_seconds: float = 0.0,
    ) -> bool:
        """Queue an item; False when an item with this key is already queued (or was sent)."""
        keys = self.key_columns("idempotency_key")
        now = timestamps.now()
        due = _later(delay_seconds) if delay_seconds else now
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                f"INSERT INTO {self._table} ({', '.join(keys)}, channel, kind, handoff_id, payload, "
                f"next_attempt_at, created_at) VALUES ({', '.join('?' for _ in keys)}, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (*self.key_values(key), channel, kind, handoff_id, json.dumps(payload), due, now),
            )
        return changed > 0

    async def due_now(self, handoff_id: int, kind: str) -> None:
        """Make the pending items of a handoff of ``kind`` due at once (the shopper gave their contact)."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE {self._table} SET next_attempt_at = ? WHERE {scope}handoff_id = ? AND kind = ? "
                "AND status = 'pending' AND attempts = 0",
                (timestamps.now(), *params, handoff_id, kind),
            )

    async def claim(self, limit: int = 10, lease_seconds: float = 60.0) -> list[OutboxItem]:
        """Due items, each counted as one more attempt and hidden from other senders for the lease."""
        scope, params = self.scope()
        skip = " SKIP LOCKED" if self.db.dialect.engine == "postgresql" else ""
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                f"SELECT {COLUMNS} FROM {self._table} WHERE {scope}status = 'pending' "
                f"AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
                f"{self.db.dialect.for_update}{skip}",
                (*params, timestamps.now(), limit),
            )
            if not rows:
                return []
            ids = [int(r[0]) for r in rows]
            await tx.execute(
                f"UPDATE {self._table} SET attempts = attempts + 1, next_attempt_at = ? "
                f"WHERE {scope}id IN ({', '.join('?' for _ in ids)})",
                (_later(lease_seconds), *params, *ids),
            )
        items = [_item(r) for r in rows]
        return [
            OutboxItem(**{**item.__dict__, "attempts": item.attempts + 1})  # as claimed
            for item in items
        ]

    async def _finish(self, item_id: int, status: OutboxStatus, error: str | None) -> None:
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE {self._table} SET status = ?, sent_at = ?, last_error = COALESCE(?, last_error) "
                f"WHERE {scope}id = ?",
                (status, timestamps.now(), error, *params, item_id),
            )

    async def sent(self, item_id: int) -> None:
        await self._finish(item_id, "sent", None)

    async def skipped(self, item_id: int, why: str) -> None:
        """Not needed after all (a staff reply the shopper already saw in the widget)."""
        await self._finish(item_id, "skipped", why)

    async def retry(self, item_id: int, error: str, after_seconds: float) -> None:
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.execute(
                f"UPDATE {self._table} SET last_error = ?, next_attempt_at = ? WHERE {scope}id = ?",
                (error[:500], _later(after_seconds), *params, item_id),
            )

    async def give_up(self, item_id: int, error: str) -> None:
        """Stop retrying (kept, with its error, for ``bcagent status`` and a manual retry)."""
        await self._finish(item_id, "failed", error[:500])

    async def requeue_failed(self) -> int:
        """Put every given-up item back in the queue; how many."""
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            return await tx.execute(
                f"UPDATE {self._table} SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                f"sent_at = NULL WHERE {scope}status = 'failed'",
                (timestamps.now(), *params),
            )

    async def items(self, handoff_id: int | None = None, status: str | None = None) -> list[OutboxItem]:
        scope, params = self.scope(alone=True)
        conditions = [scope] if scope else []
        values: list[Any] = list(params)
        if handoff_id is not None:
            conditions.append("handoff_id = ?")
            values.append(handoff_id)
        if status is not None:
            conditions.append("status = ?")
            values.append(status)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(f"SELECT {COLUMNS} FROM {self._table}{where} ORDER BY id", values)
        return [_item(r) for r in rows]

    async def health(self) -> OutboxHealth:
        scope, params = self.scope(alone=True)
        where = f" WHERE {scope}" if scope else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                f"SELECT status, attempts > 0 AND last_error IS NOT NULL, COUNT(*) FROM {self._table}{where} "
                "GROUP BY 1, 2",
                params,
            )
            last = await tx.fetchone(
                f"SELECT last_error FROM {self._table}{where}{' AND' if where else ' WHERE'} "
                "last_error IS NOT NULL AND status IN ('pending', 'failed') ORDER BY id DESC LIMIT 1",
                params,
            )
        counts: dict[tuple[str, bool], int] = {(str(s), bool(e)): int(n) for s, e, n in rows}
        pending = sum(n for (s, _), n in counts.items() if s == "pending")
        return OutboxHealth(
            pending=pending,
            retrying=counts.get(("pending", True), 0),
            failed=sum(n for (s, _), n in counts.items() if s == "failed"),
            sent=sum(n for (s, _), n in counts.items() if s == "sent"),
            last_error=str(last[0]) if last else None,
        )
