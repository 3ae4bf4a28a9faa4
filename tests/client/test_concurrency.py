"""The shared concurrency limit, and the reservation that keeps bulk crawls from starving shoppers."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bigcommerce import AsyncBigCommerce

from .conftest import MakeClient
from .helpers import json_response


async def settle(turns: int = 50) -> None:
    """Let every runnable task run until it blocks: a count of event-loop turns, not a clock, so a busy
    machine makes this slower but never changes what has happened when it returns."""
    for _ in range(turns):
        await asyncio.sleep(0)


class InFlight:
    """A handler that holds each request open for a number of event-loop turns (not seconds, so the
    peak does not depend on the machine's load) and records the peak concurrency."""

    def __init__(self, turns: int = 50) -> None:
        self.turns = turns
        self.current = 0
        self.peak = 0
        self.total = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.current += 1
        self.total += 1
        self.peak = max(self.peak, self.current)
        try:
            await settle(self.turns)
        finally:
            self.current -= 1
        return json_response(200, {"time": 1})


async def test_concurrency_limit_is_respected(make_client: MakeClient) -> None:
    handler = InFlight()
    async with make_client(handler, max_concurrency=3) as client:
        await asyncio.gather(*(client.store.time() for _ in range(12)))
    assert handler.total == 12
    assert handler.peak == 3


async def test_views_share_the_limit(make_client: MakeClient) -> None:
    handler = InFlight()
    async with make_client(handler, max_concurrency=4, bulk_concurrency=4) as client:
        bulk = client.with_options(priority="bulk")
        await asyncio.gather(*(c.store.time() for c in [client, bulk] * 6))
    assert handler.peak == 4


async def test_bulk_requests_use_at_most_the_bulk_limit(make_client: MakeClient) -> None:
    handler = InFlight()
    async with make_client(handler, max_concurrency=6, bulk_concurrency=2) as client:
        bulk = client.with_options(priority="bulk")
        await asyncio.gather(*(bulk.store.time() for _ in range(8)))
    assert handler.peak == 2


async def test_interactive_calls_get_through_while_bulk_is_saturated(make_client: MakeClient) -> None:
    release = asyncio.Event()
    bulk_in_flight = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal bulk_in_flight
        if request.url.path.endswith("/v3/catalog/products"):
            bulk_in_flight += 1
            await release.wait()
            return json_response(200, {"data": [], "meta": {}})
        return json_response(200, {"time": 1})

    async with make_client(handler, max_concurrency=3, bulk_concurrency=2) as client:
        bulk = client.with_options(priority="bulk")
        crawl = [asyncio.create_task(bulk.products.list()) for _ in range(5)]
        await settle()
        assert bulk_in_flight == 2  # the other three wait for a bulk slot
        # A shopper's call is answered while every bulk task is still blocked (the bulk tasks never
        # finish before `release`, so a call queued behind them would hang: the timeout only stops that).
        result = await asyncio.wait_for(client.store.time(), timeout=60)
        assert result.time == 1
        assert not any(task.done() for task in crawl)
        release.set()
        await asyncio.gather(*crawl)
    assert bulk_in_flight == 5


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        AsyncBigCommerce("abc1d2ef", "token123", max_concurrency=0)
    with pytest.raises(ValueError, match="bulk_concurrency"):
        AsyncBigCommerce("abc1d2ef", "token123", max_concurrency=2, bulk_concurrency=3)
    with pytest.raises(ValueError, match="priority"):
        AsyncBigCommerce("abc1d2ef", "token123", priority="urgent")  # type: ignore[arg-type]
