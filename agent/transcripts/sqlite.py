"""Transcripts in SQLite (the default: ``stores/<hash>/transcripts.sqlite``).

One worker thread owns the connection, so a write never blocks the event loop (the turn awaits a
short hand-off, not the disk); WAL mode lets other processes (``bcagent transcripts export``) read
while a server writes.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from .records import ThreadSummary, TurnRecord
from .store import (
    ALL,
    Dialect,
    Query,
    TranscriptStore,
    dumps,
    iso,
    merged_summary,
    search_text,
    threads_sql,
    turns_sql,
)

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS transcript_turns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    turn_id TEXT NOT NULL UNIQUE,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    surface TEXT NOT NULL,
    search_text TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transcript_turns_thread ON transcript_turns (store_hash, thread_id, seq);
CREATE INDEX IF NOT EXISTS transcript_turns_time ON transcript_turns (started_at);
CREATE TABLE IF NOT EXISTS transcript_threads (
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    surface TEXT NOT NULL,
    turns INTEGER NOT NULL,
    routes TEXT NOT NULL,
    tools TEXT NOT NULL,
    handoff INTEGER NOT NULL,
    grounding_replacements INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    customer_id INTEGER,
    PRIMARY KEY (store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_threads_last ON transcript_threads (last_at);
CREATE INDEX IF NOT EXISTS transcript_threads_store_last ON transcript_threads (store_hash, last_at);
CREATE INDEX IF NOT EXISTS transcript_threads_handoff ON transcript_threads (last_at) WHERE handoff = 1;
CREATE INDEX IF NOT EXISTS transcript_threads_errors ON transcript_threads (last_at) WHERE errors > 0;
CREATE INDEX IF NOT EXISTS transcript_threads_store_handoff ON transcript_threads (store_hash, last_at) WHERE handoff = 1;
CREATE INDEX IF NOT EXISTS transcript_threads_store_errors ON transcript_threads (store_hash, last_at) WHERE errors > 0;
CREATE TABLE IF NOT EXISTS transcript_thread_tools (
    tool TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    last_at TEXT NOT NULL,  -- the conversation's last_at, so "by tool, newest first" reads one index
    PRIMARY KEY (tool, store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_thread_tools_last ON transcript_thread_tools (tool, last_at);
CREATE INDEX IF NOT EXISTS transcript_thread_tools_thread ON transcript_thread_tools (store_hash, thread_id);
"""

THREAD_COLUMNS = (
    "store_hash, thread_id, first_at, last_at, surface, turns, routes, tools, handoff, "
    "grounding_replacements, errors, customer_id"
)


SQLITE = Dialect(
    mark="?",
    time=iso,
    table=lambda name: name,
    flag=lambda column: f"{column} = 1",
    like="LIKE ? ESCAPE '\\'",
)


def _summary(row: tuple[Any, ...]) -> ThreadSummary:
    return ThreadSummary(
        store_hash=row[0],
        thread_id=row[1],
        first_at=row[2],
        last_at=row[3],
        surface=row[4],
        turns=int(row[5]),
        routes=json.loads(row[6]),
        tools=json.loads(row[7]),
        handoff=bool(row[8]),
        grounding_replacements=int(row[9]),
        errors=int(row[10]),
        customer_id=row[11],
    )


class SqliteTranscripts(TranscriptStore):
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bcagent-transcripts")
        self._db: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"SqliteTranscripts({str(self.path)!r})"

    async def _call(self, function: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: function(self._connection()))

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            if new:
                self.path.chmod(0o600)  # shoppers' messages: readable by the owner only
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._db = db
        return self._db

    async def setup(self) -> None:
        await self._call(lambda db: db.executescript(SCHEMA))

    async def add(self, turn: TurnRecord) -> None:
        record = dumps(turn.to_json())
        await self._call(lambda db: self._add(db, turn, record))

    def _add(self, db: sqlite3.Connection, turn: TurnRecord, record: str) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "INSERT INTO transcript_turns (turn_id, store_hash, thread_id, started_at, surface, "
                "search_text, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    turn.turn_id,
                    turn.store_hash,
                    turn.thread_id,
                    turn.started_at,
                    turn.surface,
                    search_text(turn),
                    record,
                ),
            )
            row = db.execute(
                f"SELECT {THREAD_COLUMNS} FROM transcript_threads WHERE store_hash = ? AND thread_id = ?",
                (turn.store_hash, turn.thread_id),
            ).fetchone()
            summary = merged_summary(_summary(row) if row else None, turn)
            db.execute(
                f"INSERT OR REPLACE INTO transcript_threads ({THREAD_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    summary.store_hash,
                    summary.thread_id,
                    summary.first_at,
                    summary.last_at,
                    summary.surface,
                    summary.turns,
                    json.dumps(summary.routes),
                    json.dumps(summary.tools),
                    int(summary.handoff),
                    summary.grounding_replacements,
                    summary.errors,
                    summary.customer_id,
                ),
            )
            db.executemany(
                "INSERT OR IGNORE INTO transcript_thread_tools (tool, store_hash, thread_id, last_at) "
                "VALUES (?, ?, ?, ?)",
                [(name, turn.store_hash, turn.thread_id, summary.last_at) for name in set(turn.tool_names)],
            )
            db.execute(
                "UPDATE transcript_thread_tools SET last_at = ? WHERE store_hash = ? AND thread_id = ?",
                (summary.last_at, turn.store_hash, turn.thread_id),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    async def turns(self, query: Query = ALL) -> list[TurnRecord]:
        sql, params = turns_sql(query, SQLITE)
        rows = await self._call(lambda db: db.execute(sql, params).fetchall())
        return [TurnRecord.from_json(json.loads(row[0])) for row in rows]

    async def threads(self, query: Query = ALL) -> list[ThreadSummary]:
        sql, params = threads_sql(query, SQLITE, THREAD_COLUMNS)
        rows = await self._call(lambda db: db.execute(sql, params).fetchall())
        return [_summary(row) for row in rows]

    async def stale_threads(self, before: datetime, store_hash: str | None = None) -> list[tuple[str, str]]:
        sql = "SELECT store_hash, thread_id FROM transcript_threads WHERE last_at < ?"
        params = [iso(before)]
        if store_hash:
            sql += " AND store_hash = ?"
            params.append(store_hash)
        rows = await self._call(lambda db: db.execute(sql, params).fetchall())
        return [(str(r[0]), str(r[1])) for r in rows]

    async def delete_threads(self, threads: list[tuple[str, str]]) -> int:
        def delete(db: sqlite3.Connection) -> int:
            deleted = 0
            db.execute("BEGIN IMMEDIATE")
            try:
                for store_hash, thread_id in threads:
                    key = (store_hash, thread_id)
                    cursor = db.execute(
                        "DELETE FROM transcript_turns WHERE store_hash = ? AND thread_id = ?", key
                    )
                    deleted += cursor.rowcount
                    db.execute("DELETE FROM transcript_threads WHERE store_hash = ? AND thread_id = ?", key)
                    db.execute(
                        "DELETE FROM transcript_thread_tools WHERE store_hash = ? AND thread_id = ?", key
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return deleted

        return await self._call(delete)

    async def aclose(self) -> None:
        def close(db: sqlite3.Connection) -> None:
            db.close()
            self._db = None

        if self._db is not None:
            await self._call(close)
        self._executor.shutdown(wait=True)
