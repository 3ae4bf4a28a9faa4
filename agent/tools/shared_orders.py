"""The orders conversations keep, shared by the replicas through Redis (when ``BCAGENT_REDIS_URL`` is
set): a conversation whose turns reach different replicas reads its order from the store once, and an
order or shipment webhook delivered to one replica drops the order for all of them.

A kept order is one key per conversation and order, ``{prefix}:orders:{store}:{thread}:{order}``, holding
the order as read and its details once read (JSON), expiring with the window
(``BCAGENT_ORDER_CACHE_SECONDS``); a set per order, ``{prefix}:orders:{store}:by-order:{order}``, names the
conversations' keys so a webhook drops them all. Only orders that passed the identity rules are kept
(:mod:`agent.tools.order_cache`). `bcagent disconnect` deletes the store's keys with its other Redis keys.
"""

from __future__ import annotations

import json
from typing import Any, cast

from bigcommerce.types.orders import Order

from ..persistence.redis_purge import ORDER_KEYS, store_keys
from .results import OrderDetails


class SharedOrders:
    """One store's kept orders in Redis. Every method raises the client's error when Redis fails; the
    caller (``OrderCache``) then keeps orders in its own process."""

    def __init__(self, redis: Any, store_hash: str, prefix: str, ttl_seconds: float) -> None:
        self.redis = redis
        self.base = store_keys(prefix, ORDER_KEYS, store_hash)
        self.ttl_ms = max(1, int(ttl_seconds * 1000))

    def _key(self, thread_id: str, number: int) -> str:
        return f"{self.base}{thread_id}:{number}"

    def _index(self, number: int) -> str:
        return f"{self.base}by-order:{number}"

    async def get(self, thread_id: str, number: int) -> tuple[Order, OrderDetails | None] | None:
        raw = await self.redis.get(self._key(thread_id, number))
        if raw is None:
            return None
        data = json.loads(raw)
        details = cast(OrderDetails | None, data.get("details"))
        return Order.model_validate(data["order"]), details

    async def put(self, thread_id: str, order: Order, details: OrderDetails | None) -> None:
        number = order.id or 0
        key = self._key(thread_id, number)
        body = json.dumps({"order": order.model_dump(mode="json"), "details": details})
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(key, body, px=self.ttl_ms)
            pipe.sadd(self._index(number), key)
            pipe.pexpire(self._index(number), self.ttl_ms)
            await pipe.execute()

    async def drop(self, number: int) -> int:
        """Forget the order in every conversation; how many conversations kept it."""
        index = self._index(number)
        keys = [k.decode() if isinstance(k, bytes) else str(k) for k in await self.redis.smembers(index)]
        if keys:
            await self.redis.delete(*keys)
        await self.redis.delete(index)
        return len(keys)
