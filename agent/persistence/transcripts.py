"""Where transcripts are kept: every recorded turn, and a summary row per conversation.

One repository over the one :class:`~agent.persistence.database.Database`: ``transcripts.sqlite`` in
the store's folder by default, the shared PostgreSQL database when ``BCAGENT_DATABASE_URL`` names one
(component ``transcripts``, see ``transcript_sql.py``). Each turn is one row (the record as JSON plus
the columns searches need); each conversation's summary (first and last time, turns, routes, tools,
handoff, grounding replacements, errors) is kept up to date in the same transaction, so listing
conversations reads one small indexed table. ``TranscriptStore`` is what the recorder, export, prune
and replay need; replay's in-memory store implements it too.
"""

from __future__ import annotations

import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..settings import Settings
from ..transcripts import facets
from ..transcripts.dead_ends import is_dead_end
from ..transcripts.records import ThreadSummary, TurnRecord, dumps
from . import timestamps
from .connect import is_postgres_url, open_database
from .database import Database, Engine, Row, Transaction
from .migrations import migrate
from .sqlite import SqliteDatabase
from .transcript_sql import (
    ADD_POSTGRESQL,
    ALL,
    DESCRIBING_TABLES,
    STATUSES,
    THREAD_COLUMNS,
    TRANSCRIPTS,
    Query,
    threads_sql,
    turns_sql,
)

FILE_NAME = "transcripts.sqlite"


class TranscriptStore(ABC):
    """What the recorder, export, prune and replay do with transcripts."""

    @abstractmethod
    async def add(self, turn: TurnRecord) -> None:
        """Keep one turn and update its conversation's summary."""

    @abstractmethod
    async def turns(self, query: Query = ALL) -> list[TurnRecord]:
        """Turns matching ``query`` (store, thread, since, until, limit), oldest first."""

    @abstractmethod
    async def threads(self, query: Query = ALL) -> list[ThreadSummary]:
        """Conversations matching ``query``, the most recently active first."""

    @abstractmethod
    async def stale_threads(self, before: datetime, store_hash: str | None = None) -> list[tuple[str, str]]:
        """(store hash, thread id) of conversations whose last turn is older than ``before``."""

    @abstractmethod
    async def delete_threads(self, threads: list[tuple[str, str]]) -> int:
        """Delete these conversations' turns and summaries; the number of turns deleted."""

    @abstractmethod
    async def aclose(self) -> None:
        """Release connections (pending writes are finished first)."""


def merged_summary(existing: ThreadSummary | None, turn: TurnRecord) -> ThreadSummary:
    """The conversation's summary after ``turn``."""
    routes = list(dict.fromkeys([*(existing.routes if existing else []), *turn.routes]))
    tools = list(dict.fromkeys([*(existing.tools if existing else []), *turn.tool_names]))
    if existing is None:
        return ThreadSummary(
            store_hash=turn.store_hash,
            thread_id=turn.thread_id,
            first_at=turn.started_at,
            last_at=turn.started_at,
            surface=turn.surface,
            turns=1,
            routes=routes,
            tools=tools,
            handoff=turn.handoff,
            grounding_replacements=len(turn.grounding),
            errors=1 if turn.error else 0,
            customer_id=turn.customer_id,
            store_errors=1 if facets.has_store_failure(turn) else 0,
            lockout=facets.is_lockout(turn),
            slowest_ms=turn.timings.total_ms,
            first_message=facets.first_message(turn),
            customer_email=facets.customer_email(turn),
            dead_ends=1 if is_dead_end(turn) else 0,
        )
    earlier = turn.started_at < existing.first_at or existing.first_message is None
    return replace(
        existing,
        first_at=min(existing.first_at, turn.started_at),
        last_at=max(existing.last_at, turn.started_at),
        surface=turn.surface,
        turns=existing.turns + 1,
        routes=routes,
        tools=tools,
        handoff=existing.handoff or turn.handoff,
        grounding_replacements=existing.grounding_replacements + len(turn.grounding),
        errors=existing.errors + (1 if turn.error else 0),
        customer_id=turn.customer_id if turn.customer_id is not None else existing.customer_id,
        store_errors=existing.store_errors + (1 if facets.has_store_failure(turn) else 0),
        lockout=existing.lockout or facets.is_lockout(turn),
        slowest_ms=max(existing.slowest_ms, turn.timings.total_ms),
        first_message=(facets.first_message(turn) or existing.first_message)
        if earlier
        else existing.first_message,
        customer_email=facets.customer_email(turn) or existing.customer_email,
        dead_ends=existing.dead_ends + (1 if is_dead_end(turn) else 0),
    )


def search_text(turn: TurnRecord) -> str:
    """What ``grep`` searches: the shopper's words and the replies, lower-cased."""
    parts = [turn.text or "", *turn.replies, *(g.original for g in turn.grounding)]
    return "\n".join(parts).lower()


def _time(moment: datetime | str) -> str:
    """A stored time as the records spell it (PostgreSQL returns a ``datetime``, SQLite the text)."""
    return moment if isinstance(moment, str) else timestamps.precise(moment)


def _names(value: str | list[str]) -> list[str]:
    """A stored list of names: a JSON array on SQLite, a ``TEXT[]`` on PostgreSQL."""
    return list(json.loads(value)) if isinstance(value, str) else list(value)


def _summary(row: Row) -> ThreadSummary:
    return ThreadSummary(
        store_hash=row[0],
        thread_id=row[1],
        first_at=_time(row[2]),
        last_at=_time(row[3]),
        surface=row[4],
        turns=int(row[5]),
        routes=_names(row[6]),
        tools=_names(row[7]),
        handoff=bool(row[8]),
        grounding_replacements=int(row[9]),
        errors=int(row[10]),
        customer_id=row[11],
        store_errors=int(row[12] or 0),
        lockout=bool(row[13]),
        slowest_ms=float(row[14] or 0.0),
        first_message=row[15],
        customer_email=row[16],
        dead_ends=int(row[17] or 0),
    )


async def _existing_tables(tx: Transaction, engine: Engine, names: tuple[str, ...]) -> list[str]:
    """Those of ``names`` that are tables of the database (of its current schema, on PostgreSQL)."""
    marks = ", ".join("?" for _ in names)
    if engine == "postgresql":
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            f"AND table_name IN ({marks})"
        )
    else:
        sql = f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})"
    present = {str(row[0]) for row in await tx.fetchall(sql, names)}
    return [name for name in names if name in present]


def _add_sqlite(conn: sqlite3.Connection, turn: TurnRecord, record: str) -> None:
    """The turn, its conversation's summary (read, merged, written) and its tools, in the caller's
    transaction."""
    key = (turn.store_hash, turn.thread_id)
    conn.execute(
        "INSERT INTO transcript_turns (turn_id, store_hash, thread_id, started_at, surface, search_text, record) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (turn.turn_id, *key, turn.started_at, turn.surface, search_text(turn), record),
    )
    row = conn.execute(
        f"SELECT {THREAD_COLUMNS} FROM transcript_threads WHERE store_hash = ? AND thread_id = ?", key
    ).fetchone()
    summary = merged_summary(_summary(tuple(row)) if row else None, turn)
    conn.execute(
        f"INSERT OR REPLACE INTO transcript_threads ({THREAD_COLUMNS}) "
        f"VALUES ({', '.join('?' * len(THREAD_COLUMNS.split(',')))})",
        (
            *key,
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
            summary.store_errors,
            int(summary.lockout),
            summary.slowest_ms,
            summary.first_message,
            summary.customer_email,
            summary.dead_ends,
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO transcript_thread_tools (tool, store_hash, thread_id, last_at) VALUES (?, ?, ?, ?)",
        [(name, *key, summary.last_at) for name in set(turn.tool_names)],
    )
    conn.execute(
        "UPDATE transcript_thread_tools SET last_at = ? WHERE store_hash = ? AND thread_id = ?",
        (summary.last_at, *key),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO transcript_thread_keys (kind, value, store_hash, thread_id, last_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(kind, value, *key, summary.last_at) for kind, value in sorted(facets.turn_keys(turn))],
    )
    conn.execute(
        "UPDATE transcript_thread_keys SET last_at = ? WHERE store_hash = ? AND thread_id = ?",
        (summary.last_at, *key),
    )


class Transcripts(TranscriptStore):
    """The transcripts in one database (every store's, keyed by store hash, on either engine)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._postgres = db.dialect.engine == "postgresql"

    def __repr__(self) -> str:
        return f"Transcripts({self.db!r})"

    def _param(self, moment: datetime) -> Any:
        """A time as a query parameter: a ``datetime`` for ``TIMESTAMPTZ``, the records' text on SQLite
        (which compares it as text: the spelling sorts)."""
        return moment if self._postgres else timestamps.precise(moment)

    async def add(self, turn: TurnRecord) -> None:
        record = dumps(turn.to_json())
        if self._postgres:
            await self._add_postgresql(turn, record)
            return
        if isinstance(self.db, SqliteDatabase):  # one hand-off to the connection's thread, as before
            await self.db.run(lambda conn: _add_sqlite(conn, turn, record))
            return
        raise TypeError(f"no transcript writer for {self.db!r}")

    async def _add_postgresql(self, turn: TurnRecord, record: str) -> None:
        """One statement, so one round trip: the turn, its tools and the conversation's summary."""
        started = timestamps.parse(turn.started_at)
        key = (turn.store_hash, turn.thread_id)
        tools = sorted(set(turn.tool_names))
        keys = sorted(facets.turn_keys(turn))
        await self.db.execute(
            ADD_POSTGRESQL,
            (
                *(turn.turn_id, *key, started, turn.surface, search_text(turn), record),
                *(*key, started, tools),
                *(started, *key, tools),
                *(*key, started, [k for k, _ in keys], [v for _, v in keys]),
                *(started, *key, [f"{k}:{v}" for k, v in keys]),
                *(*key, started, started, turn.surface),
                list(dict.fromkeys(turn.routes)),
                list(dict.fromkeys(turn.tool_names)),
                turn.handoff,
                len(turn.grounding),
                1 if turn.error else 0,
                turn.customer_id,
                1 if facets.has_store_failure(turn) else 0,
                facets.is_lockout(turn),
                turn.timings.total_ms,
                facets.first_message(turn),
                facets.customer_email(turn),
                1 if is_dead_end(turn) else 0,
            ),
        )

    async def turns(self, query: Query = ALL) -> list[TurnRecord]:
        sql, params = turns_sql(query, self._param)
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(sql, params)
        return [TurnRecord.from_json(json.loads(row[0])) for row in rows]

    async def threads(self, query: Query = ALL) -> list[ThreadSummary]:
        sql, params = threads_sql(query, self.db.dialect.engine, self._param)
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(sql, params)
        return [_summary(row) for row in rows]

    async def stale_threads(self, before: datetime, store_hash: str | None = None) -> list[tuple[str, str]]:
        sql = "SELECT store_hash, thread_id FROM transcript_threads WHERE last_at < ?"
        params: list[Any] = [self._param(before)]
        if store_hash:
            sql += " AND store_hash = ?"
            params.append(store_hash)
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(sql, params)
        return [(str(r[0]), str(r[1])) for r in rows]

    async def delete_threads(self, threads: list[tuple[str, str]]) -> int:
        """The conversations' turns, summaries, and what other components keep about them (their notes,
        tags: ``DESCRIBING_TABLES``), in one transaction; the number of turns deleted."""
        deleted = 0
        async with self.db.transaction() as tx:
            describing = await _existing_tables(tx, self.db.dialect.engine, DESCRIBING_TABLES)
            for key in threads:
                deleted += await tx.execute(
                    "DELETE FROM transcript_turns WHERE store_hash = ? AND thread_id = ?", key
                )
                for table in ("transcript_threads", "transcript_thread_tools", "transcript_thread_keys",
                              *describing):  # fmt: skip
                    await tx.execute(f"DELETE FROM {table} WHERE store_hash = ? AND thread_id = ?", key)
        return deleted

    async def aclose(self) -> None:
        await self.db.aclose()


def sqlite_path(folder: Path) -> Path:
    return folder / FILE_NAME


def may_have_transcripts(settings: Settings, folder: Path) -> bool:
    """Whether a store may have transcripts: always on PostgreSQL, else when its file exists (reading
    must not create an empty one)."""
    return is_postgres_url(settings.database_url) or sqlite_path(folder).exists()


class NotTranscripts(ValueError):
    """A file given as a transcript file is not one."""


async def open_transcript_file(path: Path | str, *, create: bool = True) -> Transcripts:
    """Transcripts in the SQLite file ``path``, whatever the settings say: an eval's recording, a test
    (created and migrated when needed), or an export's ``--db`` (``create=False``: an existing
    transcript file, never written to; :class:`NotTranscripts` when it is not one). Close with
    ``await aclose()``."""
    try:
        db = await SqliteDatabase.open(path, durable=False)
    except sqlite3.DatabaseError:
        raise NotTranscripts(f"{path} is not a transcript file") from None
    try:
        if create:
            await migrate(db, TRANSCRIPTS)
        else:
            async with db.transaction(readonly=True) as tx:
                await tx.fetchone("SELECT seq, record FROM transcript_turns LIMIT 1")
    except sqlite3.DatabaseError:
        await db.aclose()
        raise NotTranscripts(f"{path} is not a transcript file") from None
    except BaseException:
        await db.aclose()
        raise
    return Transcripts(db)


async def transcripts_for(settings: Settings, folder: Path) -> Transcripts:
    """The transcripts the settings name, migrated: PostgreSQL when configured, else
    ``transcripts.sqlite`` in the store's ``folder``. Close with ``await aclose()``."""
    db = await open_database(
        settings,
        sqlite_path(folder),
        name="transcripts",
        what="the transcripts",
        components=[TRANSCRIPTS],
        durable=False,  # no disk wait in the turn: a crash may lose the last moments, never corrupt them
    )
    return Transcripts(db)


@asynccontextmanager
async def open_transcripts(settings: Settings, folder: Path) -> AsyncIterator[Transcripts]:
    """:func:`transcripts_for`, closed on exit."""
    transcripts = await transcripts_for(settings, folder)
    try:
        yield transcripts
    finally:
        await transcripts.aclose()


__all__ = [
    "ALL",
    "FILE_NAME",
    "STATUSES",
    "TRANSCRIPTS",
    "NotTranscripts",
    "Query",
    "TranscriptStore",
    "Transcripts",
    "may_have_transcripts",
    "merged_summary",
    "open_transcript_file",
    "open_transcripts",
    "search_text",
    "sqlite_path",
    "transcripts_for",
]
