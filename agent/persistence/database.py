"""The interface every engine implements: a ``Database`` handing out transactions, and its ``Dialect``.

Queries are written once, with ``?`` parameter marks (the PostgreSQL driver turns them into ``%s``);
what the engines spell differently (locking a row, the name shown in sentences) is in the dialect.
Every call is awaited: SQLite runs on a worker thread, PostgreSQL on psycopg's async driver, so no
database call ever blocks the event loop.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal

Row = tuple[Any, ...]
Params = Sequence[Any]
Engine = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Dialect:
    """What the SQL of one engine spells its own way."""

    engine: Engine
    title: str  # the engine's name in sentences: "SQLite", "PostgreSQL"
    for_update: str  # appended to a SELECT that locks its rows for the transaction ("" where the whole
    # database is locked by the transaction, as SQLite's BEGIN IMMEDIATE does)
    shared: bool  # one database for every store (rows carry the store hash) rather than a file per store


SQLITE = Dialect("sqlite", "SQLite", "", shared=False)
POSTGRESQL = Dialect("postgresql", "PostgreSQL", " FOR UPDATE", shared=True)


class Transaction(ABC):
    """Statements run in one transaction: all of them are kept, or none (an exception rolls back)."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per row of parameters."""

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def script(self, sql: str) -> None:
        """Run our own constant DDL of several statements (a migration), inside the transaction."""


class Database(ABC):
    """One open database: SQLite (a file) or PostgreSQL (a connection pool)."""

    dialect: Dialect

    @abstractmethod
    def transaction(self, *, readonly: bool = False) -> AbstractAsyncContextManager[Transaction]:
        """A transaction, committed when the block ends and rolled back when it raises. A write
        transaction holds the writer's lock from its start on SQLite (``BEGIN IMMEDIATE``), so a
        read-change-write in one is never interleaved with another process's."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement in a transaction of its own; the number of rows it changed. PostgreSQL
        sends it alone (autocommit: one round trip, no BEGIN and COMMIT around it)."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    @abstractmethod
    async def aclose(self) -> None:
        """Close the connections; the database object is unusable afterwards."""

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def fetch_rows(db: Database, sql: str, params: Params = ()) -> list[Row]:
    """All rows of one read-only query, in a transaction of its own."""
    async with db.transaction(readonly=True) as tx:
        return await tx.fetchall(sql, params)


async def fetch_row(db: Database, sql: str, params: Params = ()) -> Row | None:
    """The first row of one read-only query, in a transaction of its own."""
    async with db.transaction(readonly=True) as tx:
        return await tx.fetchone(sql, params)


__all__ = [
    "POSTGRESQL",
    "SQLITE",
    "Database",
    "Dialect",
    "Engine",
    "Params",
    "Row",
    "Transaction",
    "fetch_row",
    "fetch_rows",
]
