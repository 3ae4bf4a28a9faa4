"""The PostgreSQL engine: a ``psycopg_pool.AsyncConnectionPool`` shared by the repositories of one
process; every replica uses the same database, so rows carry the store hash.

Queries are written with ``?`` marks (as for SQLite) and sent with ``%s``; our SQL never holds a
literal ``%`` or ``?``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from .database import POSTGRESQL, Database, Params, Row, Transaction
from .errors import DatabaseUnavailable
from .urls import describe_url


def _marks(sql: str) -> str:
    return sql.replace("?", "%s")


async def _commit_without_waiting(conn: psycopg.AsyncConnection[Any]) -> None:
    await conn.execute("SET synchronous_commit = off")


class PostgresTransaction(Transaction):
    def __init__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(_marks(sql), tuple(params))
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._conn.cursor() as cursor:
            await cursor.executemany(_marks(sql), [tuple(row) for row in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        cursor = await self._conn.execute(_marks(sql), tuple(params))
        row = await cursor.fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        cursor = await self._conn.execute(_marks(sql), tuple(params))
        return [tuple(row) for row in await cursor.fetchall()]

    async def script(self, sql: str) -> None:
        await self._conn.execute(sql)  # our own constant DDL


class PostgresDatabase(Database):
    dialect = POSTGRESQL

    def __init__(self, pool: AsyncConnectionPool[Any], url: str) -> None:
        self._pool = pool
        self.where = describe_url(url)

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        name: str,
        what: str,
        max_connections: int = 4,
        open_timeout: float = 15.0,
        durable: bool = True,
    ) -> PostgresDatabase:
        """An open pool (autocommit outside transactions) on ``url``; a server that cannot be used gets
        a sentence naming its host and ``what`` it was for (never the password). ``durable=False``: a
        commit does not wait for the WAL to reach the disk (``synchronous_commit = off``: a database
        crash may lose the last few hundred milliseconds of commits, never corrupt them)."""
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True},
            open=False,
            name=f"bcagent-{name}",
            configure=None if durable else _commit_without_waiting,
        )
        try:
            await pool.open(wait=True, timeout=open_timeout)
        except (psycopg.Error, TimeoutError) as error:  # the pool raises PoolTimeout (a TimeoutError)
            await pool.close()
            raise DatabaseUnavailable(
                f"Cannot use PostgreSQL at {describe_url(url)} for {what} ({type(error).__name__}). "
                "Check that the server is running and BCAGENT_DATABASE_URL is right."
            ) from None
        return cls(pool, url)

    def __repr__(self) -> str:
        return f"PostgresDatabase({self.where!r})"

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Transaction]:
        async with self._pool.connection() as conn, conn.transaction():
            yield PostgresTransaction(conn)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._pool.connection() as conn:  # autocommit: the statement is its own transaction
            cursor = await conn.execute(_marks(sql), tuple(params))
            return int(cursor.rowcount)

    async def aclose(self) -> None:
        await self._pool.close()
