"""Disconnecting a store deletes its keys in Redis (lockout counts, cached codes) and nobody else's."""

from __future__ import annotations

import uuid

import pytest
import redis.asyncio as redis

from agent.persistence.redis_purge import purge_redis

URL = "redis://127.0.0.1:6379/0"


async def test_only_the_stores_keys_go() -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(URL)
    keys = {
        f"{prefix}:fail:abc:order:1.2.3.4": True,
        f"{prefix}:codes:abc:coupons": True,
        f"{prefix}:codes:abc:coupons:lock": True,
        f"{prefix}:fail:abcd:order:1.2.3.4": False,  # another store whose hash starts the same
        f"{prefix}:codes:other:coupons": False,
        f"{prefix}x:fail:abc:order": False,  # another deployment's prefix
    }
    try:
        for key in keys:
            await client.set(key, "1", ex=60)
        assert await purge_redis(URL, prefix, "abc") == 3
        for key, gone in keys.items():
            assert bool(await client.exists(key)) is not gone, key
    finally:
        await client.delete(*keys)
        await client.aclose()


async def test_without_redis_nothing_to_do_and_a_dead_one_says_so() -> None:
    assert await purge_redis(None, "bcagent", "abc") == 0
    with pytest.raises(OSError, match="Redis could not be reached"):
        await purge_redis("redis://127.0.0.1:1/0", "bcagent", "abc")
