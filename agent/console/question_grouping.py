"""Embedding the unanswered questions in the background, so the insights page never waits for the model.

The console's :class:`QuestionGrouper` keeps, per store, the dead-end messages that have no vector yet
and one task that embeds them ``BATCH`` at a time, keeping each batch's vectors in the store's
``question_vectors`` table as soon as it is done (so a reload, another server, or a restart finds them).
The insights page hands it the messages it found without a vector and waits at most ``WAIT_SECONDS``
(a few new messages are embedded by then; hundreds are not, and the page shows what is ready with "N
more being grouped"). Besides the page, :meth:`QuestionGrouper.keep_grouping` embeds every store's new
dead ends of the last ``PERIOD`` every ``interval``, so most views find everything ready.

Only this process embeds a given message at once; two servers may both embed the same one (the second
insert is ignored). An encoder that fails is logged and its messages dropped from the queue: the next
page view queues them again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..persistence.conversation_notes import open_conversation_data
from ..persistence.transcripts import may_have_transcripts
from ..settings import Settings
from ..store.connections import ConnectionStore
from .unanswered import Question, dead_end_questions, encode, model_name

log = logging.getLogger(__name__)

BATCH = 32  # messages embedded per step: a small batch (about 0.3 s of MiniLM on 2 cores)
WAIT_SECONDS = 1.0  # the page waits at most this long for the messages it handed over
PERIOD = timedelta(days=30)  # what keep_grouping embeds ahead of the page: the insights' default period


class QuestionGrouper:
    """Embeds the stores' dead-end messages in the background, one task per store at a time."""

    def __init__(
        self, settings: Settings, embedder: Callable[[], Any], tasks: set[asyncio.Task[Any]]
    ) -> None:
        self.settings = settings
        self._embedder = embedder  # the model, loaded on first use (serve's own when it has one)
        self._tasks = tasks  # the console's: cancelled when the server stops
        self._queued: dict[str, dict[str, Question]] = {}  # store hash -> turn id -> message
        self._running: dict[str, asyncio.Task[None]] = {}
        self.wait_seconds = WAIT_SECONDS

    def model(self) -> str:
        return model_name(self._embedder())

    def pending(self, store_hash: str) -> int:
        """Messages of the store waiting for their vector."""
        return len(self._queued.get(store_hash, {}))

    def embed_later(self, store_hash: str, questions: list[Question]) -> asyncio.Task[None]:
        """Queue the messages (those queued already once) and make sure the store's task runs; the task."""
        queue = self._queued.setdefault(store_hash, {})
        for question in questions:
            queue.setdefault(question.turn_id, question)
        task = self._running.get(store_hash)
        if task is None or task.done():
            task = asyncio.create_task(self._embed_queued(store_hash), name=f"group-questions-{store_hash}")
            self._running[store_hash] = task
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return task

    async def wait_for(self, store_hash: str, questions: list[Question]) -> None:
        """Queue ``questions`` and wait for the store's task at most ``wait_seconds``, never cancelling it
        (the caller then reads the vectors kept meanwhile)."""
        task = self.embed_later(store_hash, questions)
        await asyncio.wait({task}, timeout=self.wait_seconds)

    async def settled(self, store_hash: str) -> None:
        """Wait until the store's queue is embedded (tests, benchmarks)."""
        task = self._running.get(store_hash)
        if task is not None:
            await asyncio.shield(task)

    async def forget(self, store_hash: str) -> None:
        """The store was disconnected: drop its queue and stop its task (nothing is written after)."""
        self._queued.pop(store_hash, None)
        task = self._running.pop(store_hash, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _still_there(self, store_hash: str) -> bool:
        """Whether the store is still connected and its transcripts exist (never recreate a deleted file)."""
        connections = ConnectionStore(self.settings.home)
        return store_hash in connections.hashes() and may_have_transcripts(
            self.settings, connections.folder(store_hash)
        )

    async def _embed_queued(self, store_hash: str) -> None:
        queue = self._queued.setdefault(store_hash, {})
        folder = ConnectionStore(self.settings.home).folder(store_hash)
        try:
            embedder = self._embedder()
            model = model_name(embedder)
            while queue and self._still_there(store_hash):  # again after closing: nothing left behind
                async with open_conversation_data(self.settings, folder) as data:
                    while queue:
                        batch = list(queue.values())[:BATCH]
                        vectors = await encode(embedder, [q.text for q in batch])
                        if not self._still_there(store_hash):  # disconnected meanwhile
                            break
                        await data.vectors.add(
                            store_hash,
                            model,
                            [(q.thread_id, q.turn_id, v) for q, v in zip(batch, vectors, strict=True)],
                        )
                        for question in batch:
                            queue.pop(question.turn_id, None)
        except asyncio.CancelledError:
            raise
        except Exception:  # never take the server down; the next page view queues them again
            log.exception("embedding the unanswered questions of %s failed", store_hash)
        queue.clear()  # embedded, or the store is gone, or the model failed

    async def group_new(self, store_hash: str, since: datetime) -> int:
        """Queue the store's dead-end messages since ``since`` that have no vector; how many."""
        folder = ConnectionStore(self.settings.home).folder(store_hash)
        if not self._still_there(store_hash):
            return 0
        model = self.model()
        async with open_conversation_data(self.settings, folder) as data:
            questions = await dead_end_questions(data.transcripts, store_hash, since)
            have = await data.vectors.vectors(store_hash, [q.turn_id for q in questions], model)
        missing = [q for q in questions if q.turn_id not in have]
        if missing:
            self.embed_later(store_hash, missing)
        return len(missing)

    async def keep_grouping(self, interval: timedelta) -> None:
        """Every ``interval``, queue every connected store's new dead ends of the last ``PERIOD``."""
        while True:
            await asyncio.sleep(interval.total_seconds())
            for store_hash in ConnectionStore(self.settings.home).hashes():
                try:
                    await self.group_new(store_hash, datetime.now(UTC) - PERIOD)
                except Exception:  # one store's database must not stop the others'
                    log.exception("could not read the unanswered questions of %s", store_hash)


__all__ = ["BATCH", "PERIOD", "WAIT_SECONDS", "QuestionGrouper"]
