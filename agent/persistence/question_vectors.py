"""The embedding vectors of the console's unanswered questions (component ``question_vectors``), so a
shopper's dead-end message is embedded once, in the background, and every later view of the insights
page, on any server, reads its vector instead of embedding it again.

One row per dead-end turn and embedding model: the turn's vector as float32 bytes. Kept beside the
transcripts (``transcripts.sqlite`` in the store's folder, or the shared PostgreSQL database), keyed by
store and conversation: a disconnect deletes them with the store's other data, a prune with their
conversation (``transcript_sql.DESCRIBING_TABLES``). No text is kept here, only the vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import timestamps
from .database import Database
from .migrations import Component

_TABLES = """
CREATE TABLE IF NOT EXISTS question_vectors (
    store_hash TEXT NOT NULL,
    turn_id TEXT NOT NULL,
    model TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    vector {blob} NOT NULL,
    added_at {time} NOT NULL,
    PRIMARY KEY (store_hash, turn_id, model)
);
CREATE INDEX IF NOT EXISTS question_vectors_thread ON question_vectors (store_hash, thread_id)
"""

QUESTION_VECTORS = Component(
    "question_vectors",
    {
        "sqlite": [(1, _TABLES.format(blob="BLOB", time="TEXT"))],
        "postgresql": [(1, _TABLES.format(blob="BYTEA", time="TIMESTAMPTZ"))],
    },
)

Vector = np.ndarray[Any, np.dtype[np.float32]]
CHUNK = 500  # turn ids per query


class QuestionVectors:
    """The vectors of dead-end turns, each method one short transaction scoped to one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __repr__(self) -> str:
        return f"QuestionVectors({self.db!r})"

    async def vectors(self, store_hash: str, turn_ids: Sequence[str], model: str) -> dict[str, Vector]:
        """The vectors kept of these turns for ``model`` (turns without one left out)."""
        found: dict[str, Vector] = {}
        ids = list(dict.fromkeys(turn_ids))
        async with self.db.transaction(readonly=True) as tx:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                marks = ", ".join("?" for _ in chunk)
                rows = await tx.fetchall(
                    "SELECT turn_id, vector FROM question_vectors WHERE store_hash = ? AND model = ? "
                    f"AND turn_id IN ({marks})",
                    (store_hash, model, *chunk),
                )
                for turn_id, blob in rows:
                    found[str(turn_id)] = np.frombuffer(bytes(blob), dtype=np.float32)
        return found

    async def add(self, store_hash: str, model: str, rows: Sequence[tuple[str, str, Vector]]) -> None:
        """Keep (thread id, turn id, vector) rows of the store for ``model`` (a turn kept before: unchanged)."""
        if not rows:
            return
        added = timestamps.now()
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO question_vectors (store_hash, turn_id, model, thread_id, vector, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (store_hash, turn_id, model) DO NOTHING",
                [
                    (
                        store_hash,
                        turn_id,
                        model,
                        thread_id,
                        np.asarray(vector, dtype=np.float32).tobytes(),
                        added,
                    )
                    for thread_id, turn_id, vector in rows
                ],
            )


__all__ = ["QUESTION_VECTORS", "QuestionVectors", "Vector"]
