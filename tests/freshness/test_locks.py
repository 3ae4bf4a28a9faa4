"""The sync lock: one holder at a time, in each of its three forms (file, PostgreSQL, Redis)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from agent.store.locks import FileLock, LockBusy, PostgresLock, RedisLock, SyncLock, sync_lock

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


def locks(tmp_path: Path) -> list[tuple[SyncLock, SyncLock]]:
    name = f"test-{uuid.uuid4().hex}"  # each test's own key
    return [
        (FileLock(tmp_path / "sync.lock"), FileLock(tmp_path / "sync.lock")),
        (PostgresLock(POSTGRES, name), PostgresLock(POSTGRES, name)),
        (RedisLock(REDIS, name), RedisLock(REDIS, name)),
    ]


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["file", "postgres", "redis"])
async def test_a_second_holder_is_refused_until_the_first_lets_go(tmp_path: Path, kind: int) -> None:
    first, second = locks(tmp_path)[kind]
    async with first.hold():
        with pytest.raises(LockBusy):
            async with second.hold(wait=False):
                pass
    async with second.hold(wait=False):
        with pytest.raises(LockBusy):
            async with first.hold(wait=False):
                pass


async def test_the_configured_lock_is_chosen_by_the_settings(tmp_path: Path) -> None:
    assert isinstance(sync_lock(tmp_path, "s", None, None), FileLock)
    assert isinstance(sync_lock(tmp_path, "s", POSTGRES, None), PostgresLock)
    assert isinstance(sync_lock(tmp_path, "s", POSTGRES, REDIS), RedisLock)
