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

from ..transcripts.dead_ends import MARKERS
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

# Version 2: what finds a conversation again. Store failures count as errors; lockouts, the slowest
# turn, the first message and the customer's email are kept on the summary; the keys a shopper knows
# (customer, email, order number, code) get a table like the tools'. Conversations recorded before keep
# the defaults (no first message, no keys) until their next turn.
_FINDING = """
ALTER TABLE transcript_threads ADD COLUMN store_errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transcript_threads ADD COLUMN lockout {flag} NOT NULL DEFAULT {false};
ALTER TABLE transcript_threads ADD COLUMN slowest_ms {real} NOT NULL DEFAULT 0;
ALTER TABLE transcript_threads ADD COLUMN first_message TEXT;
ALTER TABLE transcript_threads ADD COLUMN customer_email TEXT;
CREATE INDEX IF NOT EXISTS transcript_threads_store_failed ON transcript_threads (store_hash, last_at)
    WHERE errors > 0 OR store_errors > 0;
CREATE INDEX IF NOT EXISTS transcript_threads_store_lockout ON transcript_threads (store_hash, last_at)
    WHERE {lockout};
CREATE INDEX IF NOT EXISTS transcript_threads_store_slowest ON transcript_threads (store_hash, slowest_ms);
CREATE INDEX IF NOT EXISTS transcript_threads_store_surface ON transcript_threads (store_hash, surface, last_at);
CREATE TABLE IF NOT EXISTS transcript_thread_keys (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    last_at {time} NOT NULL,
    PRIMARY KEY (kind, value, store_hash, thread_id)
);
CREATE INDEX IF NOT EXISTS transcript_thread_keys_last ON transcript_thread_keys (kind, value, last_at);
CREATE INDEX IF NOT EXISTS transcript_thread_keys_thread ON transcript_thread_keys (store_hash, thread_id)
"""

# Version 3: the conversation's dead ends (``agent.transcripts.dead_ends``), counted per conversation so
# the insights' resolution rate reads the summary alone. Conversations recorded before are backfilled
# here from their turns, with the same test in SQL: a shopper's message (not blank), no handoff, and a
# reply holding one of the assistant's "could not answer" sentences (the turns' ``search_text`` holds the
# sentence first: only those turns' records are parsed, the CASE keeping that order on PostgreSQL).
_DEAD_ENDS = """
ALTER TABLE transcript_threads ADD COLUMN dead_ends INTEGER NOT NULL DEFAULT 0;
UPDATE transcript_threads SET dead_ends = d.n FROM (
    SELECT store_hash, thread_id, count(*) AS n FROM transcript_turns
    WHERE CASE WHEN ({said}) THEN ({dead_end}) ELSE FALSE END
    GROUP BY store_hash, thread_id
) AS d WHERE transcript_threads.store_hash = d.store_hash AND transcript_threads.thread_id = d.thread_id
"""


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _holds_a_marker(column: str) -> str:
    """SQL: ``column`` (lower-cased text) holds one of the dead-end sentences (constants, quoted here)."""
    return " OR ".join(
        f"{column} LIKE '{like_pattern(marker).replace(chr(39), chr(39) * 2)}' ESCAPE '\\'"
        for marker in MARKERS
    )


def _dead_end_sql(engine: Engine) -> str:
    """Migration 3 for ``engine``: ``is_dead_end`` spelled over a turn's JSON record."""
    if engine == "postgresql":
        replies = _holds_a_marker("lower((record::json -> 'replies')::text)")
        dead_end = (
            "record::json ->> 'kind' = 'message' "
            "AND btrim(coalesce(record::json ->> 'text', ''), E' \\t\\n\\r') <> '' "
            f"AND ({replies}) "
            "AND NOT EXISTS (SELECT 1 FROM json_array_elements(record::json -> 'tool_calls') AS c "
            "WHERE c ->> 'name' = 'transfer_to_human')"
        )
    else:
        replies = _holds_a_marker("lower(json_extract(record, '$.replies'))")
        dead_end = (
            "json_extract(record, '$.kind') = 'message' "
            "AND trim(coalesce(json_extract(record, '$.text'), ''), ' ' || char(9, 10, 13)) <> '' "
            f"AND ({replies}) "
            "AND NOT EXISTS (SELECT 1 FROM json_each(record, '$.tool_calls') AS c "
            "WHERE json_extract(c.value, '$.name') = 'transfer_to_human')"
        )
    return _DEAD_ENDS.format(said=_holds_a_marker("search_text"), dead_end=dead_end)


# transcript_thread_tools.last_at (and the keys') is the conversation's last_at, so "by tool, newest
# first" reads one index
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
            ),
            (2, _FINDING.format(flag="INTEGER", false="0", real="REAL", time="TEXT", lockout="lockout = 1")),
            (3, _dead_end_sql("sqlite")),
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
            ),
            (
                2,
                _FINDING.format(
                    flag="BOOLEAN",
                    false="FALSE",
                    real="DOUBLE PRECISION",
                    time="TIMESTAMPTZ",
                    lockout="lockout",
                ),
            ),
            (3, _dead_end_sql("postgresql")),
        ],
    },
)

# What other components keep about a conversation, keyed by (store_hash, thread_id): deleted with it when
# it is pruned, in the same transaction, where they exist (``conversation_notes`` and ``question_vectors``
# make them when the console first opens a store's conversations)
DESCRIBING_TABLES = (
    "conversation_notes",
    "conversation_note_history",
    "conversation_tags",
    "question_vectors",
)

THREAD_COLUMNS = (
    "store_hash, thread_id, first_at, last_at, surface, turns, routes, tools, handoff, "
    "grounding_replacements, errors, customer_id, store_errors, lockout, slowest_ms, first_message, "
    "customer_email, dead_ends"
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
), keys AS (
    INSERT INTO transcript_thread_keys AS tk (kind, value, store_hash, thread_id, last_at)
    SELECT k.kind, k.value, ?, ?, ? FROM unnest(?::text[], ?::text[]) AS k(kind, value)
    ON CONFLICT (kind, value, store_hash, thread_id) DO UPDATE SET last_at = GREATEST(tk.last_at, EXCLUDED.last_at)
), other_keys AS (
    UPDATE transcript_thread_keys SET last_at = GREATEST(last_at, ?)
    WHERE store_hash = ? AND thread_id = ? AND NOT ((kind || ':' || value) = ANY(?::text[]))
)
INSERT INTO transcript_threads AS t (store_hash, thread_id, first_at, last_at, surface, turns, routes,
    tools, handoff, grounding_replacements, errors, customer_id, store_errors, lockout, slowest_ms,
    first_message, customer_email, dead_ends)
VALUES (?, ?, ?, ?, ?, 1, ?::text[], ?::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
    customer_id = COALESCE(EXCLUDED.customer_id, t.customer_id),
    store_errors = t.store_errors + EXCLUDED.store_errors,
    lockout = t.lockout OR EXCLUDED.lockout,
    slowest_ms = GREATEST(t.slowest_ms, EXCLUDED.slowest_ms),
    first_message = CASE WHEN t.first_message IS NULL OR EXCLUDED.first_at < t.first_at
        THEN COALESCE(EXCLUDED.first_message, t.first_message) ELSE t.first_message END,
    customer_email = COALESCE(EXCLUDED.customer_email, t.customer_email),
    dead_ends = t.dead_ends + EXCLUDED.dead_ends
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
    keys: tuple[tuple[str, str], ...] = ()  # (kind, value): customer, email, order, code (facets.py)
    slower_than_ms: float | None = None  # the slowest turn took at least this long
    surface: str | None = None
    status: str | None = None  # ok | error | handoff | lockout
    thread_prefix: str | None = None
    thread_ids: tuple[str, ...] | None = None  # only these conversations (a tag's, from the console)


STATUSES = ("ok", "error", "handoff", "lockout")
ALL = Query()


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
    handoff = "th.handoff" if engine == "postgresql" else "th.handoff = 1"
    lockout = "th.lockout" if engine == "postgresql" else "th.lockout = 1"
    failed = "(th.errors > 0 OR th.store_errors > 0)"
    status = query.status
    if status is not None and status not in STATUSES:
        raise ValueError(f"--status must be one of {', '.join(STATUSES)}, not {status!r}")
    if query.handoff or status == "handoff":  # spelled as the partial indexes are, so the planner uses them
        where.append(handoff)
    if query.errors or status == "error":
        where.append(failed)
    if status == "lockout":
        where.append(lockout)
    if status == "ok":
        where.append(f"th.errors = 0 AND th.store_errors = 0 AND NOT {handoff} AND NOT {lockout}")
    if query.surface:
        where.append("th.surface = ?")
        params.append(query.surface)
    if query.slower_than_ms is not None:
        where.append("th.slowest_ms >= ?")
        params.append(float(query.slower_than_ms))
    if query.thread_prefix:
        if engine == "sqlite":  # a range of the primary key (binary collation), then the exact test
            where.append("th.thread_id >= ? AND th.thread_id < ?")
            params += [query.thread_prefix, query.thread_prefix + "\U0010ffff"]
        where.append("substr(th.thread_id, 1, ?) = ?")
        params += [len(query.thread_prefix), query.thread_prefix]
    if query.thread_ids is not None:
        if not query.thread_ids:
            where.append("1 = 0")
        else:
            where.append(f"th.thread_id IN ({', '.join('?' for _ in query.thread_ids)})")
            params += list(query.thread_ids)
    source, order = "transcript_threads th", "th.last_at"
    keys = list(query.keys)
    if query.tool:  # walk the tool's index newest first
        source = (
            "transcript_thread_tools tt JOIN transcript_threads th "
            "ON th.store_hash = tt.store_hash AND th.thread_id = tt.thread_id"
        )
        order = "tt.last_at"
        where.insert(0, "tt.tool = ?")
        params.insert(0, query.tool)
    elif keys:  # walk the first key's index newest first
        kind, value = keys.pop(0)
        source = (
            "transcript_thread_keys tk JOIN transcript_threads th "
            "ON th.store_hash = tk.store_hash AND th.thread_id = tk.thread_id"
        )
        order = "tk.last_at"
        where[:0] = ["tk.kind = ?", "tk.value = ?"]
        params[:0] = [kind, value]
    for kind, value in keys:  # the other keys: one primary-key probe each
        where.append(
            "EXISTS (SELECT 1 FROM transcript_thread_keys k WHERE k.kind = ? AND k.value = ? "
            "AND k.store_hash = th.store_hash AND k.thread_id = th.thread_id)"
        )
        params += [kind, value]
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
