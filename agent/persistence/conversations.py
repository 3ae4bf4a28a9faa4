"""Per-conversation policy state: which shopper a thread is bound to, failed lookups, code attempts,
lockout. ``update`` reads, changes and writes a conversation's state in one transaction that locks it
(``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two replicas counting at
once both count.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import timestamps
from .repository import Repository


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
    def from_json(cls, value: str | dict[str, Any]) -> ConversationState:
        """From the stored JSON (text on SQLite, a decoded ``JSONB`` on PostgreSQL)."""
        data: dict[str, Any] = json.loads(value) if isinstance(value, str) else dict(value)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> str:
        return json.dumps(asdict(self))


StateChange = Callable[[ConversationState], None]


class Conversations(Repository):
    @property
    def _table(self) -> str:
        return self.table("conversations", "agent_conversations")

    def _where(self, thread_id: str) -> tuple[str, tuple[object, ...]]:
        scope, params = self.scope()
        return f"{scope}thread_id = ?", (*params, thread_id)

    async def load(self, thread_id: str) -> ConversationState:
        where, params = self._where(thread_id)
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"SELECT state FROM {self._table} WHERE {where}", params)
        return ConversationState.from_json(row[0]) if row else ConversationState()

    async def save(self, thread_id: str, state: ConversationState) -> None:
        keys = self.key_columns("thread_id")
        async with self.db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO {self._table} ({', '.join(keys)}, state, updated_at) "
                f"VALUES ({', '.join('?' for _ in keys)}, ?, ?) ON CONFLICT ({', '.join(keys)}) "
                "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (*self.key_values(thread_id), state.to_json(), timestamps.now()),
            )

    async def update(self, thread_id: str, change: StateChange) -> ConversationState:
        """Apply ``change`` to the conversation's state atomically (no lost update when several
        processes change the same conversation at once) and return the state as written."""
        keys = self.key_columns("thread_id")
        where, params = self._where(thread_id)
        async with self.db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO {self._table} ({', '.join(keys)}, state, updated_at) "
                f"VALUES ({', '.join('?' for _ in keys)}, ?, ?) ON CONFLICT ({', '.join(keys)}) DO NOTHING",
                (*self.key_values(thread_id), ConversationState().to_json(), timestamps.now()),
            )
            row = await tx.fetchone(
                f"SELECT state FROM {self._table} WHERE {where}{self.db.dialect.for_update}", params
            )
            assert row is not None
            state = ConversationState.from_json(row[0])
            change(state)
            await tx.execute(
                f"UPDATE {self._table} SET state = ?, updated_at = ? WHERE {where}",
                (state.to_json(), timestamps.now(), *params),
            )
        return state
