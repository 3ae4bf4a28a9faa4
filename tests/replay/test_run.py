"""Replaying a recorded conversation: unchanged, then with a tool changed, then accepted."""

from __future__ import annotations

from pathlib import Path

from agent.models.intents import NLU
from agent.replay.recording import read
from agent.replay.runner import ReplayOptions, replay
from agent.settings import Settings


async def test_unchanged_conversation_replays_clean(recording_file: Path, nlu: NLU, tmp_path: Path) -> None:
    result = await replay(read(recording_file), Settings(home=tmp_path / "nohome"), ReplayOptions(), nlu=nlu)
    assert [(d.line(), d.detail) for d in result.divergences] == []
    assert result.sent == 0 and result.answered > 0
    assert [len(g) for g in result.groups] == [1, 1, 1, 1]
