"""The SQL of the transcripts: their tables (component ``transcripts``) and the listing queries.

Migration 1 is the schema the separate SQLite and PostgreSQL transcript stores created before this
layer, written with ``IF NOT EXISTS``, so a ``transcripts.sqlite`` file or PostgreSQL tables made by an
earlier release are adopted in place (the migration only records version 1). Queries are written once
with ``?`` marks; what the engines spell differently (a true boolean column) is chosen by engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .database import Engine
from .migrations import Component

_TABLES = """
CREATE TABLE IF NOT EXISTS transcript_turns (
    seq {serial} PRIMARY KEY{autoincrement},
    turn_id TEXT NOT NULL UNIQUE,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    started_at {time} NOT NULL,
    surface TEXT NOT NULL,
    search_text TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transcript_turns_thread ON transcript_turns (store_hash, thread_id, seq);
CREATE INDEX IF NOT EXISTS transcript_turns_time ON transcript_turns (started_at);
CREATE TABLE IF NOT EXISTS transcript_threads (
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    first_at {time} NOT NULL,
    last_at {time} NOT NULL,
    surface TEXT NOT NULL,
    turns INTEGER NOT NULL,
    routes {names} NOT NULL,
    tools {names} NOT NULL,
    handoff {flag} NOT NULL,
    grounding_replacements INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    customer_id {bigint},
    PRIMARY KEY (store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_threads_last ON transcript_threads (last_at);
CREATE INDEX IF NOT EXISTS transcript_threads_store_last ON transcript_threads (store_hash, last_at);
CREATE INDEX IF NOT EXISTS transcript_threads_handoff ON transcript_threads (last_at) WHERE {handoff};
CREATE INDEX IF NOT EXISTS transcript_threads_errors ON transcript_threads (last_at) WHERE errors > 0;
CREATE INDEX IF NOT EXISTS transcript_threads_store_handoff ON transcript_threads (store_hash, last_at)
    WHERE {handoff};
CREATE INDEX IF NOT EXISTS transcript_threads_store_errors ON transcript_threads (store_hash, last_at)
    WHERE errors > 0;
CREATE TABLE IF NOT EXISTS transcript_thread_tools (
    tool TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    last_at {time} NOT NULL,
    PRIMARY KEY (tool, store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_thread_tools_last ON transcript_thread_tools (tool, last_at);
CREATE INDEX IF NOT EXISTS transcript_thread_tools_thread ON transcript_thread_tools (store_hash, thread_id)
"""

# transcript_thread_tools.last_at is the conversation's last_at, so "by tool, newest first" reads one index
TRANSCRIPTS = Component(
    "transcripts",
    {
        "sqlite": [
            (
                1,
                _TABLES.format(
                    serial="INTEGER",
                    autoincrement=" AUTOINCREMENT",
                    time="TEXT",
                    names="TEXT",  # a JSON array
                    flag="INTEGER",
                    bigint="INTEGER",
                    handoff="handoff = 1",
                ),
            )
        ],
        "postgresql": [
            (
                1,
                _TABLES.format(
                    serial="BIGSERIAL",
                    autoincrement="",
                    time="TIMESTAMPTZ",
                    names="TEXT[]",
                    flag="BOOLEAN",
                    bigint="BIGINT",
                    handoff="handoff",
                ),
            )
        ],
    },
)

THREAD_COLUMNS = (
    "store_hash, thread_id, first_at, last_at, surface, turns, routes, tools, handoff, "
    "grounding_replacements, errors, customer_id"
)

# PostgreSQL keeps a turn, its tools and its conversation's summary in one statement (one round trip).
# The arrays keep their first-seen order: unnest WITH ORDINALITY, one row per value, ordered by first place.
_MERGE = (
    "ARRAY(SELECT u.v FROM unnest({old} || {new}) WITH ORDINALITY AS u(v, n) GROUP BY u.v ORDER BY min(u.n))"
)
ADD_POSTGRESQL = (
    """
WITH turn AS (
    INSERT INTO transcript_turns (turn_id, store_hash, thread_id, started_at, surface, search_text, record)
    VALUES (?, ?, ?, ?, ?, ?, ?)
), tools AS (
    INSERT INTO transcript_thread_tools AS tt (tool, store_hash, thread_id, last_at)
    SELECT name, ?, ?, ? FROM unnest(?::text[]) AS name
    ON CONFLICT (tool, store_hash, thread_id) DO UPDATE SET last_at = GREATEST(tt.last_at, EXCLUDED.last_at)
), other_tools AS (
    UPDATE transcript_thread_tools SET last_at = GREATEST(last_at, ?)
    WHERE store_hash = ? AND thread_id = ? AND tool <> ALL(?::text[])
)
INSERT INTO transcript_threads AS t (store_hash, thread_id, first_at, last_at, surface, turns, routes,
    tools, handoff, grounding_replacements, errors, customer_id)
VALUES (?, ?, ?, ?, ?, 1, ?::text[], ?::text[], ?, ?, ?, ?)
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


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _scope(query: Query, prefix: str, time_column: str, time: Any) -> tuple[list[str], list[Any]]:
    """The conditions both listings share: the store, the thread, and ``since`` (inclusive) / ``until``
    (exclusive) on ``time_column``; columns named with ``prefix`` (a table alias, or none)."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("store_hash", query.store_hash), ("thread_id", query.thread_id)):
        if value:
            where.append(f"{prefix}{column} = ?")
            params.append(value)
    if query.since:
        where.append(f"{time_column} >= ?")
        params.append(time(query.since))
    if query.until:
        where.append(f"{time_column} < ?")
        params.append(time(query.until))
    return where, params


def turns_sql(query: Query, time: Any) -> tuple[str, list[Any]]:
    """The SELECT of the turns ``query`` asks for (their JSON records, oldest first), and its parameters.
    ``time`` turns a ``datetime`` into the engine's parameter."""
    where, params = _scope(query, "", "started_at", time)
    text = "SELECT record FROM transcript_turns"
    if where:
        text += " WHERE " + " AND ".join(where)
    text += " ORDER BY started_at, seq"
    if query.limit:
        text += f" LIMIT {int(query.limit)}"
    return text, params


def threads_sql(query: Query, engine: Engine, time: Any) -> tuple[str, list[Any]]:
    """The SELECT of the conversations ``query`` asks for (``THREAD_COLUMNS``, newest first), and its
    parameters."""
    where, params = _scope(query, "th.", "th.last_at", time)
    if query.handoff:  # spelled as the partial indexes are, so the planner uses them
        where.append("th.handoff" if engine == "postgresql" else "th.handoff = 1")
    if query.errors:
        where.append("th.errors > 0")
    source, order = "transcript_threads th", "th.last_at"
    if query.tool:  # walk the tool's index newest first
        source = (
            "transcript_thread_tools tt JOIN transcript_threads th "
            "ON th.store_hash = tt.store_hash AND th.thread_id = tt.thread_id"
        )
        order = "tt.last_at"
        where.insert(0, "tt.tool = ?")
        params.insert(0, query.tool)
    if query.grep:
        where.append(  # one scan of the turns, not one per conversation
            "(th.store_hash, th.thread_id) IN (SELECT t.store_hash, t.thread_id "
            "FROM transcript_turns t WHERE t.search_text LIKE ? ESCAPE '\\')"
        )
        params.append(like_pattern(query.grep))
    selected = ", ".join(f"th.{c.strip()}" for c in THREAD_COLUMNS.split(","))
    text = f"SELECT {selected} FROM {source}"
    if where:
        text += " WHERE " + " AND ".join(where)
    text += f" ORDER BY {order} DESC"
    if query.limit:
        text += f" LIMIT {int(query.limit)}"
    return text, params
