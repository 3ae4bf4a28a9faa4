"""Transcripts in PostgreSQL (``BCAGENT_DATABASE_URL=postgresql://...``, the checkpointer's database).

psycopg's async API over a small connection pool, so a write is a short await on the event loop. All
stores share the tables, keyed by store hash; ``schema`` puts them in a schema of their own (tests).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg_pool import AsyncConnectionPool

from .records import ThreadSummary, TurnRecord
from .store import (
    ALL,
    Query,
    TranscriptStore,
    dumps,
    iso,
    like_pattern,
    merged_summary,
    parse_time,
    search_text,
)

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {schema}.transcript_turns (
    seq BIGSERIAL PRIMARY KEY,
    turn_id TEXT NOT NULL UNIQUE,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    surface TEXT NOT NULL,
    search_text TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transcript_turns_thread ON {schema}.transcript_turns (store_hash, thread_id, seq);
CREATE INDEX IF NOT EXISTS transcript_turns_time ON {schema}.transcript_turns (started_at);
CREATE TABLE IF NOT EXISTS {schema}.transcript_threads (
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    first_at TIMESTAMPTZ NOT NULL,
    last_at TIMESTAMPTZ NOT NULL,
    surface TEXT NOT NULL,
    turns INTEGER NOT NULL,
    routes TEXT NOT NULL,
    tools TEXT NOT NULL,
    handoff BOOLEAN NOT NULL,
    grounding_replacements INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    customer_id BIGINT,
    PRIMARY KEY (store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_threads_last ON {schema}.transcript_threads (last_at);
CREATE INDEX IF NOT EXISTS transcript_threads_store_last ON {schema}.transcript_threads (store_hash, last_at);
CREATE INDEX IF NOT EXISTS transcript_threads_handoff ON {schema}.transcript_threads (last_at) WHERE handoff;
CREATE INDEX IF NOT EXISTS transcript_threads_errors ON {schema}.transcript_threads (last_at) WHERE errors > 0;
CREATE TABLE IF NOT EXISTS {schema}.transcript_thread_tools (
    tool TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    PRIMARY KEY (tool, store_hash, thread_id)
);
"""

THREAD_COLUMNS = (
    "store_hash, thread_id, first_at, last_at, surface, turns, routes, tools, handoff, "
    "grounding_replacements, errors, customer_id"
)


def _summary(row: tuple[Any, ...]) -> ThreadSummary:
    return ThreadSummary(
        store_hash=row[0],
        thread_id=row[1],
        first_at=iso(row[2]),
        last_at=iso(row[3]),
        surface=row[4],
        turns=int(row[5]),
        routes=json.loads(row[6]),
        tools=json.loads(row[7]),
        handoff=bool(row[8]),
        grounding_replacements=int(row[9]),
        errors=int(row[10]),
        customer_id=row[11],
    )


class PostgresTranscripts(TranscriptStore):
    def __init__(self, url: str, *, schema: str = "public", max_connections: int = 4) -> None:
        self._url = url
        self.schema = schema
        self._pool = AsyncConnectionPool(
            url, min_size=1, max_size=max_connections, open=False, kwargs={"autocommit": True}
        )
        self._opened = False

    def __repr__(self) -> str:
        return f"PostgresTranscripts(schema={self.schema!r})"  # the URL may carry a password

    def _q(self, text: str) -> sql.Composed:
        return sql.SQL(text).format(schema=sql.Identifier(self.schema))

    async def _open(self) -> None:
        if not self._opened:
            await self._pool.open(wait=True, timeout=15)
            self._opened = True

    async def setup(self) -> None:
        await self._open()
        async with self._pool.connection() as db:
            await db.execute(self._q(SCHEMA))

    async def add(self, turn: TurnRecord) -> None:
        await self._open()
        record = dumps(turn.to_json())
        async with self._pool.connection() as db, db.transaction():
            await self._add(db, turn, record)

    async def _add(self, db: AsyncConnection[Any], turn: TurnRecord, record: str) -> None:
        started = parse_time(turn.started_at)
        await db.execute(
            self._q(
                "INSERT INTO {schema}.transcript_turns (turn_id, store_hash, thread_id, started_at, "
                "surface, search_text, record) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            ),
            (turn.turn_id, turn.store_hash, turn.thread_id, started, turn.surface, search_text(turn), record),
        )
        key = (turn.store_hash, turn.thread_id)
        await db.execute(
            self._q(
                "INSERT INTO {schema}.transcript_threads (store_hash, thread_id, first_at, last_at, surface, "
                "turns, routes, tools, handoff, grounding_replacements, errors) "
                "VALUES (%s, %s, %s, %s, %s, 0, '[]', '[]', false, 0, 0) ON CONFLICT DO NOTHING"
            ),
            (*key, started, started, turn.surface),
        )
        cursor = await db.execute(
            self._q(
                f"SELECT {THREAD_COLUMNS} FROM {{schema}}.transcript_threads "
                "WHERE store_hash = %s AND thread_id = %s FOR UPDATE"
            ),
            key,
        )
        row = await cursor.fetchone()
        existing = _summary(row) if row and row[5] else None
        summary = merged_summary(existing, turn)
        await db.execute(
            self._q(
                "UPDATE {schema}.transcript_threads SET first_at = %s, last_at = %s, surface = %s, "
                "turns = %s, routes = %s, tools = %s, handoff = %s, grounding_replacements = %s, "
                "errors = %s, customer_id = %s WHERE store_hash = %s AND thread_id = %s"
            ),
            (
                parse_time(summary.first_at),
                parse_time(summary.last_at),
                summary.surface,
                summary.turns,
                json.dumps(summary.routes),
                json.dumps(summary.tools),
                summary.handoff,
                summary.grounding_replacements,
                summary.errors,
                summary.customer_id,
                *key,
            ),
        )
        for name in sorted(set(turn.tool_names)):
            await db.execute(
                self._q(
                    "INSERT INTO {schema}.transcript_thread_tools (tool, store_hash, thread_id) "
                    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
                ),
                (name, *key),
            )

    async def turns(self, query: Query = ALL) -> list[TurnRecord]:
        await self._open()
        where: list[str] = ["true"]
        params: list[Any] = []
        if query.store_hash:
            where.append("store_hash = %s")
            params.append(query.store_hash)
        if query.thread_id:
            where.append("thread_id = %s")
            params.append(query.thread_id)
        if query.since:
            where.append("started_at >= %s")
            params.append(query.since)
        if query.until:
            where.append("started_at < %s")
            params.append(query.until)
        text = "SELECT record FROM {schema}.transcript_turns WHERE " + " AND ".join(where)
        text += " ORDER BY started_at, seq"
        if query.limit:
            text += f" LIMIT {int(query.limit)}"
        async with self._pool.connection() as db:
            cursor = await db.execute(self._q(text), params)
            rows = await cursor.fetchall()
        return [TurnRecord.from_json(json.loads(row[0])) for row in rows]

    async def threads(self, query: Query = ALL) -> list[ThreadSummary]:
        await self._open()
        where: list[str] = ["true"]
        params: list[Any] = []
        if query.store_hash:
            where.append("th.store_hash = %s")
            params.append(query.store_hash)
        if query.thread_id:
            where.append("th.thread_id = %s")
            params.append(query.thread_id)
        if query.since:
            where.append("th.last_at >= %s")
            params.append(query.since)
        if query.until:
            where.append("th.last_at < %s")
            params.append(query.until)
        if query.handoff:
            where.append("th.handoff")
        if query.errors:
            where.append("th.errors > 0")
        if query.tool:
            where.append(
                "EXISTS (SELECT 1 FROM {schema}.transcript_thread_tools tt WHERE tt.tool = %s "
                "AND tt.store_hash = th.store_hash AND tt.thread_id = th.thread_id)"
            )
            params.append(query.tool)
        if query.grep:
            where.append(
                "EXISTS (SELECT 1 FROM {schema}.transcript_turns t WHERE t.store_hash = th.store_hash "
                "AND t.thread_id = th.thread_id AND t.search_text LIKE %s)"
            )
            params.append(like_pattern(query.grep))
        columns = ", ".join(f"th.{c.strip()}" for c in THREAD_COLUMNS.split(","))
        text = f"SELECT {columns} FROM {{schema}}.transcript_threads th WHERE " + " AND ".join(where)
        text += " ORDER BY th.last_at DESC"
        if query.limit:
            text += f" LIMIT {int(query.limit)}"
        async with self._pool.connection() as db:
            cursor = await db.execute(self._q(text), params)
            rows = await cursor.fetchall()
        return [_summary(row) for row in rows]

    async def stale_threads(self, before: datetime, store_hash: str | None = None) -> list[tuple[str, str]]:
        await self._open()
        text = "SELECT store_hash, thread_id FROM {schema}.transcript_threads WHERE last_at < %s"
        params: list[Any] = [before]
        if store_hash:
            text += " AND store_hash = %s"
            params.append(store_hash)
        async with self._pool.connection() as db:
            cursor = await db.execute(self._q(text), params)
            rows = await cursor.fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    async def delete_threads(self, threads: list[tuple[str, str]]) -> int:
        await self._open()
        deleted = 0
        async with self._pool.connection() as db, db.transaction():
            for key in threads:
                for table in ("transcript_thread_tools", "transcript_threads"):
                    await db.execute(
                        self._q(f"DELETE FROM {{schema}}.{table} WHERE store_hash = %s AND thread_id = %s"),
                        key,
                    )
                cursor = await db.execute(
                    self._q("DELETE FROM {schema}.transcript_turns WHERE store_hash = %s AND thread_id = %s"),
                    key,
                )
                deleted += cursor.rowcount
        return deleted

    async def aclose(self) -> None:
        if self._opened:
            await self._pool.close()
            self._opened = False
