"""Orders read once per conversation: an order a conversation verified is kept for that conversation a
short time (``BCAGENT_ORDER_CACHE_SECONDS``, default 60; 0 keeps nothing), so a status question and its
tracking follow-up read the store once.

Only orders that passed the identity rules are kept, and only for the conversation that passed them:
a failed lookup is never cached (the tool stays no oracle), and another conversation asking about the
same order reads and verifies it itself. An entry is dropped when it is older than the window, when
the store's ``store/order/*`` or ``store/shipment/*`` webhook names the order (``bcagent webhooks
register``), and when this process writes the order (a cancellation re-reads before and after writing,
never from here). The details of an order (items, shipments, where it ships) are kept with it once read.

With ``BCAGENT_REDIS_URL`` the replicas share them (:mod:`agent.tools.shared_orders`): a conversation's
turns may reach different replicas, and a webhook reaching one drops the order for all. When Redis
cannot be reached, each process keeps its own (each bounded by the window) until it answers again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bigcommerce.types.orders import Order

from .results import OrderDetails
from .shared_orders import SharedOrders

DEFAULT_ORDER_CACHE_SECONDS = 60.0
log = logging.getLogger(__name__)


@dataclass
class CachedOrder:
    order: Order
    read_at: float  # monotonic seconds
    thread_id: str  # the conversation that verified it
    details: OrderDetails | None = None

    def age(self, now: float) -> float:
        return max(0.0, now - self.read_at)


class OrderCache:
    """The orders conversations verified, keyed by (thread, order number); least recently used first
    out beyond ``max_entries``."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_ORDER_CACHE_SECONDS,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedOrders | None = None,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.clock = clock
        self.shared = shared
        self._entries: OrderedDict[tuple[str, int], CachedOrder] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self._shared_down = False
        self._drops: set[asyncio.Task[None]] = set()

    # ---- what the tools call: shared through Redis when configured, else this process's own ----------

    async def fetch(self, thread_id: str, number: int) -> CachedOrder | None:
        """The order ``thread_id`` verified, while kept (Redis first when shared and up)."""
        if self.shared is not None and self.ttl_seconds > 0:
            try:
                kept = await self.shared.get(thread_id, number)
            except Exception as exc:  # Redis down: this process's own copies, until it answers
                self._down(exc)
            else:
                self._up()
                if kept is None:
                    self.misses += 1
                    return None
                self.hits += 1
                return CachedOrder(kept[0], self.clock(), thread_id, kept[1])
        return self.get(thread_id, number)

    async def keep(self, thread_id: str, order: Order) -> CachedOrder | None:
        """Keep ``order``, verified in ``thread_id`` (here, and in Redis when shared)."""
        entry = self.put(thread_id, order)
        if entry is not None:
            await self._share(entry)
        return entry

    async def keep_details(self, entry: CachedOrder) -> None:
        """The order's details were read: keep them with it (in Redis too when shared)."""
        await self._share(entry)

    async def forget(self, number: int) -> None:
        """Forget order ``number`` in every conversation, here and in Redis (it changed)."""
        self.drop(number)
        if self.shared is not None:
            try:
                await self.shared.drop(number)
            except Exception as exc:
                self._down(exc)

    def forget_soon(self, number: int) -> None:
        """``forget`` from a synchronous listener (the webhook receiver): dropped here at once, in
        Redis by a task."""
        self.drop(number)
        if self.shared is not None:
            task = asyncio.get_running_loop().create_task(self.forget(number))
            self._drops.add(task)
            task.add_done_callback(self._drops.discard)

    async def _share(self, entry: CachedOrder) -> None:
        if self.shared is None or self.ttl_seconds <= 0 or entry.order.id is None:
            return
        try:
            await self.shared.put(entry.thread_id, entry.order, entry.details)
        except Exception as exc:
            self._down(exc)
        else:
            self._up()

    def _down(self, exc: Exception) -> None:
        if not self._shared_down:
            log.warning("Redis unavailable for the kept orders (%s); each process keeps its own", exc)
        self._shared_down = True

    def _up(self) -> None:
        if self._shared_down:
            log.info("Redis answers again: the kept orders are shared again")
        self._shared_down = False

    # ---- this process's own copies ------------------------------------------------------------------

    def get(self, thread_id: str, number: int) -> CachedOrder | None:
        key = (thread_id, number)
        entry = self._entries.get(key)
        if entry is not None and entry.age(self.clock()) >= self.ttl_seconds:
            del self._entries[key]
            entry = None
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, thread_id: str, order: Order) -> CachedOrder | None:
        """Keep ``order`` (verified in ``thread_id``); its details are read again with it."""
        if self.ttl_seconds <= 0 or order.id is None:
            return None
        entry = CachedOrder(order, self.clock(), thread_id)
        self._entries[(thread_id, order.id)] = entry
        self._entries.move_to_end((thread_id, order.id))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return entry

    def drop(self, number: int) -> int:
        """Forget order ``number`` in every conversation (it changed); how many entries went."""
        keys = [key for key in self._entries if key[1] == number]
        for key in keys:
            del self._entries[key]
        return len(keys)

    def __len__(self) -> int:
        return len(self._entries)


def order_of_event(scope: str, data: dict[str, object]) -> int | None:
    """The order a ``store/order/*`` (``{type: "order", id}``) or ``store/shipment/*`` (``{type:
    "shipment", id, orderId}``) webhook is about; None for other events."""
    if scope.startswith("store/order/"):
        ident = data.get("id")
    elif scope.startswith("store/shipment/"):
        ident = data.get("orderId", data.get("order_id"))
    else:
        return None
    if isinstance(ident, bool):
        return None
    if isinstance(ident, int):
        return ident
    if isinstance(ident, str) and ident.strip().isdigit():
        return int(ident.strip())
    return None


__all__ = ["DEFAULT_ORDER_CACHE_SECONDS", "CachedOrder", "OrderCache", "order_of_event"]
