"""Where transcripts are kept: one small interface, two implementations (SQLite under the store's
folder by default, PostgreSQL when ``BCAGENT_DATABASE_URL`` is a ``postgresql://`` URL).

Each turn is one row (the record as JSON plus the columns searches need); each conversation has a
summary row (first and last time, turns, routes, tools, handoff, grounding replacements, errors),
kept up to date in the same transaction, so listing conversations reads one small indexed table.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..settings import Settings
from .records import ThreadSummary, TurnRecord

FILE_NAME = "transcripts.sqlite"


@dataclass(frozen=True)
class Query:
    """Which turns or conversations to read. Times are UTC; ``since`` inclusive, ``until`` exclusive.
    For conversations, ``since`` / ``until`` apply to the last turn; the other filters to any turn."""

    store_hash: str | None = None
    thread_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    tool: str | None = None
    handoff: bool = False
    errors: bool = False
    grep: str | None = None
    limit: int | None = None


ALL = Query()


class TranscriptStore(ABC):
    """The interface both backends implement."""

    @abstractmethod
    async def setup(self) -> None:
        """Create the tables and indexes if they are missing (idempotent)."""

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


def iso(moment: datetime) -> str:
    """The one timestamp spelling of transcripts: UTC, microseconds, ``Z`` (sorts as text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


_AGE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """``30d``, ``12h``, ``90m``, ``2w``, ``45s`` -> a duration (ValueError with the accepted forms)."""
    match = _AGE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an age: use a number and a unit, e.g. 30d, 12h, 90m, 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``2d`` (that long ago) or an ISO date / time (UTC unless it says otherwise)."""
    now = now or datetime.now(UTC)
    if _AGE.match(text):
        return now - parse_age(text)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is neither an age (2d, 12h) nor an ISO date or time (2026-11-30, 2026-11-30T08:00)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
        )
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
    )


def search_text(turn: TurnRecord) -> str:
    """What ``grep`` searches: the shopper's words and the replies, lower-cased."""
    parts = [turn.text or "", *turn.replies, *(g.original for g in turn.grounding)]
    return "\n".join(parts).lower()


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Dialect:
    """How one database writes the listing queries: its parameter mark, how a time is passed, a table's
    name as written in SQL, a true boolean column, and a LIKE that escapes ``like_pattern``'s escapes."""

    mark: str
    time: Callable[[datetime], Any]
    table: Callable[[str], str]
    flag: Callable[[str], str]
    like: str


def turns_sql(query: Query, d: Dialect) -> tuple[str, list[Any]]:
    """The SELECT of the turns ``query`` asks for (their JSON records, oldest first), and its parameters."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("store_hash", query.store_hash), ("thread_id", query.thread_id)):
        if value:
            where.append(f"{column} = {d.mark}")
            params.append(value)
    if query.since:
        where.append(f"started_at >= {d.mark}")
        params.append(d.time(query.since))
    if query.until:
        where.append(f"started_at < {d.mark}")
        params.append(d.time(query.until))
    text = f"SELECT record FROM {d.table('transcript_turns')}"
    if where:
        text += " WHERE " + " AND ".join(where)
    text += " ORDER BY started_at, seq"
    if query.limit:
        text += f" LIMIT {int(query.limit)}"
    return text, params


def threads_sql(query: Query, d: Dialect, columns: str) -> tuple[str, list[Any]]:
    """The SELECT of the conversations ``query`` asks for (``columns`` of ``transcript_threads``, newest
    first), and its parameters."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("th.store_hash", query.store_hash), ("th.thread_id", query.thread_id)):
        if value:
            where.append(f"{column} = {d.mark}")
            params.append(value)
    if query.since:
        where.append(f"th.last_at >= {d.mark}")
        params.append(d.time(query.since))
    if query.until:
        where.append(f"th.last_at < {d.mark}")
        params.append(d.time(query.until))
    if query.handoff:
        where.append(d.flag("th.handoff"))
    if query.errors:
        where.append("th.errors > 0")
    source, order = f"{d.table('transcript_threads')} th", "th.last_at"
    if query.tool:  # walk the tool's index newest first
        source = (
            f"{d.table('transcript_thread_tools')} tt JOIN {d.table('transcript_threads')} th "
            "ON th.store_hash = tt.store_hash AND th.thread_id = tt.thread_id"
        )
        order = "tt.last_at"
        where.insert(0, f"tt.tool = {d.mark}")
        params.insert(0, query.tool)
    if query.grep:
        where.append(  # one scan of the turns, not one per conversation
            "(th.store_hash, th.thread_id) IN (SELECT t.store_hash, t.thread_id "
            f"FROM {d.table('transcript_turns')} t WHERE t.search_text {d.like})"
        )
        params.append(like_pattern(query.grep))
    selected = ", ".join(f"th.{c.strip()}" for c in columns.split(","))
    text = f"SELECT {selected} FROM {source}"
    if where:
        text += " WHERE " + " AND ".join(where)
    text += f" ORDER BY {order} DESC"
    if query.limit:
        text += f" LIMIT {int(query.limit)}"
    return text, params


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def sqlite_path(folder: Path) -> Path:
    return folder / FILE_NAME


@asynccontextmanager
async def open_transcripts(settings: Settings, folder: Path) -> AsyncIterator[TranscriptStore]:
    """The transcript store the settings name (schema created), closed on exit."""
    store: TranscriptStore
    if is_postgres(settings.database_url):
        from .postgres import PostgresTranscripts

        store = PostgresTranscripts(str(settings.database_url))
    else:
        from .sqlite import SqliteTranscripts

        store = SqliteTranscripts(sqlite_path(folder))
    try:
        await store.setup()
        yield store
    finally:
        await store.aclose()
