"""Top unanswered questions of a period: the shoppers' messages of its dead-end turns
(``agent.transcripts.dead_ends``), clustered by meaning with the embedding model (all-MiniLM-L6-v2).

Bounded work: at most the newest ``NEWEST`` dead-end messages of the period are kept (SQL pre-selects at
most ``CANDIDATES`` times as many turns whose ``search_text`` holds a dead-end sentence, newest first, on
the time index; each record is then checked: the sentence must be the assistant's, with no handoff).
The page never embeds: each message's vector is read from the ``question_vectors`` table, and the
messages without one are handed to the console's :class:`~agent.console.question_grouping.QuestionGrouper`,
which embeds them in the background; the page waits for it at most ``question_grouping.WAIT_SECONDS``,
then shows the clusters of the messages embedded so far and says how many are still being grouped.
Clustering (in a worker thread) is greedy and deterministic: the message with the most unclustered
neighbours (cosine similarity at least ``SIMILAR``) starts a cluster of those neighbours and is its
example; repeat. Examples are shown with personal details masked.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from ..persistence import timestamps
from ..persistence.conversation_notes import open_conversation_data
from ..persistence.transcript_sql import like_pattern
from ..persistence.transcripts import Transcripts
from ..settings import Settings
from ..store.connections import ConnectionStore
from ..transcripts.dead_ends import MARKERS, is_dead_end
from ..transcripts.records import TurnRecord
from .conversations import mask

if TYPE_CHECKING:
    from .question_grouping import QuestionGrouper

NEWEST = 500  # dead-end messages read per period, the newest
CANDIDATES = 2  # turns read per dead end wanted (some hold the sentence but are no dead end: a handoff)
SIMILAR = 0.5  # cosine similarity of two messages asking the same (MiniLM; paraphrases score 0.5-0.9)
SHOWN = 10  # clusters shown, the largest first


@dataclass(frozen=True)
class Question:
    text: str
    thread_id: str
    at: str
    turn_id: str = ""


@dataclass(frozen=True)
class Cluster:
    """Messages asking the same thing: how many, and the most central one as the example."""

    count: int
    example: Question
    members: tuple[Question, ...]


async def dead_end_questions(
    transcripts: Transcripts, store_hash: str, since: datetime, limit: int = NEWEST
) -> list[Question]:
    """The shoppers' messages of the newest ``limit`` dead-end turns of the store since ``since``."""
    db = transcripts.db
    postgres = db.dialect.engine == "postgresql"
    bound: Any = since if postgres else timestamps.precise(since)
    by_time = "" if postgres else "INDEXED BY transcript_turns_time"
    said = " OR ".join("search_text LIKE ? ESCAPE '\\'" for _ in MARKERS)
    async with db.transaction(readonly=True) as tx:
        rows = await tx.fetchall(
            f"SELECT record FROM transcript_turns {by_time} WHERE store_hash = ? AND started_at >= ? "
            f"AND ({said}) ORDER BY started_at DESC LIMIT {CANDIDATES * int(limit)}",
            (store_hash, bound, *(like_pattern(marker) for marker in MARKERS)),
        )
    questions = []
    for (record,) in rows:
        turn = TurnRecord.from_json(json.loads(record))
        if is_dead_end(turn):  # the sentence was the assistant's, not the shopper's
            text = " ".join((turn.text or "").split())
            questions.append(Question(text, turn.thread_id, turn.started_at, turn.turn_id))
    return questions[:limit]


def cluster(vectors: np.ndarray[Any, np.dtype[np.float32]], similar: float = SIMILAR) -> list[list[int]]:
    """Clusters of the rows of ``vectors`` (unit vectors), each a list of row indexes with its centre
    first, the largest first (ties: the one whose centre comes first)."""
    count = len(vectors)
    if count == 0:
        return []
    near = (vectors @ vectors.T) >= similar
    left = np.ones(count, dtype=bool)
    found: list[list[int]] = []
    while left.any():
        degree = (near & left[None, :]).sum(axis=1) * left  # unclustered neighbours of unclustered rows
        centre = int(np.argmax(degree))  # the first of the best: deterministic
        members = np.flatnonzero(near[centre] & left)
        found.append([centre, *(int(i) for i in members if i != centre)])
        left[members] = False
    return sorted(found, key=lambda group: (-len(group), group[0]))


def model_name(embedder: Any) -> str:
    """What the vectors of ``embedder`` are kept under (vectors of two models are not comparable)."""
    name = getattr(embedder, "name", None)
    return str(name()) if callable(name) else type(embedder).__name__


async def encode(embedder: Any, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The texts' unit vectors, off the event loop (the model's own worker thread when it has one)."""
    aencode = getattr(embedder, "aencode", None)  # MiniLMEmbedding: its own worker thread
    vectors = await aencode(texts) if aencode is not None else await asyncio.to_thread(embedder.encode, texts)
    return np.asarray(vectors, dtype=np.float32)


async def group(
    questions: list[Question], vectors: np.ndarray[Any, np.dtype[np.float32]], shown: int = SHOWN
) -> list[Cluster]:
    """The largest clusters of ``questions`` (row ``i`` of ``vectors`` is question ``i``'s), masked."""
    if not questions:
        return []
    groups = await asyncio.to_thread(cluster, vectors)
    return [
        Cluster(
            count=len(members),
            example=_masked(questions[members[0]]),
            members=tuple(_masked(questions[i]) for i in members),
        )
        for members in groups[:shown]
    ]


def _masked(question: Question) -> Question:
    return Question(mask(question.text), question.thread_id, question.at)


async def unanswered_view(
    settings: Settings, store_hash: str, since: datetime, grouper: QuestionGrouper
) -> dict[str, Any]:
    """What the insights page shows of the unanswered questions (the clusters of those embedded so far,
    and how many are still being grouped), and their CSV rows."""
    folder = ConnectionStore(settings.home).folder(store_hash)
    model = grouper.model()
    async with open_conversation_data(settings, folder) as data:
        questions = await dead_end_questions(data.transcripts, store_hash, since)
        ids = [q.turn_id for q in questions]
        have = await data.vectors.vectors(store_hash, ids, model)
        missing = [q for q in questions if q.turn_id not in have]
        if missing:  # embedded in the background; what is ready after a short wait is shown
            await grouper.wait_for(store_hash, missing)
            have.update(await data.vectors.vectors(store_hash, [q.turn_id for q in missing], model))
    ready = [q for q in questions if q.turn_id in have]
    vectors = np.stack([have[q.turn_id] for q in ready]) if ready else np.zeros((0, 1), dtype=np.float32)
    clusters = await group(ready, vectors)
    out = io.StringIO()
    csv.writer(out).writerows([f"unanswered:{c.example.text}", c.count] for c in clusters)
    return {
        "unanswered": clusters,
        "unanswered_read": len(questions),
        "unanswered_pending": len(questions) - len(ready),
        "unanswered_limit": NEWEST,
        "unanswered_csv": out.getvalue(),
    }


__all__ = [
    "NEWEST",
    "SIMILAR",
    "Cluster",
    "Question",
    "cluster",
    "dead_end_questions",
    "encode",
    "group",
    "model_name",
    "unanswered_view",
]
