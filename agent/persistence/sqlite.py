"""The SQLite engine: one file, one ``aiosqlite`` connection (its own worker thread), WAL mode.

Transactions of one process take turns on the connection (an ``asyncio.Lock``); across processes,
SQLite's own locking serialises writers (``BEGIN IMMEDIATE`` takes the write lock at the start of a
write transaction, waiting up to ``busy_timeout``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar, cast

import aiosqlite

from .database import SQLITE, Database, Params, Row, Transaction

T = TypeVar("T")


def _in_transaction(conn: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """On the connection's thread: ``work`` in one write transaction."""
    raw = conn._conn
    raw.execute("BEGIN IMMEDIATE")
    try:
        result = work(raw)
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")
    return result


class SqliteTransaction(Transaction):
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, [tuple(row) for row in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            row = await cursor.fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def script(self, sql: str) -> None:
        # executescript would COMMIT first; our DDL has no ';' inside its statements
        for statement in sql.split(";"):
            if statement.strip():
                await self._conn.execute(statement)


def private_file(path: Path) -> None:
    """Make ``path`` (and its folder) exist and readable by its owner only (0600), a file made by an
    older release included; SQLite gives its ``-wal`` and ``-shm`` files the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if extra.exists():
                extra.chmod(0o600)


class SqliteDatabase(Database):
    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._turn = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, *, timeout: float = 30.0, durable: bool = True) -> SqliteDatabase:
        """Open (creating it and its folder when missing) the database file at ``path`` (``:memory:``:
        a private in-memory database). A new file is readable by its owner only. ``durable=False``: a
        commit does not wait for the disk (``synchronous=NORMAL``: a power cut may lose the last
        commits, never corrupt the file)."""
        where = str(path)
        if where != ":memory:":
            private_file(Path(where))
        conn = await aiosqlite.connect(where, timeout=timeout, isolation_level=None)
        try:
            if where != ":memory:":
                await conn.execute("PRAGMA journal_mode=WAL")
            if not durable:
                await conn.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            await conn.close()
            raise
        return cls(conn, where)

    def __repr__(self) -> str:
        return f"SqliteDatabase({self.path!r})"

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Transaction]:
        async with self._turn:
            await self._conn.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._conn)
            except BaseException:
                await asyncio.shield(self._conn.execute("ROLLBACK"))
                raise
            await asyncio.shield(self._conn.execute("COMMIT"))

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` given the connection itself, on the connection's own thread, in one write transaction:
        several statements for one hand-off to the thread instead of one each (a hot path that must
        not keep the turn waiting: the transcripts). Uses aiosqlite's queue (``_execute``)."""
        async with self._turn:
            return cast(T, await self._conn._execute(_in_transaction, self._conn, work))  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        await self._conn.close()
