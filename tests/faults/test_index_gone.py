"""The product index going away (its collection deleted, the Chroma server stopped): product questions
fall back to the store's live keyword search, still answer, and the fallback is logged."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.persistence.transcripts import open_transcript_file
from agent.transcripts.recorder import Recorder
from ingest.embeddings import MiniLMEmbedding
from ingest.vectors import ProductIndex, chroma_client
from tests.chroma_server import chroma_server

QUESTION = "How much are the Premium Boxing Gloves?"


def keyword_searches(rig: Any) -> int:
    return sum(1 for m, p in rig.recorder.requests if m == "GET" and p.endswith("/v3/catalog/products"))


async def test_a_deleted_collection_falls_back_to_the_keyword_search(
    make_rig: Any, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    transcripts = await open_transcript_file(tmp_path / "transcripts.sqlite")
    async with make_rig(index=True) as rig:
        rig.agent.recorder = Recorder(transcripts, "demostore", model_name="offline")
        index = rig.agent.context.tools.index
        before = await rig.say("t", QUESTION)
        index.client.delete_collection(index.collection.name)
        with caplog.at_level(logging.WARNING):
            after = await rig.say("t2", QUESTION)
        assert "$79.99" in before.text and "$79.99" in after.text
        assert "product index unavailable" in caplog.text and keyword_searches(rig) >= 2
    # the transcript says which turn searched the index and which fell back to the live keyword search
    turns = {turn.thread_id: turn for turn in await transcripts.turns()}
    await transcripts.aclose()
    assert [r.error for r in turns["t"].retrievals] == [None] and turns["t"].retrievals[0].hits
    failed = turns["t2"].retrievals
    assert len(failed) == 1 and failed[0].hits == [] and "index unavailable" in str(failed[0].error)


@pytest.fixture
def chroma_process(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with chroma_server(tmp_path / "server") as running:
        yield running


@pytest.mark.slow
async def test_a_stopped_chroma_server_falls_back_to_the_keyword_search(
    make_rig: Any,
    chroma_process: tuple[str, subprocess.Popen[bytes]],
    embedder: MiniLMEmbedding,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, server = chroma_process
    async with make_rig(index=True) as rig:
        tools = rig.agent.context.tools
        remote = ProductIndex(chroma_client(url=url), "demostore", embedder)
        everything = tools.index.collection.get(include=["embeddings", "documents", "metadatas"])
        remote.collection.upsert(
            ids=everything["ids"],
            embeddings=everything["embeddings"],
            documents=everything["documents"],
            metadatas=everything["metadatas"],
        )
        tools.index = remote
        assert "$79.99" in (await rig.say("t", QUESTION)).text
        server.terminate()
        server.wait(timeout=10)
        with caplog.at_level(logging.WARNING):
            after = await rig.say("t2", QUESTION)
        assert "$79.99" in after.text and "product index unavailable" in caplog.text
