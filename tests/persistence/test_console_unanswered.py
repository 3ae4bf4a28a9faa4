"""Top unanswered questions on both engines: the dead-end messages of the period (the assistant's own
"can't help" sentences, not handed to a person, not the shopper's words) clustered by meaning with the
embedding model: similar questions land in one cluster with the right count."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from agent.console.question_grouping import QuestionGrouper
from agent.console.unanswered import cluster, dead_end_questions, encode, group, model_name
from agent.graphs.respond import CLARIFY
from agent.models.capabilities import cannot_help_sentence, refusal
from agent.persistence.transcripts import open_transcripts
from agent.settings import Settings
from agent.tools.products import NOT_FOUND
from agent.tools.store_pages import NO_ANSWER
from agent.transcripts import ToolCallRecord, TurnRecord
from agent.transcripts.dead_ends import MARKERS, is_dead_end
from tests.persistence.test_transcript_finding import START, turn

CANNOT = cannot_help_sentence(["get_order_information"])
CANADA = ["Do you ship to Canada?", "can you deliver to canada", "Is shipping to Canada available?",
          "do u ship to toronto canada"]  # fmt: skip
RETURNS = ["What is your return policy?", "returns policy pls", "what's your policy on returns"]


def said(
    thread: str, minute: int, text: str, reply: str, *, store: str = "abc", handoff: bool = False
) -> TurnRecord:
    record = turn(thread, minute, text=text)
    record.store_hash = store
    record.replies = [reply]
    if handoff:
        record.tool_calls = [ToolCallRecord(id="h", name="transfer_to_human", result={"status": "ok"})]
    return record


def test_the_markers_are_the_assistants_own_sentences() -> None:
    sentences = [CANNOT, refusal("cancel_order", ["get_order_information"]), CLARIFY, NO_ANSWER, NOT_FOUND,
                 "Sorry, I can only help in English for now. I can help with order status."]  # fmt: skip
    for sentence in sentences:
        assert any(marker in sentence.lower() for marker in MARKERS), sentence
    for sentence in sentences:
        assert is_dead_end(said("t", 1, "anything", sentence))
    assert not is_dead_end(said("t", 1, "hi", "Order #1 is Shipped."))
    assert not is_dead_end(said("t", 1, "hi", CANNOT, handoff=True))


def test_clusters_are_greedy_deterministic_and_largest_first() -> None:
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    vectors = np.array([b, a, a, (a + b) / np.linalg.norm(a + b), a], dtype=np.float32)
    assert cluster(vectors, similar=0.9) == [[1, 2, 4], [0], [3]]
    assert cluster(np.zeros((0, 2), dtype=np.float32)) == []


async def test_similar_questions_land_in_one_cluster(
    settings: Settings, tmp_path: Path, embedder: Any
) -> None:
    turns = [said(f"ca-{n}", n, text, CANNOT) for n, text in enumerate(CANADA)]
    turns += [said(f"re-{n}", 10 + n, text, CLARIFY) for n, text in enumerate(RETURNS)]
    turns += [
        said("wrap", 20, "Do you offer gift wrapping?", NO_ANSWER),
        said("answered", 21, "Do you ship to Canada?", "Yes, we ship to Canada in 5-7 days."),
        said("handed", 22, "Do you ship to Canada?", CANNOT, handoff=True),
        said("echo", 23, f"you said '{CANNOT}' last time", "Order #12345 is Shipped."),
        said("old", -60 * 24 * 40, "Do you ship to Canada?", CANNOT),
        said("other-store", 24, "Do you ship to Canada?", CANNOT, store="other"),
    ]
    since = START - timedelta(days=30)
    async with open_transcripts(settings, tmp_path) as transcripts:
        for each in turns:
            await transcripts.add(each)
        questions = await dead_end_questions(transcripts, "abc", since)
        assert sorted(q.thread_id for q in questions) == sorted(
            [f"ca-{n}" for n in range(4)] + [f"re-{n}" for n in range(3)] + ["wrap"]
        )
        assert [q.thread_id for q in await dead_end_questions(transcripts, "abc", since, limit=2)] == [
            "wrap",
            "re-2",
        ]  # the newest first
    clusters = await group(questions, await encode(embedder, [q.text for q in questions]))
    assert [c.count for c in clusters] == [4, 3, 1]
    assert {m.text for m in clusters[0].members} == set(CANADA) and clusters[0].example.text in CANADA
    assert {m.text for m in clusters[1].members} == set(RETURNS)
    assert clusters[2].example.text == "Do you offer gift wrapping?"


class Counting:
    """An encoder that counts what it embeds (a vector per text: its length and 1)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> Any:
        self.seen += texts
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def _connected(settings: Settings) -> Path:
    """Store abc connected (as its files say); its folder."""
    from agent.store.connections import Connection, ConnectionStore, Secret

    connections = ConnectionStore(settings.home)
    connections.save(Connection(store_hash="abc", api_url="http://sandbox.invalid"), Secret("t" * 32))
    return connections.folder("abc")


async def test_vectors_are_embedded_once_in_the_background_and_kept(settings: Settings) -> None:
    from agent.persistence.conversation_notes import open_conversation_data

    folder = _connected(settings)
    since = START - timedelta(days=30)
    model, tasks = Counting(), set()
    grouper = QuestionGrouper(settings, lambda: model, tasks)
    async with open_conversation_data(settings, folder) as data:
        for n, text in enumerate(CANADA):
            await data.transcripts.add(said(f"ca-{n}", n, text, CANNOT))
    assert await grouper.group_new("abc", since) == 4 and grouper.pending("abc") == 4
    await grouper.settled("abc")
    assert sorted(model.seen) == sorted(CANADA) and grouper.pending("abc") == 0 and not tasks
    assert await grouper.group_new("abc", since) == 0  # kept: not embedded again, even by a new grouper
    assert await QuestionGrouper(settings, lambda: model, set()).group_new("abc", since) == 0
    async with open_conversation_data(settings, folder) as data:
        await data.transcripts.add(said("ca-new", 30, "shipping to Canada?", CANNOT))
        questions = await dead_end_questions(data.transcripts, "abc", since)
        kept = await data.vectors.vectors("abc", [q.turn_id for q in questions], model_name(model))
    assert len(kept) == 4 and kept["ca-0-0"].tolist() == [float(len(CANADA[0])), 1.0]
    assert await grouper.group_new("abc", since) == 1
    await grouper.settled("abc")
    assert model.seen[-1] == "shipping to Canada?" and len(model.seen) == 5


async def test_an_encoder_that_fails_drops_its_queue_and_the_next_view_tries_again(
    settings: Settings,
) -> None:
    from agent.persistence.conversation_notes import open_conversation_data

    class Failing(Counting):
        def encode(self, texts: list[str]) -> Any:
            raise RuntimeError("model gone")

    folder = _connected(settings)
    async with open_conversation_data(settings, folder) as data:
        await data.transcripts.add(said("ca-0", 1, CANADA[0], CANNOT))
    model: Counting = Failing()
    grouper = QuestionGrouper(settings, lambda: model, set())
    assert await grouper.group_new("abc", START - timedelta(days=30)) == 1
    await grouper.settled("abc")
    assert grouper.pending("abc") == 0
    model = Counting()
    assert await grouper.group_new("abc", START - timedelta(days=30)) == 1
    await grouper.settled("abc")
    assert model.seen == [CANADA[0]]


async def test_a_store_disconnected_while_its_questions_are_embedded_gets_nothing_written(
    settings: Settings,
) -> None:
    from agent.persistence.connect import uses_postgres
    from agent.persistence.conversation_notes import open_conversation_data
    from agent.persistence.transcripts import sqlite_path
    from agent.store.connections import ConnectionStore

    folder = _connected(settings)
    async with open_conversation_data(settings, folder) as data:
        for n, text in enumerate(CANADA):
            await data.transcripts.add(said(f"ca-{n}", n, text, CANNOT))

    class Disconnecting(Counting):
        def encode(self, texts: list[str]) -> Any:
            ConnectionStore(settings.home).delete("abc")  # the store's files go while the model works
            return super().encode(texts)

    model = Disconnecting()
    grouper = QuestionGrouper(settings, lambda: model, set())
    assert await grouper.group_new("abc", START - timedelta(days=30)) == 4
    await grouper.settled("abc")
    assert model.seen and grouper.pending("abc") == 0
    if uses_postgres(settings):
        async with open_conversation_data(settings, folder) as data:
            assert (
                await data.vectors.vectors("abc", [f"ca-{n}-{n}" for n in range(4)], model_name(model)) == {}
            )
    else:
        assert not sqlite_path(folder).exists()  # the deleted file is not made again
    assert await grouper.group_new("abc", START - timedelta(days=30)) == 0  # nothing of it read again
