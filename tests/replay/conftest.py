"""Replay test set-up: a conversation recorded through the real graph on the sandbox demo store (the
transcript tests' fixtures), made into a recording."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.persistence.transcripts import Query
from agent.replay.recording import Recording, from_turns, write
from sandbox.demo import DEMO_STORE_HASH
from tests.transcripts import conftest as transcript_fixtures
from tests.transcripts.conftest import Recorded
from tests.transcripts.conversation import converse

env = transcript_fixtures.env
tools_embedder = transcript_fixtures.tools_embedder
nlu = transcript_fixtures.nlu
indexed = transcript_fixtures.indexed
home = transcript_fixtures.home
recorded = transcript_fixtures.recorded

THREAD = "replay-thread-1"


@pytest.fixture
async def conversation(recorded: Recorded) -> Recording:
    """An order lookup, a product question, a cancellation and its confirmation, as recorded."""
    await converse(recorded.agent, THREAD)
    turns = await recorded.transcripts.turns(Query(store_hash=DEMO_STORE_HASH, thread_id=THREAD))
    return from_turns(turns, scopes=recorded.env.ctx.connection.scopes)


@pytest.fixture
def recording_file(conversation: Recording, tmp_path: Path) -> Path:
    path = tmp_path / "recordings" / "conversation.jsonl"
    write(conversation, path)
    return path
