"""The assistant as `bcagent chat` and `bcagent serve` open it records every turn into the store's
folder (or nothing, with BCAGENT_TRANSCRIPTS=off), its BigCommerce traffic captured below the tools."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from agent.assembly import open_agent
from agent.persistence.transcripts import Query, open_transcript_file
from agent.settings import Settings
from agent.store.connections import ConnectionStore
from ingest.embeddings import MiniLMEmbedding
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
from tests.tools.conftest import ToolsEnv

ASK = "Where is my order 12345? My email is jane.doe@example.com"


@pytest.mark.slow  # open_agent builds the NLU and the index: tens of seconds on a shared machine
async def test_open_agent_records_into_the_store_folder(
    env: ToolsEnv, home: Path, tools_embedder: MiniLMEmbedding
) -> None:
    settings = Settings(home=home)
    thread = f"chat-{uuid.uuid4().hex}"
    transport = httpx.ASGITransport(app=env.sandbox)
    async with open_agent(settings, transport=transport, embedder=tools_embedder) as agent:
        assert agent.recorder is not None and FULL_TOKEN not in repr(agent.recorder)
        result = await agent.send(thread, ASK)
    path = ConnectionStore(home).folder(DEMO_STORE_HASH) / "transcripts.sqlite"
    transcripts = await open_transcript_file(path)
    try:
        (turn,) = await transcripts.turns(Query(thread_id=thread))
    finally:
        await transcripts.aclose()
    assert turn.turn_id == result.turn_id and turn.surface == "chat" and turn.store_hash == DEMO_STORE_HASH
    assert turn.tool_calls[0].name == "get_order_information"
    assert turn.requests and turn.requests[0].path == "/v2/orders/12345" and turn.requests[0].status == 200
    assert path.stat().st_mode & 0o077 == 0  # the owner's only
    assert FULL_TOKEN.encode() not in path.read_bytes()


def test_transcripts_can_be_switched_off() -> None:
    assert Settings.from_env({"BCAGENT_HOME": "/x"}).transcripts
    assert not Settings.from_env({"BCAGENT_HOME": "/x", "BCAGENT_TRANSCRIPTS": "off"}).transcripts
    assert Settings.from_env({"BCAGENT_HOME": "/x"}).transcript_retention_days == 30
    assert Settings.from_env({"BCAGENT_TRANSCRIPT_RETENTION_DAYS": "7"}).transcript_retention_days == 7
    with pytest.raises(ValueError, match="whole number of days"):
        Settings.from_env({"BCAGENT_TRANSCRIPT_RETENTION_DAYS": "a week"})
