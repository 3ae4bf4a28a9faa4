"""What the console's routes share: the settings, the console's configuration and state, notes to show
after an install, and the catalog syncs it started (with their progress)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from starlette.requests import Request

from bigcommerce import AsyncBigCommerce, BigCommerceError

from ..persistence.console import ConsoleState
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from .config import ConsoleConfig
from .widget_script import remove_widget

if TYPE_CHECKING:
    from .question_grouping import QuestionGrouper

log = logging.getLogger(__name__)


@dataclass
class SyncJob:
    """A catalog sync the console started: its progress for the page, and how it ended."""

    started: float = field(default_factory=time.time)
    done: int = 0
    total: int | None = None
    finished: bool = False
    outcome: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "total": self.total,
            "finished": self.finished,
            "outcome": self.outcome,
        }


@dataclass
class ConsoleContext:
    settings: Settings
    config: ConsoleConfig
    state: ConsoleState
    transport: httpx.AsyncBaseTransport | None = None  # tests: the sandbox in-process
    embedder: Any = None  # the catalog syncs' embedding model (None: each sync loads its own)
    notes: dict[str, list[str]] = field(default_factory=dict)
    syncs: dict[str, SyncJob] = field(default_factory=dict)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    grouper: QuestionGrouper | None = None  # embeds the insights' unanswered questions in the background

    def question_grouper(self, server: Any = None) -> QuestionGrouper:
        """The grouper of the unanswered questions (made on first use, with :meth:`embedding_model`)."""
        if self.grouper is None:
            from .question_grouping import QuestionGrouper

            self.grouper = QuestionGrouper(self.settings, lambda: self.embedding_model(server), self.tasks)
        return self.grouper

    def embedding_model(self, server: Any = None) -> Any:
        """The embedding model: the one given, else the one ``server``'s stores already use (their NLU's),
        else one loaded on first use; kept (the syncs use it too)."""
        if self.embedder is None:
            for served in getattr(server, "stores", {}).values():
                nlu = getattr(served.agent.context, "nlu", None)
                if nlu is not None:
                    self.embedder = nlu.embedder
                    break
        if self.embedder is None:
            from ingest.embeddings import MiniLMEmbedding

            self.embedder = MiniLMEmbedding()
        return self.embedder

    def start_sync(self, store_hash: str) -> SyncJob:
        """Start a catalog sync of the store in the background (one at a time per store)."""
        running = self.syncs.get(store_hash)
        if running is not None and not running.finished:
            return running
        job = SyncJob()
        self.syncs[store_hash] = job
        task = asyncio.create_task(self._sync(store_hash, job))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return job

    async def _sync(self, store_hash: str, job: SyncJob) -> None:
        from ..store.catalog import run_ingest  # loads the embedding model: only when a sync runs

        def progress(done: int, total: int | None) -> None:
            job.done, job.total = done, total

        try:
            report = await run_ingest(self.settings, store_hash, False, progress, self.embedder)
            job.outcome = " ".join(report.lines()[:2]) or "Catalog synced."
        except ConnectionProblem as problem:
            job.outcome = str(problem)
        except BigCommerceError as exc:
            job.outcome = f"The sync stopped: {exc} The previous index is unchanged; try Sync now again."
        except Exception:  # a sync started from a page must never take the server down
            log.exception("console sync of %s failed", store_hash)
            job.outcome = "The sync failed unexpectedly; the server log has the details."
        finally:
            job.finished = True

    async def disconnect(self, store_hash: str, remove_remote: bool = False) -> list[str]:
        """Disconnect a store: (``remove_remote``: its widget script and webhooks in the store first, while
        the token still works), its index, credentials and sync state, and its console users; what was
        removed, in words."""
        connections = ConnectionStore(self.settings.home)
        removed: list[str] = []
        if self.grouper is not None:  # no unanswered question of the store is embedded and kept after
            await self.grouper.forget(store_hash)
        if store_hash not in connections.hashes():
            removed.append(f"console users: {await self.state.forget_store(store_hash)}")
            return removed
        connection = connections.load(store_hash)
        if remove_remote:
            try:
                async with AsyncBigCommerce(
                    store_hash, connections.token(store_hash).reveal(), base_url=connection.api_url,
                    transport=self.transport, max_retries=1,
                ) as client:  # fmt: skip
                    removed.append(f"widget scripts: {await remove_widget(client)}")
            except BigCommerceError as exc:
                removed.append(f"widget scripts: not removed ({exc})")
            if connection.webhook_ids:
                from ..store.hooks import remove

                try:
                    removed.append(f"webhooks: {await remove(connections, store_hash)}")
                except ConnectionProblem as problem:
                    removed.append(f"webhooks: not removed ({problem})")
        from ..persistence.purge import purge
        from ..store.catalog import drop_remote_index
        from ..store.live import record_disconnected

        await record_disconnected(self.settings, store_hash)  # every running server stops serving it
        await asyncio.to_thread(drop_remote_index, self.settings, store_hash)
        rows = await purge(self.settings, store_hash, connections.folder(store_hash))
        await asyncio.to_thread(connections.delete, store_hash)
        removed.append(
            "credentials, records, transcripts, conversations, vectors and sync state"
            + (f" ({rows} database rows)" if rows else "")
        )
        removed.append(f"console users: {await self.state.forget_store(store_hash)}")
        self.notes.pop(store_hash, None)
        return removed


def console_of(request: Request) -> ConsoleContext:
    console: ConsoleContext = request.app.state.console
    return console
