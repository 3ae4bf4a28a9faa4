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
    Dialect,
    Query,
    TranscriptStore,
    dumps,
    iso,
    parse_time,
    search_text,
    threads_sql,
    turns_sql,
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
    routes TEXT[] NOT NULL,
    tools TEXT[] NOT NULL,
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
CREATE INDEX IF NOT EXISTS transcript_threads_store_handoff ON {schema}.transcript_threads (store_hash, last_at) WHERE handoff;
CREATE INDEX IF NOT EXISTS transcript_threads_store_errors ON {schema}.transcript_threads (store_hash, last_at) WHERE errors > 0;
CREATE TABLE IF NOT EXISTS {schema}.transcript_thread_tools (
    tool TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    last_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tool, store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_thread_tools_last ON {schema}.transcript_thread_tools (tool, last_at);
CREATE INDEX IF NOT EXISTS transcript_thread_tools_thread ON {schema}.transcript_thread_tools (store_hash, thread_id);
"""

# The arrays keep their first-seen order: unnest WITH ORDINALITY, one row per value, ordered by first place.
_MERGE = (
    "ARRAY(SELECT u.v FROM unnest({old} || {new}) WITH ORDINALITY AS u(v, n) GROUP BY u.v ORDER BY min(u.n))"
)
ADD = (
    """
WITH turn AS (
    INSERT INTO {schema}.transcript_turns (turn_id, store_hash, thread_id, started_at, surface, search_text, record)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
), tools AS (
    INSERT INTO {schema}.transcript_thread_tools AS tt (tool, store_hash, thread_id, last_at)
    SELECT name, %s, %s, %s FROM unnest(%s::text[]) AS name
    ON CONFLICT (tool, store_hash, thread_id) DO UPDATE SET last_at = GREATEST(tt.last_at, EXCLUDED.last_at)
), other_tools AS (
    UPDATE {schema}.transcript_thread_tools SET last_at = GREATEST(last_at, %s)
    WHERE store_hash = %s AND thread_id = %s AND tool <> ALL(%s::text[])
)
INSERT INTO {schema}.transcript_threads AS t (store_hash, thread_id, first_at, last_at, surface, turns, routes,
    tools, handoff, grounding_replacements, errors, customer_id)
VALUES (%s, %s, %s, %s, %s, 1, %s::text[], %s::text[], %s, %s, %s, %s)
ON CONFLICT (store_hash, thread_id) DO UPDATE SET
    first_at = LEAST(t.first_at, EXCLUDED.first_at),
    last_at = GREATEST(t.last_at, EXCLUDED.last_at),
    surface = EXCLUDED.surface,
    turns = t.turns + 1,
    routes = """
    + _MERGE.format(old="t.routes", new="EXCLUDED.routes")
    + """,
    tools = """
    + _MERGE.format(old="t.tools", new="EXCLUDED.tools")
    + """,
    handoff = t.handoff OR EXCLUDED.handoff,
    grounding_replacements = t.grounding_replacements + EXCLUDED.grounding_replacements,
    errors = t.errors + EXCLUDED.errors,
    customer_id = COALESCE(EXCLUDED.customer_id, t.customer_id)
"""
)

THREAD_COLUMNS = (
    "store_hash, thread_id, first_at, last_at, surface, turns, routes, tools, handoff, "
    "grounding_replacements, errors, customer_id"
)


POSTGRES = Dialect(
    mark="%s",
    time=lambda moment: moment,
    table=lambda name: "{schema}." + name,
    flag=lambda column: column,
    like="LIKE %s",
)


def _summary(row: tuple[Any, ...]) -> ThreadSummary:
    return ThreadSummary(
        store_hash=row[0],
        thread_id=row[1],
        first_at=iso(row[2]),
        last_at=iso(row[3]),
        surface=row[4],
        turns=int(row[5]),
        routes=list(row[6]),
        tools=list(row[7]),
        handoff=bool(row[8]),
        grounding_replacements=int(row[9]),
        errors=int(row[10]),
        customer_id=row[11],
    )


async def _configure(db: AsyncConnection[Any]) -> None:
    # A transcript write returns before its WAL record reaches the disk (no fsync wait in the turn). A
    # database crash may lose the last few hundred milliseconds of transcripts, never corrupt them.
    await db.execute("SET synchronous_commit = off")


SETUP_LOCK = 0x6263_7472  # "bctr": serialises the schema set-up across processes


class PostgresTranscripts(TranscriptStore):
    def __init__(self, url: str, *, schema: str = "public", max_connections: int = 4) -> None:
        self._url = url
        self.schema = schema
        self._pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            open=False,
            kwargs={"autocommit": True},
            configure=_configure,
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
        """Create the tables; replicas starting at once take turns (concurrent ``CREATE ... IF NOT
        EXISTS`` of one table can fail in PostgreSQL), under a transaction-level advisory lock."""
        await self._open()
        async with self._pool.connection() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))
            await db.execute(self._q(SCHEMA))

    async def add(self, turn: TurnRecord) -> None:
        """One statement, so one round trip: the turn, its tools and the conversation's summary."""
        await self._open()
        record = dumps(turn.to_json())
        started = parse_time(turn.started_at)
        key = (turn.store_hash, turn.thread_id)
        tools = sorted(set(turn.tool_names))
        async with self._pool.connection() as db:
            await db.execute(
                self._q(ADD),
                (
                    turn.turn_id,
                    *key,
                    started,
                    turn.surface,
                    search_text(turn),
                    record,
                    *key,
                    started,
                    tools,
                    started,
                    *key,
                    tools,
                    *key,
                    started,
                    started,
                    turn.surface,
                    list(dict.fromkeys(turn.routes)),
                    list(dict.fromkeys(turn.tool_names)),
                    turn.handoff,
                    len(turn.grounding),
                    1 if turn.error else 0,
                    turn.customer_id,
                ),
            )

    async def turns(self, query: Query = ALL) -> list[TurnRecord]:
        await self._open()
        text, params = turns_sql(query, POSTGRES)
        async with self._pool.connection() as db:
            cursor = await db.execute(self._q(text), params)
            rows = await cursor.fetchall()
        return [TurnRecord.from_json(json.loads(row[0])) for row in rows]

    async def threads(self, query: Query = ALL) -> list[ThreadSummary]:
        await self._open()
        text, params = threads_sql(query, POSTGRES, THREAD_COLUMNS)
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
