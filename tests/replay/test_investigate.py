"""Working a complaint with `bcagent replay`, on a conversation recorded through the real graph: find it
by what the shopper knows, see store failures as errors, export it redacted and replay it clean, pin
the expected behaviour so the recording fails, write it as an eval scenario, replay an eval run's
conversation, and learn why a replay diverged when the store changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.cli import main
from agent.cli import replay as cli_replay
from agent.models.intents import NLU
from agent.persistence.transcripts import Query, open_transcript_file, open_transcripts
from agent.replay.recording import Recording, from_turns, read
from agent.replay.runner import ReplayOptions, replay
from agent.settings import LLMSettings, Settings
from agent.store.connections import ConnectionStore
from agent.transcripts import Exchange, Timings, TurnRecord
from evals.scenario import load_file
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, generate_demo_store
from sandbox.state import SandboxStore
from tests.fakes.openai_server import FakeOpenAIServer
from tests.transcripts.conftest import Recorded
from tests.transcripts.conversation import converse

THREAD = "complaint-7f3a9c"

pytestmark = pytest.mark.slow


@pytest.fixture
async def talked(recorded: Recorded, home: Path, nlu: NLU, monkeypatch: pytest.MonkeyPatch) -> Path:
    await converse(recorded.agent, THREAD)
    monkeypatch.setenv("BCAGENT_HOME", str(home))
    monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli_replay, "_nlu", lambda: nlu)
    return home


async def _run(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, argv)


def _never_sent(self: Any, request: httpx.Request) -> Any:
    raise AssertionError(f"a replay sent {request.method} {request.url} over the network")


async def _add_outage(home: Path) -> None:
    """A conversation whose store answered 503 twice: the shopper saw "I can't reach the store"."""
    folder = ConnectionStore(home).folder(DEMO_STORE_HASH)
    async with open_transcripts(Settings(home=home), folder) as transcripts:
        await transcripts.add(
            TurnRecord(
                turn_id="outage-1",
                request_id="outage-1",
                store_hash=DEMO_STORE_HASH,
                thread_id="outage-thread-0001",
                started_at="2026-12-01T10:00:00.000000Z",
                surface="serve",
                text="where is 12399?",
                requests=[
                    Exchange(index=0, method="GET", path="/v2/orders/12399", status=503),
                    Exchange(index=1, method="GET", path="/v2/orders/12399", status=503),
                ],
                timings=Timings(total_ms=71_000.0),
            )
        )


async def test_find_by_what_the_shopper_knows(talked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await _add_outage(talked)
    assert await _run(["replay", "list"]) == 0
    out = capsys.readouterr().out
    assert "j***@example.com" in out and "jane.doe@example.com" not in out  # masked unless --full
    assert '"Where is my order 12345? My email is j***@example.com"' in out
    assert "outage-thread-00" in out and "error" in out and " 71.0 s" in out
    assert await _run(["replay", "list", "--full"]) == 0
    assert "jane.doe@example.com" in capsys.readouterr().out
    for argv, found in (
        (["--email", "JANE.DOE@example.com"], True),
        (["--order", "#12346"], True),
        (["--order", "12399"], False),  # the outage never reached a tool: the text has no "order" word
        (["--customer", "12"], False),  # not signed in
        (["--status", "ok"], True),
        (["--status", "error"], False),
        (["--errors"], False),
        (["--slow", "60"], False),
        (["--surface", "serve", "--tool", "cancel_order", "--email", "jane.doe@example.com"], True),
    ):
        assert await _run(["replay", "list", *argv]) == 0
        assert (THREAD in capsys.readouterr().out) is found, argv
    assert await _run(["replay", "list", "--status", "error", "--slow", "60", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (
        row["thread_id"] == "outage-thread-0001" and row["status"] == ["error"] and row["store_errors"] == 1
    )
    assert row["slowest_ms"] == 71_000.0 and row["first_message"] == "where is 12399?"

    assert await _run(["replay", "show", "outage-thr"]) == 0  # a unique prefix
    shown = capsys.readouterr().out
    assert "store error: GET /v2/orders/12399 -> 503" in shown and "errors in turn(s) 1" in shown
    assert await _run(["replay", "show", "outag"]) == 2
    assert "at least 6 characters" in capsys.readouterr().err
    assert await _run(["replay", "list", "--order", "none"]) == 2
    assert "--order takes an order number" in capsys.readouterr().err


async def test_redacted_export_replays_clean_then_expectations_fail(
    talked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "evals" / "recordings" / "complaint.jsonl"
    assert await _run(["replay", "export", THREAD[:8], "-o", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Redacted with stable placeholders" in out and "email" in out
    text = path.read_text()
    assert "jane.doe@example.com" not in text and "person1@redacted.example" in text
    assert json.loads(text.splitlines()[0])["redacted"] is True
    assert "1Z999AA10123456784" in text  # facts kept
    plain = tmp_path / "plain.jsonl"
    assert await _run(["replay", "export", THREAD, "-o", str(plain)]) == 0  # elsewhere: as recorded
    assert "jane.doe@example.com" in plain.read_text()

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", _never_sent)
    assert await _run(["replay", "run", str(path)]) == 0  # the placeholders still match
    assert "ok       " in capsys.readouterr().out

    # the complaint: the shopper should never have been shown the tracking number; pin it
    argv = ["replay", "expect", str(path), "--turn", "1", "--reply-excludes", "1Z999AA10123456784"]
    assert await _run([*argv, "--no-tool", "cancel_order", "--route", "order_management"]) == 0
    out = capsys.readouterr().out
    assert "Turn 1 of" in out and "does not (the bad behaviour)" in out
    assert read(path).expectations == [
        {
            "turn": 1,
            "reply_excludes": ["1Z999AA10123456784"],
            "no_tools": ["cancel_order"],
            "route": "order_management",
        }
    ]
    assert await _run(["replay", "run", str(path)]) == 1
    out = capsys.readouterr().out
    assert "DIVERGED" in out and "turn 1: expected reply excludes '1Z999AA10123456784', got reply" in out
    assert "expectations say it should not" in out
    assert await _run(["replay", "run", str(path), "--update"]) == 1  # --update cannot accept it
    capsys.readouterr()
    assert await _run(["replay", "expect", str(path), "--turn", "9", "--route", "respond"]) == 2
    assert "has turns 1 to 4" in capsys.readouterr().err
    assert await _run(["replay", "expect", str(path), "--turn", "1", "--tool", "refund_order"]) == 2
    assert "no tool 'refund_order'" in capsys.readouterr().err
    assert await _run(["replay", "expect", str(path), "--turn", "1", "--clear"]) == 0
    capsys.readouterr()
    assert await _run(["replay", "run", str(path)]) == 0


async def test_to_scenario_and_an_eval_runs_conversation(
    talked: Path, recorded: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "scenario.yaml"
    assert await _run(["replay", "to-scenario", THREAD, "-o", str(scenario)]) == 0
    assert "bcagent eval run" in capsys.readouterr().out
    (loaded,), errors = load_file(scenario)
    assert errors == [] and loaded.scenario.store is None  # the demo store
    turns = loaded.scenario.turns
    assert turns[0].user == "Where is my order 12345? My email is jane.doe@example.com"
    assert turns[-1].user == "yes" and loaded.scenario.context.product_id == 1
    names = [c.name for c in loaded.scenario.expect.tool_calls]
    assert names == ["get_order_information", "get_product_information", "cancel_order"]
    assert loaded.scenario.expect.final_store == {"orders": {"12346": {"status_id": 5}}}

    # an eval run's transcript file (its turns as the eval recorded them), read with --db
    recorded_turns = await recorded.transcripts.turns(Query(store_hash=DEMO_STORE_HASH, thread_id=THREAD))
    db = tmp_path / "eval-run" / "transcripts.sqlite"
    db.parent.mkdir()
    file = await open_transcript_file(db)
    try:
        for turn in recorded_turns:
            turn.thread_id, turn.surface = "eval-order-status-t1", "eval"
            await file.add(turn)
    finally:
        await file.aclose()
    out_file = tmp_path / "from-eval.jsonl"
    assert await _run(["replay", "export", "--db", str(db), "eval-order", "-o", str(out_file)]) == 0
    capsys.readouterr()
    assert read(out_file).thread_id == "eval-order-status-t1"
    assert await _run(["replay", "run", str(out_file)]) == 0
    assert await _run(["replay", "run", "--db", str(db), "eval-order-status-t1"]) == 0
    assert await _run(["replay", "show", "--db", str(db), "eval-order"]) == 0
    assert "eval" in capsys.readouterr().out
    assert await _run(["replay", "show", "--db", str(tmp_path / "none.sqlite"), "x"]) == 2
    assert "no transcript file" in capsys.readouterr().err


async def test_why_it_diverged_when_the_store_changed(conversation: Recording, nlu: NLU, home: Path) -> None:
    """Against the live store whose order 12345 was repriced since: the store changed, field by field."""
    data = generate_demo_store(40, seed=0)
    fresh = Sandbox([SandboxStore.from_data(data)], quota=10**6)
    fresh.store.orders[12345]["total_inc_tax"] = "99.0000"
    result = await replay(
        conversation,
        Settings(home=home),
        ReplayOptions(against="live"),
        nlu=nlu,
        inner=httpx.ASGITransport(app=fresh),
    )
    assert result.diverged
    first = next(e for e in result.explanations if e.turn == 1)
    assert first.verdict == "the store changed"
    assert first.store == [
        "GET /v2/orders/12345?include=consignments.line_items&consignment_structure=object: total_inc_tax '123.3400' -> '99.0000'"
    ]
    assert any(d.turn == 1 and d.what == "facts" for d in result.divergences)


async def test_with_an_llm_the_assistant_changed_and_expectations_fail(
    conversation: Recording, nlu: NLU, tmp_path: Path
) -> None:
    """The same explanations and expectations with an OpenAI-compatible model (the fake server): an LLM
    that answers in words makes no store request, so the store cannot be why the turn diverged."""
    first = from_turns(conversation.turns[:1], scopes=conversation.scopes)
    first.expectations = [{"turn": 1, "tools": ["get_order_information:order_id=12345"]}]
    with FakeOpenAIServer() as fake:
        fake.reply_text("Let me know if there is anything else.")
        settings = Settings(
            home=tmp_path,
            openai_base_url=fake.base_url,
            llm=LLMSettings(safety_net=False, max_retries=0, turn_budget_seconds=600),
        )
        result = await replay(first, settings, ReplayOptions(model="openai:fake-model"), nlu=nlu)
    (explanation,) = result.explanations
    assert explanation.verdict.startswith("the assistant changed")
    assert (
        "GET /v2/orders/12345?include=consignments.line_items&consignment_structure=object: made when recorded, not now"
        in explanation.store
    )
    (unmet,) = result.unmet
    assert unmet.line() == "turn 1: expected a get_order_information:order_id=12345 call, got no tool call"


async def test_a_store_outage_through_the_real_graph_is_an_error(
    talked: Path, recorded: Recorded, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox answers 503 until the client's retries are spent: the shopper hears "I can't reach
    the store", no exception is raised, and the conversation is listed and shown as an error."""
    recorded.env.sandbox.faults.update({"fail_next": 20, "error_status": 503})
    result = await recorded.agent.send(
        "outage-real-01", "Where is my order 12345? My email is jane.doe@example.com"
    )
    recorded.env.sandbox.faults.update({"fail_next": 0})
    assert "can't reach the store" in " ".join(result.replies)
    assert await _run(["replay", "list", "--status", "error"]) == 0
    out = capsys.readouterr().out
    assert "outage-real-01" in out and THREAD not in out
    assert await _run(["replay", "show", "outage-real-01"]) == 0
    shown = capsys.readouterr().out
    assert "store error: GET /v2/orders/12345 -> 503" in shown
    assert "store error: get_order_information: the store was unavailable" in shown
