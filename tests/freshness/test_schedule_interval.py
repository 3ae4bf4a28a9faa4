"""A store's sync interval changed while serving (the console's policy form): the waiting schedule
recomputes its next run at once, a schedule turned off stops, and one turned on starts; no run is
interrupted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agent.store.schedule import SyncScheduler


class Counting(SyncScheduler):
    """The schedule with its sync replaced by a count (never synced before: the first run is due now)."""

    def __init__(self, folder: Path, interval: float) -> None:
        super().__init__(SimpleNamespace(folder=folder, store_hash="abc"), interval)  # type: ignore[arg-type]
        self.ran = asyncio.Queue[int]()

    async def run_once(self, full: bool = False) -> Any:
        self.runs += 1
        await self.ran.put(self.runs)
        return None


async def test_a_changed_interval_applies_to_the_waiting_schedule(tmp_path: Path) -> None:
    schedule = Counting(tmp_path, interval=3600)
    await schedule.start()
    try:
        assert await asyncio.wait_for(schedule.ran.get(), 30) == 1  # due at start, then an hour's wait
        await schedule.set_interval(1800)  # wakes the wait: counted from the last sync (none): due now
        assert await asyncio.wait_for(schedule.ran.get(), 30) == 2
        await schedule.set_interval(0)  # off
        assert schedule._task is None and schedule.interval == 0
        await schedule.set_interval(600)  # on again
        assert await asyncio.wait_for(schedule.ran.get(), 30) == 3
    finally:
        await schedule.stop()


async def test_the_same_interval_changes_nothing(tmp_path: Path) -> None:
    schedule = Counting(tmp_path, interval=0)
    await schedule.set_interval(0)
    assert schedule._task is None


async def test_a_sync_under_way_is_not_interrupted(tmp_path: Path) -> None:
    class Slow(Counting):
        def __init__(self, folder: Path, interval: float) -> None:
            super().__init__(folder, interval)
            self.started, self.release, self.finished = asyncio.Event(), asyncio.Event(), 0

        async def run_once(self, full: bool = False) -> Any:
            self.started.set()
            await self.release.wait()
            self.finished += 1
            return await super().run_once(full)

    schedule = Slow(tmp_path, interval=3600)
    await schedule.start()
    try:
        await asyncio.wait_for(schedule.started.wait(), 30)
        await schedule.set_interval(1800)  # while the sync runs
        schedule.release.set()
        assert await asyncio.wait_for(schedule.ran.get(), 30) == 1 and schedule.finished == 1
    finally:
        await schedule.stop()
