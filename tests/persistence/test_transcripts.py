"""The transcripts repository on both engines: times come back spelled as the record spells them, and a
database whose transcript tables an earlier release made (no version row) is adopted in place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from agent.persistence import schema_version, timestamps
from agent.persistence.transcripts import Query, open_transcripts
from agent.settings import Settings
from agent.transcripts import ToolCallRecord, TurnRecord

VERSION_2_INDEXES = (
    "transcript_threads_store_failed",
    "transcript_threads_store_lockout",
    "transcript_threads_store_slowest",
    "transcript_threads_store_surface",
)
VERSION_2_COLUMNS = ("store_errors", "lockout", "slowest_ms", "first_message", "customer_email")


def turn(thread: str, started: datetime, tool: str = "get_order_information") -> TurnRecord:
    return TurnRecord(
        turn_id=f"{thread}-{started.timestamp()}",
        request_id="r",
        store_hash="abc",
        thread_id=thread,
        started_at=timestamps.precise(started),
        surface="chat",
        text="Where is my order 12345?",
        routes=["order_management"],
        tool_calls=[ToolCallRecord(id="c1", name=tool)],
    )


async def test_times_read_back_as_the_records_spell_them(settings: Settings, tmp_path: Path) -> None:
    first = turn("t1", datetime(2026, 12, 1, 13, 33, 16, 172421, tzinfo=UTC))
    second = turn("t1", datetime(2026, 12, 1, 13, 34, 0, 5, tzinfo=UTC), tool="cancel_order")
    async with open_transcripts(settings, tmp_path) as transcripts:
        await transcripts.add(first)
        await transcripts.add(second)
        assert [t.started_at for t in await transcripts.turns(Query(thread_id="t1"))] == [
            "2026-12-01T13:33:16.172421Z",
            "2026-12-01T13:34:00.000005Z",
        ]
        (summary,) = await transcripts.threads(Query(tool="cancel_order"))
        assert (summary.first_at, summary.last_at) == (first.started_at, second.started_at)
        assert summary.tools == ["get_order_information", "cancel_order"] and summary.turns == 2
        since = datetime(2026, 12, 1, 13, 34, tzinfo=UTC)
        assert [t.turn_id for t in await transcripts.turns(Query(since=since))] == [second.turn_id]


async def test_tables_made_by_an_earlier_release_are_adopted_in_place(
    settings: Settings, tmp_path: Path
) -> None:
    kept = turn("old", datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC))
    async with open_transcripts(settings, tmp_path) as transcripts:
        await transcripts.add(kept)
        async with transcripts.db.transaction() as tx:  # as the stores before the migration runner left it
            await tx.execute("DELETE FROM bcagent_schema_version WHERE component = 'transcripts'")
            for name in VERSION_2_INDEXES:  # and without what version 2 adds
                await tx.execute(f"DROP INDEX {name}")
            await tx.execute("DROP TABLE transcript_thread_keys")
            for column in (*VERSION_2_COLUMNS, "dead_ends"):  # and version 3's
                await tx.execute(f"ALTER TABLE transcript_threads DROP COLUMN {column}")
        assert await schema_version(transcripts.db, "transcripts") == 0
    async with open_transcripts(settings, tmp_path) as transcripts:
        assert await schema_version(transcripts.db, "transcripts") == 3
        assert [t.turn_id for t in await transcripts.turns()] == [kept.turn_id]
        await transcripts.add(turn("old", datetime(2026, 1, 2, 3, 5, tzinfo=UTC)))
        (summary,) = await transcripts.threads()
        assert summary.turns == 2
