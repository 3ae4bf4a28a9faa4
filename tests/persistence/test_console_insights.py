"""The console's insights on both engines: the figures equal what the transcripts hold (resolved means no
handoff, no dead end and no error, store failures included), turn times from the turns, tools counted per
conversation; the dead ends of conversations recorded before schema version 3 are counted by the
migration as the recorder counts them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from agent.console.insights import insights_of
from agent.models.capabilities import cannot_help_sentence
from agent.persistence import schema_version, timestamps
from agent.persistence.transcripts import Query, open_transcripts
from agent.settings import Settings
from agent.transcripts import ToolCallRecord, TurnRecord, facets
from agent.transcripts.dead_ends import is_dead_end
from tests.persistence.test_transcript_finding import START, call, exchange, turn

CANNOT = cannot_help_sentence(["get_order_information"])


def replied(record: TurnRecord, *replies: str) -> TurnRecord:
    record.replies = list(replies)
    return record


def recorded_turns() -> list[TurnRecord]:
    confirmation = replied(turn("t-confirmed", 9, text="yes"), "I couldn't find that product.")
    confirmation.kind = "confirmation"  # not a shopper's question: no dead end
    return [
        turn("t-ok", 1, calls=[call("get_order_information", order_id="12345")], total_ms=100.0),
        turn("t-ok", 2, calls=[call("get_order_information", order_id="12345")], total_ms=300.0),
        turn("t-handoff", 3, calls=[call("transfer_to_human")], total_ms=200.0),
        turn(
            "t-store-failure",
            4,
            calls=[call("get_product_information", status="unavailable")],
            requests=[exchange(0, 503)],
            total_ms=5000.0,
        ),
        turn("t-old", -60 * 24 * 40, total_ms=9999.0),  # 40 days before: outside the period
        # two dead ends in one conversation, then an answer: still not resolved
        replied(turn("t-dead", 5, text="Do you ship to Canada?"), CANNOT),
        replied(
            turn("t-dead", 6, text="gift wrap?"), "Sorry, I'm not sure I understood. Could you rephrase?"
        ),
        replied(turn("t-dead", 7, text="ok thanks"), "You're welcome!"),
        # the shopper's own words hold the sentence, the reply does not: no dead end
        replied(turn("t-quoted", 8, text="you said i couldn't find that product?"), "Here it is: Gloves."),
        confirmation,
        # "can't help" but handed to a person: a handoff, no dead end
        replied(turn("t-handed", 10, calls=[call("transfer_to_human")]), CANNOT),
        replied(turn("t-blank", 11, text="  "), CANNOT),  # nothing asked: no dead end
    ]


def counted(turns: list[TurnRecord], period_start: str) -> dict[str, int]:
    """The figures counted directly from the turns, without the summary table."""
    threads: dict[str, list[TurnRecord]] = {}
    for each in turns:
        threads.setdefault(each.thread_id, []).append(each)
    threads = {k: v for k, v in threads.items() if max(t.started_at for t in v) >= period_start}
    dead = {k: sum(is_dead_end(t) for t in v) for k, v in threads.items()}
    handed = {k for k, v in threads.items() if any(t.handoff for t in v)}
    failed = {k for k, v in threads.items() if any(t.error or facets.has_store_failure(t) for t in v)}
    return {
        "conversations": len(threads),
        "turns": sum(len(v) for v in threads.values()),
        "handoffs": len(handed),
        "with_errors": len(failed),
        "with_dead_ends": sum(1 for n in dead.values() if n),
        "dead_ends": sum(dead.values()),
        "resolved": sum(1 for k in threads if k not in handed and k not in failed and not dead[k]),
    }


async def test_insights_count_what_the_transcripts_hold(settings: Settings, tmp_path: Path) -> None:
    turns = recorded_turns()
    since = START - timedelta(days=30)
    async with open_transcripts(settings, tmp_path) as transcripts:
        for each in turns:
            await transcripts.add(each)
        view = await insights_of(transcripts, "abc", since)
    figures = view["figures"]
    expected = counted(turns, timestamps.precise(since))
    assert {key: figures[key] for key in expected} == expected
    assert figures["conversations"] == 8 and figures["turns"] == 11
    assert figures["handoffs"] == 2 and figures["with_errors"] == 1
    assert figures["with_dead_ends"] == 1 and figures["dead_ends"] == 2 and figures["resolved"] == 4
    assert figures["resolution_rate"] == 50.0 and figures["dead_end_rate"] == 12.5
    assert figures["p50_ms"] == 40 and figures["p95_ms"] == 5000
    tools = {t["tool"]: t["conversations"] for t in view["top_tools"]}
    assert tools == {"get_order_information": 1, "transfer_to_human": 2, "get_product_information": 1}
    assert "conversations,8" in view["csv"] and "dead_ends,2" in view["csv"]


async def test_the_migration_counts_the_dead_ends_recorded_before(settings: Settings, tmp_path: Path) -> None:
    turns = recorded_turns()
    async with open_transcripts(settings, tmp_path) as transcripts:
        for each in turns:
            await transcripts.add(each)
        async with transcripts.db.transaction() as tx:  # as version 2 left the tables
            await tx.execute("ALTER TABLE transcript_threads DROP COLUMN dead_ends")
            await tx.execute("UPDATE bcagent_schema_version SET version = 2 WHERE component = 'transcripts'")
    async with open_transcripts(settings, tmp_path) as transcripts:
        assert await schema_version(transcripts.db, "transcripts") == 3
        summaries = {s.thread_id: s.dead_ends for s in await transcripts.threads(Query(store_hash="abc"))}
        await transcripts.add(replied(turn("t-dead", 12, text="engraving?"), CANNOT))  # counted on from there
        (after,) = await transcripts.threads(Query(store_hash="abc", thread_id="t-dead"))
    expected = {t.thread_id: 0 for t in turns}
    for each in turns:
        expected[each.thread_id] += is_dead_end(each)
    assert summaries == expected and summaries["t-dead"] == 2
    assert after.dead_ends == 3


def test_a_handoff_is_no_dead_end() -> None:
    handed = replied(turn("t", 1), CANNOT)
    handed.tool_calls = [ToolCallRecord(id="h", name="transfer_to_human")]
    assert not is_dead_end(handed) and is_dead_end(replied(turn("t", 2), CANNOT))
