"""The server's shared state for replicas: request limits and turn locks in Redis (127.0.0.1:6379 here
and in CI), the thread registry in PostgreSQL; and what happens when Redis goes away."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from agent.persistence.threads import ChatThreads, open_threads
from agent.server.app import ServeOptions, limits_for
from agent.server.health import limits_state
from agent.server.limits import MemoryRateLimiter, MemoryTurnLocks
from agent.server.limits_redis import RedisRateLimiter, RedisTurnLocks, redis_client, redis_limits
from agent.settings import Settings
from tests.pgschema import pg_url

__all__ = ["pg_url"]
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def namespace() -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"bcagent-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis_client(REDIS_URL)
    keys = [key async for key in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_two_replicas_share_one_window_of_requests(namespace: str) -> None:
    first, _ = redis_limits(REDIS_URL, namespace)
    second, _ = redis_limits(REDIS_URL, namespace)
    answers = [await (first if n % 2 else second).hit("client:10.0.0.1", 5, 60) for n in range(7)]
    assert answers[:5] == [None] * 5  # five in all, spread over both
    assert all(wait is not None and 0 < wait <= 60 for wait in answers[5:])
    assert await first.hit("client:10.0.0.2", 5, 60) is None  # another client has its own window
    await first.client.aclose()
    await second.client.aclose()


async def test_the_window_slides(namespace: str) -> None:
    # A window of 2 s: the three hits must fall inside it even when a busy machine stalls this process
    # (with 0.3 s a stall let the first hit leave the window before the third came, and it was allowed).
    limiter, _ = redis_limits(REDIS_URL, namespace)
    assert [await limiter.hit("k", 2, 2.0) for _ in range(2)] == [None, None]
    wait = await limiter.hit("k", 2, 2.0)
    assert wait is not None and wait <= 2.0
    await asyncio.sleep(wait + 0.05)
    assert await limiter.hit("k", 2, 2.0) is None
    await limiter.client.aclose()


async def test_concurrent_hits_never_exceed_the_limit(namespace: str) -> None:
    limiters = [redis_limits(REDIS_URL, namespace)[0] for _ in range(3)]
    answers = await asyncio.gather(*(limiters[n % 3].hit("burst", 10, 60) for n in range(40)))
    assert sum(a is None for a in answers) == 10  # the script is atomic: no lost or extra counts
    for limiter in limiters:
        await limiter.client.aclose()


async def test_one_turn_at_a_time_across_replicas(namespace: str) -> None:
    _, first = redis_limits(REDIS_URL, namespace)
    _, second = redis_limits(REDIS_URL, namespace)
    assert await first.acquire("demostore:t1")
    assert not await second.acquire("demostore:t1")  # the other replica sees the lock
    assert await second.acquire("demostore:t2")
    await second.release("demostore:t1")  # not its lock: nothing happens
    assert not await first.acquire("demostore:t1")
    await first.release("demostore:t1")
    assert await second.acquire("demostore:t1")
    await second.release("demostore:t1")
    await second.release("demostore:t2")
    assert first.held() == 0 and second.held() == 0
    await first.client.aclose()
    await second.client.aclose()


async def test_every_replica_sees_a_turn_in_progress(namespace: str) -> None:
    _, first = redis_limits(REDIS_URL, namespace)
    _, second = redis_limits(REDIS_URL, namespace)
    assert not await second.busy("demostore:t1")
    assert await first.acquire("demostore:t1")
    assert await first.busy("demostore:t1") and await second.busy("demostore:t1")  # what GET thread reports
    assert not await second.busy("demostore:t2")
    await first.release("demostore:t1")
    assert not await second.busy("demostore:t1")
    await first.client.aclose()
    await second.client.aclose()


async def test_a_dead_replicas_lock_expires_and_a_live_one_is_renewed(namespace: str) -> None:
    client = redis_client(REDIS_URL)
    dead = RedisTurnLocks(client, f"{namespace}:turn:", ttl_ms=300)
    live = RedisTurnLocks(client, f"{namespace}:turn:", ttl_ms=300)
    other = RedisTurnLocks(client, f"{namespace}:turn:", ttl_ms=300)
    assert await dead.acquire("a")
    dead._renewers.pop("a").cancel()  # the replica died: nobody renews its lock
    assert await live.acquire("b")
    await asyncio.sleep(0.6)  # two TTLs
    assert await other.acquire("a")  # freed by expiry
    assert not await other.acquire("b")  # still held: renewed while its turn runs
    await live.release("b")
    assert await other.acquire("b")
    await other.release("a")
    await other.release("b")
    await client.aclose()


async def test_without_redis_the_limits_hold_per_replica(caplog: pytest.LogCaptureFixture) -> None:
    dead = redis_client("redis://127.0.0.1:1/0")  # nothing listens there
    limiter = RedisRateLimiter(dead)
    locks = RedisTurnLocks(dead)
    answers = [await limiter.hit("client:x", 2, 60) for _ in range(3)]
    assert answers[:2] == [None, None] and answers[2] is not None  # the in-process fallback still limits
    assert await locks.acquire("t") and not await locks.acquire("t")
    await locks.release("t")
    assert await locks.acquire("t")
    await locks.release("t")
    assert "Redis unreachable" in caplog.text
    assert limits_state(cast(Any, SimpleNamespace(limiter=limiter))) == "redis_unreachable"
    assert limits_state(cast(Any, SimpleNamespace(limiter=MemoryRateLimiter()))) == "in_process"
    await dead.aclose()


def test_the_deployment_picks_the_limits(tmp_path: Path) -> None:
    limiter, locks, client = limits_for(Settings(home=tmp_path), ServeOptions())
    assert isinstance(limiter, MemoryRateLimiter) and isinstance(locks, MemoryTurnLocks) and client is None
    shared = Settings(home=tmp_path, redis_url=REDIS_URL, redis_prefix="x")
    limiter, locks, client = limits_for(shared, ServeOptions())
    assert isinstance(limiter, RedisRateLimiter) and isinstance(locks, RedisTurnLocks)
    assert limiter.prefix == "x:rate:" and client is limiter.client
    given = MemoryTurnLocks()
    assert limits_for(shared, ServeOptions(locks=given))[1] is given


@pytest.fixture
async def registries(pg_url: str, tmp_path: Path) -> AsyncIterator[tuple[ChatThreads, ChatThreads]]:
    first = await open_threads(Settings(home=tmp_path, database_url=pg_url), "demostore", tmp_path / "a")
    second = await open_threads(Settings(home=tmp_path, database_url=pg_url), "demostore", tmp_path / "b")
    yield first, second
    await first.aclose()
    await second.aclose()


async def test_a_thread_opened_on_one_replica_is_known_on_the_other(
    registries: tuple[ChatThreads, ChatThreads],
) -> None:
    first, second = registries
    assert first.db.dialect.engine == "postgresql"
    thread_id, secret = await first.create()
    assert await second.check(thread_id, secret)
    assert not await second.check(thread_id, secret + "x") and not await second.check("unknown", secret)
    await first.stamp(thread_id, ["m1", "m2"], "2026-12-01T10:00:00.000+00:00")
    await second.stamp(thread_id, ["m2", "m3", None])  # m2 keeps its first time
    times = await second.times(thread_id)
    assert set(times) == {"m1", "m2", "m3"} and times["m2"].startswith("2026-12-01T10:00:00")
    assert await first.created_at(thread_id) == await second.created_at(thread_id)


async def test_threads_belong_to_their_store(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=pg_url)
    mine, theirs = (
        await open_threads(settings, "store-a", tmp_path),
        await open_threads(settings, "store-b", tmp_path),
    )
    thread_id, secret = await mine.create()
    assert await mine.check(thread_id, secret) and not await theirs.check(thread_id, secret)
    assert "postgres@" not in repr(mine)  # no user (or password) in a repr
    await mine.aclose()
    await theirs.aclose()


async def test_sqlite_stays_the_default(tmp_path: Path) -> None:
    registry = await open_threads(Settings(home=tmp_path), "demostore", tmp_path)
    assert registry.db.dialect.engine == "sqlite" and (tmp_path / "serve.sqlite").exists()
    await registry.aclose()


def test_serve_says_where_its_state_lives_without_passwords(tmp_path: Path) -> None:
    from agent.cli.serve import deployment

    assert "one machine" in deployment(Settings(home=tmp_path))
    shared = Settings(
        home=tmp_path,
        database_url="postgresql://app:pg-secret@db.internal:5432/bcagent",
        chroma_url="http://chroma.internal:8000",
        redis_url="redis://:redis-secret@cache.internal:6379/2",
    )
    line = deployment(shared)
    assert "db.internal:5432/bcagent" in line and "cache.internal:6379" in line and "chroma.internal" in line
    assert "secret" not in line and "app" not in line and "per replica" not in line
    assert "per replica" in deployment(Settings(home=tmp_path, database_url=shared.database_url))
