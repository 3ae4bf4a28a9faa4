"""A conversation downloaded from the console is the recording `bcagent replay export --redact` writes,
and `bcagent replay run` replays it clean; personal details only on request; another store's user gets
nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agent.cli import main
from agent.cli import replay as cli_replay
from agent.models.intents import NLU
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
from tests.console.pages_app import pages_app
from tests.replay import conftest as replay_fixtures
from tests.transcripts.conftest import Recorded
from tests.transcripts.conversation import converse

env = replay_fixtures.env
tools_embedder = replay_fixtures.tools_embedder
nlu = replay_fixtures.nlu
indexed = replay_fixtures.indexed
home = replay_fixtures.home
recorded = replay_fixtures.recorded

THREAD = "console-export-1"
pytestmark = pytest.mark.slow


async def test_the_downloaded_recording_replays_clean(
    recorded: Recorded, home: Path, nlu: NLU, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    await converse(recorded.agent, THREAD)
    monkeypatch.setenv("BCAGENT_HOME", str(home))
    monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
    monkeypatch.setattr(cli_replay, "_nlu", lambda: nlu)
    cli_file = tmp_path / "cli.jsonl"
    assert await asyncio.to_thread(main, ["replay", "export", THREAD, "-o", str(cli_file), "--redact"]) == 0

    for pages in pages_app(home):
        pages.connect("otherstore")
        ops = pages.user(DEMO_STORE_HASH, "ops@demo.example")
        url = f"/admin/stores/{DEMO_STORE_HASH}/conversations/{THREAD}"
        assert (
            f'href="{url}/recording.jsonl" download>Download as a recording (redacted)' in ops.get(url).text
        )
        answer = ops.get(f"{url}/recording.jsonl")
        personal = ops.get(f"{url}/recording.jsonl", personal="1")
        other = pages.user("otherstore", "clerk@other.example").get(f"{url}/recording.jsonl")
        missing = ops.get(f"/admin/stores/{DEMO_STORE_HASH}/conversations/no-such-thread/recording.jsonl")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/x-ndjson")
    assert f'filename="{THREAD}-redacted.jsonl"' in answer.headers["content-disposition"]
    assert answer.content == cli_file.read_bytes()  # the same file as the replay's redacted export
    text = answer.text
    header = json.loads(text.splitlines()[0])
    assert header["format"] == "bcagent.recording" and header["redacted"] is True and header["turns"] == 4
    assert "jane.doe@example.com" not in text and "@redacted.example" in text and FULL_TOKEN not in text
    assert "jane.doe@example.com" in personal.text and '"redacted"' not in personal.text.splitlines()[0]
    assert other.status_code == 404 and missing.status_code == 404

    downloaded = tmp_path / "downloaded.jsonl"
    downloaded.write_bytes(answer.content)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["replay", "run", str(downloaded)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok ") and "0 request(s) sent" in out
