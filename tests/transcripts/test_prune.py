"""Pruning deletes old conversations whole: their transcripts and their LangGraph checkpoints."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from agent.cli import main
from agent.persistence.transcripts import Query
from agent.transcripts.export import prune
from tests.transcripts.conftest import Recorded


def _config(thread: str) -> dict[str, dict[str, str]]:
    return {"configurable": {"thread_id": thread}}


async def test_prune_deletes_old_conversations_and_their_checkpoints(recorded: Recorded) -> None:
    old, new = f"old-{uuid.uuid4().hex}", f"new-{uuid.uuid4().hex}"
    await recorded.agent.send(old, "Where is my order 12345? jane.doe@example.com")
    await recorded.agent.send(old, "thanks!")
    middle = datetime.now(UTC)
    await recorded.agent.send(new, "How much are the Premium Boxing Gloves?")
    saver = recorded.checkpointer
    assert await saver.aget_tuple(_config(old)) is not None

    planned = await prune(recorded.transcripts, saver, middle, dry_run=True)
    assert (planned.threads, planned.turns) == (1, 0)
    assert len(await recorded.transcripts.turns(Query(thread_id=old))) == 2  # a dry run deletes nothing

    report = await prune(recorded.transcripts, saver, middle)
    assert (report.threads, report.turns, report.checkpoints_failed) == (1, 2, 0)
    assert await recorded.transcripts.turns(Query(thread_id=old)) == []
    assert await recorded.transcripts.threads(Query(thread_id=old)) == []
    assert await recorded.transcripts.threads(Query(tool="get_order_information")) == []
    assert await saver.aget_tuple(_config(old)) is None
    assert len(await recorded.transcripts.turns(Query(thread_id=new))) == 1
    assert await saver.aget_tuple(_config(new)) is not None


async def test_a_conversation_whose_checkpoints_cannot_go_keeps_its_transcript(recorded: Recorded) -> None:
    class Failing:
        async def adelete_thread(self, thread_id: str) -> None:
            raise OSError("disk gone")

    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, "hi")
    report = await prune(recorded.transcripts, Failing(), datetime.now(UTC))
    assert (report.threads, report.checkpoints_failed) == (0, 1)
    assert len(await recorded.transcripts.turns(Query(thread_id=thread))) == 1


async def test_the_prune_command_asks_before_deleting(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, "Where is my order 12345? jane.doe@example.com")
    monkeypatch.setenv("BCAGENT_HOME", str(recorded.path.parent.parent.parent))
    monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
    assert await asyncio.to_thread(main, ["transcripts", "prune", "--older-than", "30d", "--yes"]) == 0
    assert len(await recorded.transcripts.turns(Query(thread_id=thread))) == 1  # younger than 30 days
    assert await asyncio.to_thread(main, ["transcripts", "prune", "--older-than", "0s"]) == 1  # no --yes
    assert len(await recorded.transcripts.turns(Query(thread_id=thread))) == 1
    assert await asyncio.to_thread(main, ["transcripts", "prune", "--older-than", "0s", "--yes"]) == 0
    assert await recorded.transcripts.turns(Query(thread_id=thread)) == []
    assert await recorded.checkpointer.aget_tuple(_config(thread)) is None
    assert await asyncio.to_thread(main, ["transcripts", "prune", "--older-than", "soon"]) == 2
