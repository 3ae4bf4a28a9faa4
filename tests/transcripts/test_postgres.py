"""Transcripts in PostgreSQL (the database at 127.0.0.1:5432): the same conversation recorded, exported
and checked field by field, no token in the table or the export, and prune with Postgres checkpoints.
Each test keeps its tables in a schema of its own (``pg_url``) and drops it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from agent.models.intents import NLU
from agent.models.offline import OfflineChatModel
from agent.persistence.checkpoints import open_checkpointer
from agent.persistence.transcripts import Query, Transcripts, transcripts_for
from agent.settings import Settings
from agent.transcripts.export import export_jsonl, prune, read_jsonl
from sandbox.demo import FULL_TOKEN
from tests.pgschema import pg_url
from tests.tools.conftest import ToolsEnv
from tests.transcripts.conftest import Recorded, build_recorded, capturing_client
from tests.transcripts.conversation import check_conversation, converse

URL = "postgresql://postgres@127.0.0.1:5432/test"
__all__ = ["pg_url"]


@pytest.fixture
async def pg_recorded(indexed: ToolsEnv, nlu: NLU, tmp_path: Path, pg_url: str) -> AsyncIterator[Recorded]:
    transcripts = await transcripts_for(Settings(home=tmp_path, database_url=pg_url), tmp_path)
    client = await capturing_client(indexed)
    settings = Settings(home=tmp_path, database_url=URL)
    try:
        async with client, open_checkpointer(settings, tmp_path) as saver:
            yield await build_recorded(
                indexed, OfflineChatModel(nlu=nlu), transcripts, saver, tmp_path, nlu=nlu
            )
    finally:
        await transcripts.aclose()


async def test_a_conversation_is_recorded_in_postgres(
    pg_recorded: Recorded, tmp_path: Path, pg_url: str
) -> None:
    thread = f"pg-{uuid.uuid4().hex}"
    await converse(pg_recorded.agent, thread)
    transcripts = pg_recorded.transcripts
    check_conversation(await transcripts.turns(Query(thread_id=thread)), thread)
    out = tmp_path / "pg.jsonl"
    assert await export_jsonl(transcripts, Query(thread_id=thread), out) == 4
    check_conversation(read_jsonl(out), thread)
    assert FULL_TOKEN.encode() not in out.read_bytes()
    assert isinstance(transcripts, Transcripts) and transcripts.db.dialect.engine == "postgresql"
    with psycopg.connect(pg_url) as db:  # in the test's schema
        rows, with_token = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE record LIKE %s) FROM transcript_turns",
            (f"%{FULL_TOKEN}%",),
        ).fetchone() or (0, 0)
    assert (rows, with_token) == (4, 0)
    (summary,) = await transcripts.threads(Query(tool="cancel_order"))
    assert summary.thread_id == thread and summary.turns == 4
    assert summary.tools == ["get_order_information", "get_product_information", "cancel_order"]
    assert [s.thread_id for s in await transcripts.threads(Query(grep="boxing GLOVES"))] == [thread]
    assert await transcripts.threads(Query(handoff=True)) == []
    await pg_recorded.checkpointer.adelete_thread(thread)


async def test_prune_in_postgres_deletes_transcripts_and_checkpoints(pg_recorded: Recorded) -> None:
    old, new = f"pg-old-{uuid.uuid4().hex}", f"pg-new-{uuid.uuid4().hex}"
    await pg_recorded.agent.send(old, "Where is my order 12345? jane.doe@example.com")
    middle = datetime.now(UTC)
    await pg_recorded.agent.send(new, "hi")
    saver = pg_recorded.checkpointer
    report = await prune(pg_recorded.transcripts, saver, middle)
    assert (report.threads, report.turns) == (1, 1)
    assert await saver.aget_tuple({"configurable": {"thread_id": old}}) is None
    assert await saver.aget_tuple({"configurable": {"thread_id": new}}) is not None
    assert [t.thread_id for t in await pg_recorded.transcripts.turns(Query())] == [new]
    await saver.adelete_thread(new)
