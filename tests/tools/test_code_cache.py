"""Codes and promotions kept per store: fifty shoppers asking about SAVE20 at once make one lookup's
requests, the window ends, the answers are shared by replicas through Redis (real Redis on
127.0.0.1:6379, keys of this test's own), and a dead Redis loses nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import pytest

from agent.ports import free_port
from agent.tools.code_cache import CodeCache, redis_client
from agent.tools.context import Conversation
from agent.tools.marketing import list_active_promotions, lookup_discount_code
from tests.tools.conftest import REDIS_URL, ToolsEnv


def _requests(env: ToolsEnv) -> int:
    return env.ctx.client.stats.requests


async def _one_lookup_costs(env: ToolsEnv, code: str) -> int:
    env.ctx.codes = None
    before = _requests(env)
    await lookup_discount_code(env.ctx, Conversation("measure"), code)
    return _requests(env) - before


async def test_fifty_shoppers_at_once_make_one_lookup(env: ToolsEnv) -> None:
    alone = await _one_lookup_costs(env, " save20 ")  # as typed: tried as typed, then upper-cased
    assert alone >= 2  # the v3 promotion codes, then the owning promotion or the v2 coupons
    env.ctx.codes = CodeCache(env.ctx.store_hash, 60)
    before = _requests(env)
    answers = await asyncio.gather(
        *(lookup_discount_code(env.ctx, Conversation(f"shopper-{n}"), " save20 ") for n in range(50))
    )
    assert _requests(env) - before == alone
    assert all(answer == answers[0] for answer in answers) and answers[0]["valid"] is True


async def test_an_unknown_code_is_kept_too_and_still_counts_as_a_wrong_attempt(env: ToolsEnv) -> None:
    env.ctx.codes = CodeCache(env.ctx.store_hash, 60)
    first = await lookup_discount_code(env.ctx, env.conversation, "NOSUCHCODE")
    sent = _requests(env)
    again = await lookup_discount_code(env.ctx, env.conversation, "NOSUCHCODE")
    assert first["status"] == again["status"] == "not_found"
    assert _requests(env) - sent <= 2  # the gift certificate check only: never kept
    state = await env.ctx.conversation_state(env.conversation)
    assert state.wrong_discount_codes == 2


async def test_the_window_ends_and_the_store_is_read_again(env: ToolsEnv) -> None:
    now = [0.0]
    env.ctx.codes = CodeCache(env.ctx.store_hash, 60, clock=lambda: now[0])
    listed = await list_active_promotions(env.ctx, env.conversation)
    sent = _requests(env)
    now[0] = 59.0
    assert await list_active_promotions(env.ctx, env.conversation) == listed and _requests(env) == sent
    with env.store.lock:
        env.store.coupons.clear()
        env.store.promotions.clear()
    now[0] = 60.5
    emptied = await list_active_promotions(env.ctx, env.conversation)
    assert _requests(env) > sent and emptied["promotions"] == [] and listed["promotions"]


async def test_zero_seconds_keeps_nothing(env: ToolsEnv) -> None:
    alone = await _one_lookup_costs(env, "SAVE20")
    env.ctx.codes = CodeCache(env.ctx.store_hash, 0)
    before = _requests(env)
    for _ in range(3):
        await lookup_discount_code(env.ctx, env.conversation, "SAVE20")
    assert _requests(env) - before == 3 * alone


async def test_replicas_share_the_answers_through_redis(env: ToolsEnv, redis_prefix: str) -> None:
    alone = await _one_lookup_costs(env, "SAVE20")
    first, second = redis_client(REDIS_URL), redis_client(REDIS_URL)
    try:
        # a replica waits as long as the other's read takes, however busy the machine is
        replica_one = CodeCache(env.ctx.store_hash, 60, redis=first, prefix=redis_prefix, wait_seconds=120)
        replica_two = CodeCache(env.ctx.store_hash, 60, redis=second, prefix=redis_prefix, wait_seconds=120)
        before = _requests(env)

        async def ask(cache: CodeCache, n: int) -> dict[str, object]:
            replica = dataclasses.replace(env.ctx, codes=cache)  # one client: requests counted together
            return dict(await lookup_discount_code(replica, Conversation(f"replica-shopper-{n}"), "SAVE20"))

        answers = await asyncio.gather(*(ask(replica_one if n % 2 else replica_two, n) for n in range(20)))
        assert _requests(env) - before == alone
        assert all(answer == answers[0] for answer in answers)
        assert replica_one.loads + replica_two.loads == alone
        assert [key async for key in first.scan_iter(match=f"{redis_prefix}:codes:*")]
    finally:
        await first.aclose()
        await second.aclose()


class _LateLooker:
    """A Redis client whose first read of a key misses: the replica looked just before another replica
    wrote the answer and let go of the key's lock."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.missed = False

    async def get(self, name: str) -> Any:
        if not self.missed:
            self.missed = True
            return None
        return await self.client.get(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


async def test_a_replica_that_gets_the_lock_after_another_read_uses_that_answer(
    env: ToolsEnv, redis_prefix: str
) -> None:
    first, second = redis_client(REDIS_URL), redis_client(REDIS_URL)
    try:
        replica_one = CodeCache(env.ctx.store_hash, 60, redis=first, prefix=redis_prefix)
        answer = await lookup_discount_code(
            dataclasses.replace(env.ctx, codes=replica_one), Conversation("a"), "SAVE20"
        )
        late = _LateLooker(second)
        replica_two = CodeCache(env.ctx.store_hash, 60, redis=late, prefix=redis_prefix)
        before = _requests(env)
        again = await lookup_discount_code(
            dataclasses.replace(env.ctx, codes=replica_two), Conversation("b"), "SAVE20"
        )
        assert late.missed and again == answer
        assert _requests(env) == before and replica_two.loads == 0
        assert not [key async for key in first.scan_iter(match=f"{redis_prefix}:*:lock")]  # let go
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_dead_redis_loses_nothing(env: ToolsEnv, caplog: pytest.LogCaptureFixture) -> None:
    dead = redis_client(f"redis://127.0.0.1:{free_port()}/0")
    try:
        env.ctx.codes = CodeCache(env.ctx.store_hash, 60, redis=dead)
        with caplog.at_level(logging.WARNING, logger="agent.tools.code_cache"):
            first = await lookup_discount_code(env.ctx, env.conversation, "SAVE20")
            second = await lookup_discount_code(env.ctx, Conversation("other"), "SAVE20")
        assert first["valid"] is True and second == first
        assert sum("Redis unreachable" in r.message for r in caplog.records) == 1
    finally:
        await dead.aclose()
