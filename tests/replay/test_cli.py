"""`bcagent replay` end to end: a conversation recorded through the real graph on the sandbox demo
store, listed, shown, exported, replayed clean, changed, diffed, accepted and replayed clean again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.cli import main
from agent.cli import replay as cli_replay
from agent.models.intents import NLU
from agent.tools import orders
from agent.tools.results import result
from sandbox.demo import FULL_TOKEN
from tests.transcripts.conftest import Recorded
from tests.transcripts.conversation import converse

THREAD = "cli-thread-1"

pytestmark = pytest.mark.slow


@pytest.fixture
async def talked(recorded: Recorded, home: Path, nlu: NLU, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The conversation recorded where `bcagent replay` looks; the CLI pointed at that home."""
    await converse(recorded.agent, THREAD)
    monkeypatch.setenv("BCAGENT_HOME", str(home))
    monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli_replay, "_nlu", lambda: nlu)
    return home


def _never_sent(self: Any, request: httpx.Request) -> Any:
    raise AssertionError(f"a replay sent {request.method} {request.url} over the network")


async def _run(argv: list[str]) -> int:
    """`main` runs asyncio.run itself: call it off the test's event loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)


async def test_list_lockouts(talked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lockouts (agent/tools/lockouts.py writes them to the audit log) are listed with their thread."""
    from agent.persistence.records import open_records
    from agent.settings import Settings
    from agent.store.connections import ConnectionStore
    from sandbox.demo import DEMO_STORE_HASH

    assert await _run(["replay", "list", "--lockouts"]) == 0
    assert THREAD not in capsys.readouterr().out  # none yet
    folder = ConnectionStore(talked).folder(DEMO_STORE_HASH)
    records = await open_records(Settings(home=talked), DEMO_STORE_HASH, folder)
    await records.audit(
        DEMO_STORE_HASH,
        THREAD,
        "lockout",
        "order_locked",
        order_id=12349,
        detail="order lookups locked for this order after 5 failures in an hour",
    )
    await records.aclose()
    assert await _run(["replay", "list", "--lockouts"]) == 0
    listed = capsys.readouterr().out
    assert THREAD in listed and "lockout: " in listed and "(order #12349)" in listed
    assert await _run(["replay", "list", "--lockouts", "--json"]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["thread_id"] == THREAD and "after 5 failures" in row["lockouts"][0]


async def test_list_show_export(talked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _run(["replay", "list"]) == 0
    listed = capsys.readouterr().out
    assert THREAD in listed and "get_order_information" in listed and "cancel_order" in listed
    assert await _run(["replay", "list", "--tool", "transfer_to_human"]) == 0
    assert THREAD not in capsys.readouterr().out
    assert await _run(["replay", "list", "--grep", "BOXING gloves"]) == 0
    assert THREAD in capsys.readouterr().out

    assert await _run(["replay", "show", THREAD]) == 0
    shown = capsys.readouterr().out
    assert "turn 4" in shown and "route: order_management" in shown
    assert (
        "tool get_order_information" in shown
        and "GET /v2/orders/12345?include=consignments.line_items&consignment_structure=object -> 200"
        in shown
    )
    assert "PUT /v2/orders/12346 -> 200" in shown and "shopper answered" in shown
    assert "confirmation asked: order 12346" in shown and "\033[" not in shown  # piped: no colour
    assert "jane.doe@example.com" in shown and FULL_TOKEN not in shown
    assert await _run(["replay", "show", THREAD, "--redact", "--full"]) == 0
    redacted = capsys.readouterr().out
    assert "jane.doe@example.com" not in redacted and "j***@example.com" in redacted
    assert '"first_name": "<redacted>"' in redacted or "<redacted>" in redacted
    assert "1Z999AA10123456784" in redacted  # facts stay
    assert await _run(["replay", "show", THREAD, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 4
    assert await _run(["replay", "show", "no-such-thread"]) == 2
    assert "no conversation 'no-such-thread'" in capsys.readouterr().err

    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert await _run(["replay", "export", THREAD, "-o", str(first)]) == 0
    assert await _run(["replay", "export", THREAD, "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert FULL_TOKEN not in text and "X-Auth-Token".lower() not in text.lower()
    header = json.loads(text.splitlines()[0])
    assert header["format"] == "bcagent.recording" and header["format_version"] == 1
    assert header["store"]["money"]["currency"] == "USD" and header["turns"] == 4
    assert header["store"]["policy"]["max_failed_lookups"] == 5
    assert set(header["tools"]) == {"get_order_information", "get_product_information", "cancel_order"}
    turns = [json.loads(line) for line in text.splitlines()[1:]]
    assert turns[1]["product_id"] == 1 and turns[3]["answer"]["confirm"] is True
    assert any(r["method"] == "PUT" for r in turns[3]["requests"])


async def test_replay_diff_update(
    talked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "recordings" / "complaint.jsonl"
    assert await _run(["replay", "export", THREAD, "-o", str(path)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", _never_sent)

    # unchanged: no diff, nothing sent
    assert await _run(["replay", "run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ok       " in out and "0 request(s) sent" in out

    # the order tool now answers differently: the diff names the turn
    async def not_found(ctx: Any, conversation: Any, order_id: Any = None, email: Any = None) -> Any:
        return result("not_found", orders.NO_MATCH)

    real = orders.get_order_information
    monkeypatch.setattr(orders, "get_order_information", not_found)
    original = path.read_bytes()
    assert await _run(["replay", "run", str(path), "--junit", str(tmp_path / "junit.xml")]) == 1
    out = capsys.readouterr().out
    assert "DIVERGED" in out
    assert "turn 1: get_order_information result: recorded ok, now not_found" in out
    assert "turn 1: facts: recorded " in out and "1Z999AA10123456784" in out
    assert "turn 2:" not in out  # the other turns behave as recorded
    assert path.read_bytes() == original  # nothing written without --update
    report = (tmp_path / "junit.xml").read_text()
    assert 'failures="1"' in report and "turn 1: get_order_information result" in report

    # accepted: the recording holds the new behaviour, the old one is kept
    assert await _run(["replay", "run", str(path), "--update"]) == 0
    out = capsys.readouterr().out
    assert "updated (the old recording is kept as" in out
    assert (path.parent / "complaint.jsonl.bak").read_bytes() == original
    assert await _run(["replay", "run", str(path)]) == 0
    assert "ok       " in capsys.readouterr().out

    # the fix reverted: the folder, as a suite, diverges on that recording only
    monkeypatch.setattr(orders, "get_order_information", real)
    (path.parent / "complaint.jsonl.bak").rename(path.parent / "original.jsonl")
    assert await _run(["replay", "run", str(path.parent), "--junit", str(tmp_path / "suite.xml")]) == 1
    out = capsys.readouterr().out
    assert "2 recording(s): 1 passed, 1 diverged, 0 could not be replayed" in out
    assert "DIVERGED " + str(path) in out


async def test_bad_input_exit_2(talked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.jsonl"
    assert await _run(["replay", "export", THREAD, "-o", str(path)]) == 0
    lines = path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])

    def variant(name: str, text: str) -> Path:
        out = tmp_path / name
        out.write_text(text)
        return out

    def with_header(**changes: Any) -> str:
        return json.dumps({**header, **changes}) + "\n" + "".join(lines[1:])

    cases = {
        "truncated": (variant("truncated.jsonl", "".join(lines[:-1])), "truncated"),
        "cut": (variant("cut.jsonl", "".join(lines)[:-200]), "not JSON"),
        "garbage": (variant("garbage.jsonl", "{nope\n"), "not JSON"),
        "newer": (variant("newer.jsonl", with_header(format_version=99)), "newer than this build"),
        "gone": (
            variant("gone.jsonl", with_header(tools={**header["tools"], "refund_order": ["order_id"]})),
            "no longer has",
        ),
        "args": (
            variant(
                "args.jsonl", with_header(tools={**header["tools"], "cancel_order": ["order_id", "reason"]})
            ),
            "takes email, order_id now",
        ),
        "missing": (tmp_path / "missing.jsonl", "no such recording"),
    }
    for name, (case, _) in cases.items():
        before = case.read_bytes() if case.exists() else None
        assert await _run(["replay", "run", str(case), "--update"]) == 2, name
        capsys.readouterr()
        assert (case.read_bytes() if case.exists() else None) == before, name
    for name, (case, message) in cases.items():
        assert await _run(["replay", "run", str(case)]) == 2, name
        captured = capsys.readouterr()
        assert message in captured.out + captured.err, name
    # another store's recording, against the live store
    other = variant("other.jsonl", path.read_text().replace('"demostore"', '"otherstore"'))
    assert await _run(["replay", "run", str(other), "--against", "live"]) == 2
    assert "from store otherstore, which is not connected" in capsys.readouterr().out
    assert await _run(["replay", "run", str(path), "--store", "otherstore"]) == 2
    assert "a recording from store demostore, not otherstore" in capsys.readouterr().out
    assert await _run(["replay", "run", "no-such-thread"]) == 2
    assert "no conversation" in capsys.readouterr().err
