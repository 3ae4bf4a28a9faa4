"""The committed recordings (evals/recordings/, made by `python -m evals.record_demo` through the real
graph on the sandbox demo store) replay clean against the current build: the regression suite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from agent.cli import main
from agent.cli import replay as cli_replay
from agent.models.intents import NLU

RECORDINGS = Path(__file__).parents[2] / "evals" / "recordings"


async def test_committed_recordings_replay_clean(
    nlu: NLU, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    names = sorted(p.name for p in RECORDINGS.glob("*.jsonl"))
    assert {"order-lookup.jsonl", "product-question.jsonl", "cancellation.jsonl"} <= set(names)
    monkeypatch.setenv("BCAGENT_HOME", str(tmp_path / "no-store-connected"))
    monkeypatch.setattr(cli_replay, "_nlu", lambda: nlu)

    def never(self: object, request: httpx.Request) -> object:
        raise AssertionError(f"sent {request.url}")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", never)
    status = await asyncio.to_thread(
        main, ["replay", "run", str(RECORDINGS), "--junit", str(tmp_path / "j.xml")]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"{len(names)} recording(s): {len(names)} passed, 0 diverged" in out
    assert 'failures="0"' in (tmp_path / "j.xml").read_text()
