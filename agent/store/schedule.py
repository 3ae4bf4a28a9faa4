"""Scheduled catalog syncs, the safety net under the webhooks: the incremental sync every ``interval``
seconds (and once at start when the last one is older than that), at bulk priority, under the store's
sync lock. When the lock is taken (a manual `bcagent ingest`, another replica) the run is skipped and
recorded as ``sync_skipped``; a failure is recorded as ``sync_failed`` and the next run tries again."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from ingest.state import SyncState
from ingest.sync import SyncReport, sync_catalog

from .freshness import StoreCatalog
from .locks import LockBusy

log = logging.getLogger(__name__)


class SyncScheduler:
    def __init__(self, catalog: StoreCatalog, interval: float) -> None:
        self.catalog = catalog
        self.interval = interval
        self.runs = 0
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        """Start the schedule; an interval of 0 or less means off."""
        if self.interval > 0 and self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"sync-{self.catalog.store_hash}")

    async def set_interval(self, interval: float) -> None:
        """Sync every ``interval`` seconds from now on (0 or less: no schedule). A sync under way is not
        interrupted; the next one counts from the last sync, as at start."""
        if interval == self.interval:
            return
        self.interval = interval
        if interval <= 0:
            await self.stop()
        elif self._task is None:
            await self.start()
        else:
            self._changed.set()  # the waiting loop recomputes its delay

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _first_delay(self) -> float:
        last = SyncState.load(self.catalog.folder).last_success
        if not last:
            return 0.0
        age = (datetime.now(UTC) - datetime.fromisoformat(last)).total_seconds()
        return max(0.0, self.interval - age)

    async def _loop(self) -> None:
        delay = self._first_delay()
        while True:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=delay)
            except TimeoutError:
                await self.run_once()
                delay = self.interval
            else:  # the interval changed while waiting: counted from the last sync again
                delay = self._first_delay()

    async def run_once(self, full: bool = False) -> SyncReport | None:
        """One sync now, unless another holds the lock; the report, or None when skipped or failed."""
        catalog = self.catalog
        try:
            async with catalog.lock.hold(wait=False):
                report = await sync_catalog(
                    catalog.client,
                    catalog.index,
                    catalog.folder,
                    catalog.base_context,
                    full=full,
                    restrict_by_groups=catalog.restrict_by_groups,
                    mirror=catalog.log.mirror(),
                )
        except LockBusy as busy:
            await catalog.log.record("sync_skipped", detail=str(busy))
            return None
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("scheduled sync of %s failed: %s", catalog.store_hash, exc)
            await catalog.log.record("sync_failed", detail=str(exc) or type(exc).__name__)
            return None
        self.runs += 1
        await catalog.log.record(
            "sync",
            detail=f"{report.mode}: {report.upserted} upserted, {report.deleted} deleted, "
            f"{report.failed} failed, {report.api_requests} requests",
        )
        try:
            await catalog.refresh()
        except Exception as exc:  # the follower keeps its previous view of categories and groups
            log.info("could not refresh the categories of %s: %s", catalog.store_hash, exc)
        return report
