"""The kept orders shared by two replicas through a real Redis: a conversation's follow-up on the other
replica reads nothing, an order webhook on one replica drops the order for both, `bcagent disconnect`
deletes the keys, and a dead Redis leaves each replica its own copies."""

from __future__ import annotations

import asyncio

import pytest

from agent.persistence.redis_purge import purge_redis
from agent.ports import free_port
from agent.tools.code_cache import redis_client
from agent.tools.order_cache import OrderCache
from agent.tools.orders import get_order_information
from agent.tools.shared_orders import SharedOrders
from tests.tools.conftest import REDIS_URL, ToolsEnv

JANE = "jane.doe@example.com"


def _requests(env: ToolsEnv) -> int:
    return env.ctx.client.stats.requests


async def test_replicas_share_a_conversations_order(env: ToolsEnv, redis_prefix: str) -> None:
    first, second = redis_client(REDIS_URL), redis_client(REDIS_URL)
    try:
        store = env.ctx.store_hash
        one = OrderCache(60, shared=SharedOrders(first, store, redis_prefix, 60))
        two = OrderCache(60, shared=SharedOrders(second, store, redis_prefix, 60))
        env.ctx.orders = one
        asked = await get_order_information(env.ctx, env.conversation, "12345", JANE)
        sent = _requests(env)
        assert asked["status"] == "ok" and sent == 2
        env.ctx.orders = two  # the conversation's next turn reaches the other replica
        again = await get_order_information(env.ctx, env.conversation, "#12345", JANE)
        assert again == asked and _requests(env) == sent
        wrong = await get_order_information(env.ctx, env.conversation, "12345", "someone@example.com")
        assert "order" not in wrong  # the identity rules still run on the shared copy
        other = await get_order_information(env.ctx, env.new_conversation(), "12345", JANE)
        assert other["status"] == "ok" and _requests(env) == sent + 2  # another conversation reads itself

        env.store.orders[12345]["custom_status"] = "Delayed"
        one.forget_soon(12345)  # the webhook reached replica one
        await asyncio.gather(*one._drops)
        fresh = await get_order_information(env.ctx, env.conversation, "12345", JANE)
        assert fresh["order"]["status"] == "Delayed" and _requests(env) == sent + 4

        assert [key async for key in first.scan_iter(match=f"{redis_prefix}:orders:{store}:*")]
        assert await purge_redis(REDIS_URL, redis_prefix, store) >= 2  # the conversations' keys and the index
        assert not [key async for key in first.scan_iter(match=f"{redis_prefix}:orders:*")]
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_dead_redis_leaves_each_replica_its_own(
    env: ToolsEnv, redis_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    dead = redis_client(f"redis://127.0.0.1:{free_port()}/0")
    try:
        env.ctx.orders = OrderCache(60, shared=SharedOrders(dead, env.ctx.store_hash, redis_prefix, 60))
        asked = await get_order_information(env.ctx, env.conversation, "12345", JANE)
        sent = _requests(env)
        again = await get_order_information(env.ctx, env.conversation, "12345", JANE)
        assert asked["status"] == "ok" and again == asked and _requests(env) == sent
        await env.ctx.orders.forget(12345)  # no error either
        assert "Redis unavailable for the kept orders" in caplog.text
    finally:
        await dead.aclose()
