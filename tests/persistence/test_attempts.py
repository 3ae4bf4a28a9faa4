"""Failed attempts across conversations (``agent.persistence.attempts``) on both engines and in Redis:
counted in a sliding window, per key and per store, shared by two handles on one database (replicas),
and counted in the database while Redis cannot be reached."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent.persistence.attempts import Attempts, client_key, redis_attempts
from agent.persistence.records import open_records
from agent.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_failures_are_counted_in_a_sliding_window_per_key_and_store(
    settings: Settings, tmp_path: Path
) -> None:
    first = await open_records(settings, "storeone", tmp_path)
    second = await open_records(settings, "storeone", tmp_path)  # another replica on the same data
    other = await open_records(settings, "storetwo", tmp_path / "two")
    try:
        clock = Clock()
        for records in (first, second, other):
            assert isinstance(records.attempts, Attempts)
            records.attempts.clock = clock
        assert [await (first if n % 2 else second).attempts.fail("order:12346", 60) for n in range(5)] == [
            1,
            2,
            3,
            4,
            5,
        ]
        assert await first.attempts.failures("order:12346", 60) == 5
        assert await second.attempts.failures("order:12345", 60) == 0  # another key
        assert await other.attempts.failures("order:12346", 60) == 0  # another store
        clock.now += 61
        assert await first.attempts.failures("order:12346", 60) == 0  # out of the window
        assert await second.attempts.fail("order:12346", 60) == 1  # and trimmed
    finally:
        for records in (first, second, other):
            await records.aclose()


@pytest.fixture
async def namespace() -> AsyncIterator[str]:
    prefix = f"bcagent-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_redis_counts_are_shared_and_fall_back_to_the_database(tmp_path: Path, namespace: str) -> None:
    records = await open_records(Settings(home=tmp_path), "storeone", tmp_path)
    try:
        one = redis_attempts(REDIS_URL, "storeone", records.attempts, namespace)
        two = redis_attempts(REDIS_URL, "storeone", records.attempts, namespace)
        counts = [await (one if n % 2 else two).fail("client:abc:gift", 60) for n in range(3)]
        assert counts == [1, 2, 3] and await one.failures("client:abc:gift", 60) == 3
        assert await records.attempts.failures("client:abc:gift", 60) == 0  # not in the database
        dead = redis_attempts("redis://127.0.0.1:1/0", "storeone", records.attempts, namespace)
        assert await dead.fail("client:abc:gift", 60) == 1  # counted in the database instead
        assert await records.attempts.failures("client:abc:gift", 60) == 1
        for handle in (one, two, dead):
            await handle.client.aclose()
    finally:
        await records.aclose()


def test_a_client_key_hides_the_address() -> None:
    key = client_key("203.0.113.7")
    assert "203" not in key and len(key) == 16 and key == client_key("203.0.113.7")
    assert key != client_key("203.0.113.8")
