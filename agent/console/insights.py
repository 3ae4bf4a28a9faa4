"""Insights of one store over a period, computed in SQL over the transcripts' per-conversation summaries
(``transcript_threads`` and ``transcript_thread_tools``: indexed by store and time, so a period of
100,000 conversations is one indexed scan on either engine).

Definitions (shown on the page): a conversation is **resolved** when it ended without a handoff, without a
dead end and without an error. A **dead end** is a shopper's message the assistant could not answer and
did not hand to a person (``agent.transcripts.dead_ends``: "I can't help with that", "I'm not sure I
understood", a switched-off tool, nothing in the store's pages or products); an **error** a store failure
(5xx, 429 after retries, no answer) or an exception. The **handoff rate** is conversations with a handoff
over all; turn times are the p50/p95 of the most recent 2,000 turns of the period.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from ..persistence import timestamps
from ..persistence.transcripts import Transcripts, open_transcripts
from ..settings import Settings
from ..store.connections import ConnectionStore

TIMED_TURNS = 2000


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def insights_view(settings: Settings, store_hash: str, since: datetime) -> dict[str, Any]:
    folder = ConnectionStore(settings.home).folder(store_hash)
    async with open_transcripts(settings, folder) as transcripts:
        return await insights_of(transcripts, store_hash, since)


async def insights_of(transcripts: Transcripts, store_hash: str, since: datetime) -> dict[str, Any]:
    """The figures of ``store_hash`` since ``since`` (see the module's definitions), and their CSV."""
    db = transcripts.db
    postgres = db.dialect.engine == "postgresql"
    bound: Any = since if postgres else timestamps.precise(since)
    handoff = "handoff" if postgres else "handoff = 1"
    # SQLite would pick the (store, thread) index and sort every turn of the store: name the time index
    by_time = "" if postgres else "INDEXED BY transcript_turns_time"
    total_ms = (
        "(record::json -> 'timings' ->> 'total_ms')::float"
        if postgres
        else "json_extract(record, '$.timings.total_ms')"
    )
    async with db.transaction(readonly=True) as tx:
        row = await tx.fetchone(
            "SELECT count(*), coalesce(sum(turns), 0), "
            f"coalesce(sum(CASE WHEN {handoff} THEN 1 ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN errors > 0 OR store_errors > 0 THEN 1 ELSE 0 END), 0), "
            f"coalesce(sum(CASE WHEN NOT ({handoff}) AND errors = 0 AND store_errors = 0 AND dead_ends = 0 "
            "THEN 1 ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN dead_ends > 0 THEN 1 ELSE 0 END), 0), coalesce(sum(dead_ends), 0) "
            "FROM transcript_threads WHERE store_hash = ? AND last_at >= ?",
            (store_hash, bound),
        )
        tools = await tx.fetchall(
            "SELECT tool, count(*) FROM transcript_thread_tools WHERE store_hash = ? AND last_at >= ? "
            "GROUP BY tool ORDER BY count(*) DESC, tool LIMIT 10",
            (store_hash, bound),
        )
        recent = await tx.fetchall(
            f"SELECT {total_ms} FROM transcript_turns {by_time} WHERE store_hash = ? AND started_at >= ? "
            "ORDER BY started_at DESC LIMIT ?",  # the time index from the newest: stops at the limit
            (store_hash, bound, TIMED_TURNS),
        )
    conversations, turns, handoffs, errors, resolved, dead_end_conversations, dead_ends = (
        int(v) for v in (row or (0,) * 7)
    )
    times = [float(r[0] or 0.0) for r in recent]

    def rate(part: int) -> float:
        return round(100.0 * part / conversations, 1) if conversations else 0.0

    figures = {
        "conversations": conversations,
        "turns": turns,
        "resolved": resolved,
        "resolution_rate": rate(resolved),
        "handoffs": handoffs,
        "handoff_rate": rate(handoffs),
        "with_errors": errors,
        "with_dead_ends": dead_end_conversations,
        "dead_end_rate": rate(dead_end_conversations),
        "dead_ends": dead_ends,
        "p50_ms": round(_percentile(times, 0.5)),
        "p95_ms": round(_percentile(times, 0.95)),
    }
    top_tools = [{"tool": str(t[0]), "conversations": int(t[1])} for t in tools]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "value"])
    for key, value in figures.items():
        writer.writerow([key, value])
    for tool in top_tools:
        writer.writerow([f"tool:{tool['tool']}", tool["conversations"]])
    return {"figures": figures, "top_tools": top_tools, "csv": out.getvalue()}
