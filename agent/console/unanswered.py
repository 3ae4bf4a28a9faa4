"""Top unanswered questions of a period: the shoppers' messages of its dead-end turns
(``agent.transcripts.dead_ends``), clustered by meaning with the embedding model (all-MiniLM-L6-v2).

Bounded work: at most the newest ``NEWEST`` dead-end messages of the period are kept (SQL pre-selects at
most ``CANDIDATES`` times as many turns whose ``search_text`` holds a dead-end sentence, newest first, on
the time index; each record is then checked: the sentence must be the assistant's, with no handoff),
embedded off the event loop and clustered in a worker thread. Clustering is greedy and
deterministic: the message with the most unclustered neighbours (cosine similarity at least
``SIMILAR``) starts a cluster of those neighbours and is its example; repeat. Examples are shown with
personal details masked.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from ..persistence import timestamps
from ..persistence.transcript_sql import like_pattern
from ..persistence.transcripts import Transcripts, open_transcripts
from ..settings import Settings
from ..store.connections import ConnectionStore
from ..transcripts.dead_ends import MARKERS, is_dead_end
from ..transcripts.records import TurnRecord
from .conversations import mask

NEWEST = 500  # dead-end messages read per period, the newest
CANDIDATES = 2  # turns read per dead end wanted (some hold the sentence but are no dead end: a handoff)
SIMILAR = 0.5  # cosine similarity of two messages asking the same (MiniLM; paraphrases score 0.5-0.9)
SHOWN = 10  # clusters shown, the largest first
KNOWN = 5000  # message vectors kept between page views (the console's ``question_vectors``)


@dataclass(frozen=True)
class Question:
    text: str
    thread_id: str
    at: str


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
            questions.append(Question(" ".join((turn.text or "").split()), turn.thread_id, turn.started_at))
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


async def embed(
    texts: list[str], embedder: Any, known: dict[str, Any]
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The texts' unit vectors, off the event loop (the model's own worker thread when it has one); those
    in ``known`` (text -> vector) are not embedded again, the new ones are added (at most ``KNOWN``)."""
    have = {text: known[text] for text in dict.fromkeys(texts) if text in known}
    new = [text for text in dict.fromkeys(texts) if text not in have]
    if new:
        encode = getattr(embedder, "aencode", None)  # MiniLMEmbedding: its own worker thread
        fresh = await encode(new) if encode is not None else await asyncio.to_thread(embedder.encode, new)
        have.update(zip(new, np.asarray(fresh, dtype=np.float32), strict=True))
        while known and len(known) + len(new) > KNOWN:
            known.pop(next(iter(known)))  # the oldest first
        known.update((text, have[text]) for text in new)
    return np.stack([np.asarray(have[text], dtype=np.float32) for text in texts])


async def top_unanswered(
    transcripts: Transcripts, store_hash: str, since: datetime, embedder: Any,
    known: dict[str, Any] | None = None, shown: int = SHOWN,
) -> tuple[list[Cluster], int]:  # fmt: skip
    """The largest clusters of the period's dead-end messages, and how many messages were read."""
    questions = await dead_end_questions(transcripts, store_hash, since)
    if not questions:
        return [], 0
    known = {} if known is None else known
    vectors = await embed([q.text for q in questions], embedder, known)
    groups = await asyncio.to_thread(cluster, vectors)
    clusters = [
        Cluster(
            count=len(group),
            example=_masked(questions[group[0]]),
            members=tuple(_masked(questions[i]) for i in group),
        )
        for group in groups[:shown]
    ]
    return clusters, len(questions)


def _masked(question: Question) -> Question:
    return Question(mask(question.text), question.thread_id, question.at)


async def unanswered_view(
    settings: Settings, store_hash: str, since: datetime, embedder: Any, known: dict[str, Any]
) -> dict[str, Any]:
    """What the insights page shows of the unanswered questions, and their CSV rows."""
    folder = ConnectionStore(settings.home).folder(store_hash)
    async with open_transcripts(settings, folder) as transcripts:
        clusters, read = await top_unanswered(transcripts, store_hash, since, embedder, known)
    out = io.StringIO()
    csv.writer(out).writerows([f"unanswered:{c.example.text}", c.count] for c in clusters)
    return {
        "unanswered": clusters,
        "unanswered_read": read,
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
    "embed",
    "top_unanswered",
    "unanswered_view",
]
