"""A budget per store for chat turns, against the store's BigCommerce quota (shared with every other app
of the store: 150 requests per 30 s on Standard and Plus plans), and caps on open streams.

A turn costs a few store requests (``ServeSettings.turn_requests``, 4 by default: an order lookup reads
the order, its items, shipments and addresses). Chat may spend at most ``chat_quota_share`` of the quota
(60% by default) in each quota window, so the merchant's other apps keep the rest; with 150 per 30 s and 4
per turn that is 22 turns per 30 s per store (until the store has answered once, its quota is unknown and
turns are admitted: the quota is read from its own rate-limit headers). One client may take at most ``client_budget_share`` of that
(25%: 5 turns per 30 s), so one client, however fast, cannot crowd out the others. A turn over either
budget is refused at once with ``429 store_busy``, ``Retry-After`` and a plain sentence, instead of
being admitted and then waiting half a minute for the quota.

The counts go through the server's rate limiter (in process, or in Redis with ``BCAGENT_REDIS_URL``,
so replicas share one budget). The quota is the store's own (``client.rate_limit.quota``, from the
``X-Rate-Limit-Requests-Quota`` header of its latest answer).

Open Server-Sent Event streams are capped per client and per store (``StreamSlots``): a client holding
many streams open gets ``429 too_many_streams`` for the next one.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass

from .errors import ApiError
from .state import ServedStore, ServerState

DEFAULT_WINDOW_SECONDS = 30.0
BUSY = "Lots of questions right now, please try again in a minute."


def busy(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(429, "store_busy", BUSY, {"Retry-After": str(wait)})


@dataclass(frozen=True)
class Budget:
    turns_per_window: int  # for the store
    turns_per_client: int
    window_seconds: float


def budget_of(server: ServerState, store: ServedStore) -> Budget | None:
    """The store's budget, or None while its quota is unknown (it has not answered yet)."""
    serve = server.settings.serve
    snapshot = store.agent.context.tools.client.rate_limit
    quota = snapshot.quota
    if not quota:
        return None
    window = (snapshot.window_ms / 1000) if snapshot.window_ms else DEFAULT_WINDOW_SECONDS
    turns = max(1, math.floor(quota * serve.chat_quota_share / max(1, serve.turn_requests)))
    per_client = max(1, math.floor(turns * serve.client_budget_share))
    return Budget(turns, per_client, window)


async def admit_turn(server: ServerState, store: ServedStore, client: str) -> None:
    """Count one turn against the client's share and the store's budget; ``store_busy`` when either is
    spent (nothing runs, nothing is sent to the store)."""
    if not server.settings.serve.store_budget:
        return
    budget = budget_of(server, store)
    if budget is None:
        return
    key = f"budget:{store.store_hash}"
    wait = await server.limiter.hit(f"{key}:client:{client}", budget.turns_per_client, budget.window_seconds)
    if wait is None:
        wait = await server.limiter.hit(key, budget.turns_per_window, budget.window_seconds)
    if wait is not None:
        raise busy(wait)


def stream_keys(server: ServerState, store: ServedStore, client: str) -> list[tuple[str, int]]:
    serve = server.settings.serve
    return [
        (f"client:{client}", serve.streams_per_client),
        (f"store:{store.store_hash}", serve.streams_per_store),
    ]


def open_stream(server: ServerState, store: ServedStore, client: str) -> list[str]:
    """Take a stream slot for the client and the store; ``429 too_many_streams`` when either is full."""
    wanted = stream_keys(server, store, client)
    if not server.streams.take(wanted):
        raise ApiError(
            429,
            "too_many_streams",
            "Too many conversations are streaming from here at once; wait for one to finish.",
            {"Retry-After": "5"},
        )
    return [key for key, _ in wanted]


async def released(body: AsyncIterator[bytes], server: ServerState, keys: list[str]) -> AsyncIterator[bytes]:
    """The stream's bytes; its slots are given back when it ends, however it ends."""
    try:
        async for chunk in body:
            yield chunk
    finally:
        server.streams.give_back(keys)


__all__ = ["BUSY", "Budget", "admit_turn", "budget_of", "open_stream", "released"]
