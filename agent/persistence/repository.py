"""What every repository shares: its database, the store it serves, and how its tables are keyed.

A repository is one class over a :class:`~agent.persistence.database.Database`, written once for both
engines. On PostgreSQL one database holds every store, so rows carry the store hash and every query is
scoped to it; on SQLite each store has files of its own under its folder. Adding state to the product
is adding one more repository (and its :class:`~agent.persistence.migrations.Component`).
"""

from __future__ import annotations

from .database import Database, Params


class Repository:
    def __init__(self, db: Database, store_hash: str) -> None:
        self.db = db
        self.store_hash = store_hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.db!r}, store_hash={self.store_hash!r})"

    @property
    def shared(self) -> bool:
        """Whether the tables hold every store's rows (PostgreSQL), so queries name the store."""
        return self.db.dialect.shared

    def table(self, sqlite: str, postgresql: str) -> str:
        """The name of a table on this repository's engine (the names predate one layer for both)."""
        return postgresql if self.db.dialect.engine == "postgresql" else sqlite

    def scope(self, alone: bool = False) -> tuple[str, Params]:
        """The store's condition and its parameters: ``"store_hash = ? AND "`` on a shared database
        (``alone``: without the ``AND``), nothing on a store's own file."""
        if not self.shared:
            return ("", ())
        return ("store_hash = ?" if alone else "store_hash = ? AND ", (self.store_hash,))

    def key_columns(self, *columns: str) -> tuple[str, ...]:
        """The columns of a row's key: ``columns``, after ``store_hash`` on a shared database."""
        return ("store_hash", *columns) if self.shared else columns

    def key_values(self, *values: object) -> tuple[object, ...]:
        return (self.store_hash, *values) if self.shared else values

    async def aclose(self) -> None:
        await self.db.aclose()
