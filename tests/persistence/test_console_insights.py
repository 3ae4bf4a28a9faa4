"""The console's insights on both engines: the figures equal what the transcripts hold (resolved means no
handoff and no error, store failures included), turn times from the turns, tools counted per conversation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from agent.console.insights import insights_of
from agent.persistence.transcripts import open_transcripts
from agent.settings import Settings
from tests.persistence.test_transcript_finding import START, call, exchange, turn


async def test_insights_count_what_the_transcripts_hold(settings: Settings, tmp_path: Path) -> None:
    turns = [
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
    ]
    async with open_transcripts(settings, tmp_path) as transcripts:
        for each in turns:
            await transcripts.add(each)
        view = await insights_of(transcripts, "abc", START - timedelta(days=30))
    figures = view["figures"]
    assert figures["conversations"] == 3 and figures["turns"] == 4
    assert figures["handoffs"] == 1 and figures["with_errors"] == 1 and figures["resolved"] == 1
    assert figures["resolution_rate"] == 33.3
    assert figures["p50_ms"] == 300 and figures["p95_ms"] == 5000  # of 100, 200, 300, 5000
    tools = {t["tool"]: t["conversations"] for t in view["top_tools"]}
    assert tools == {"get_order_information": 1, "transfer_to_human": 1, "get_product_information": 1}
    assert "conversations,3" in view["csv"]
