"""Proactive throttling from the X-Rate-Limit-* headers, with a reserve for interactive calls."""

from __future__ import annotations

import httpx
import pytest

from bigcommerce import RateLimitSnapshot

from .conftest import MakeClient
from .helpers import FakeTime, json_response, rate_headers


class Quota:
    """Answers every request with the next ``Requests-Left`` value; records requests."""

    def __init__(self, *lefts: int, reset_ms: int = 12000) -> None:
        self.lefts = list(lefts)
        self.reset_ms = reset_ms
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        left = self.lefts[min(self.count, len(self.lefts) - 1)]
        self.count += 1
        return json_response(200, {"time": 1}, rate_headers(left=left, reset_ms=self.reset_ms))


async def test_low_requests_left_waits_for_the_reset_before_the_next_request(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    quota = Quota(2, 149, reset_ms=12000)
    async with make_client(quota) as client:
        await client.store.time()
        assert fake_time.sleeps == []
        await client.store.time()
    assert fake_time.sleeps == [12.0]
    assert quota.count == 2
    assert client.stats.throttled == 1
    assert client.stats.rate_limited == 0


async def test_plenty_left_never_waits(make_client: MakeClient, fake_time: FakeTime) -> None:
    quota = Quota(100, 99, 98, 97)
    async with make_client(quota) as client:
        for _ in range(4):
            await client.store.time()
    assert fake_time.sleeps == []


async def test_wait_is_only_what_remains_of_the_window(make_client: MakeClient, fake_time: FakeTime) -> None:
    quota = Quota(1, 149, reset_ms=10000)
    async with make_client(quota) as client:
        await client.store.time()
        fake_time.now += 4.0  # four seconds pass between the calls
        await client.store.time()
    assert fake_time.sleeps == [pytest.approx(6.0)]


async def test_window_already_refilled_does_not_wait(make_client: MakeClient, fake_time: FakeTime) -> None:
    quota = Quota(1, 149, reset_ms=3000)
    async with make_client(quota) as client:
        await client.store.time()
        fake_time.now += 5.0
        await client.store.time()
    assert fake_time.sleeps == []


async def test_lowercase_headers_are_understood(make_client: MakeClient, fake_time: FakeTime) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"x-rate-limit-requests-left": "1", "x-rate-limit-time-reset-ms": "5000"}
        return json_response(200, {"time": 1}, headers)

    async with make_client(handler) as client:
        await client.store.time()
        await client.store.time()
    assert fake_time.sleeps == [5.0]


async def test_threshold_is_configurable(make_client: MakeClient, fake_time: FakeTime) -> None:
    quota = Quota(5, 149)
    async with make_client(quota, throttle_threshold=5) as client:
        await client.store.time()
        await client.store.time()
    assert fake_time.sleeps == [12.0]


async def test_requests_sent_since_the_last_header_count_against_the_quota(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    quota = Quota(4, 149)
    async with make_client(quota) as client:
        await client.store.time()  # left=4
        await client.store.time()  # estimate 3 -> no wait; server says 149
    assert fake_time.sleeps == []


async def test_bulk_keeps_a_reserve_for_interactive_calls(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    quota = Quota(10, 10, 10, reset_ms=8000)
    async with make_client(quota, bulk_reserve=10) as client:
        bulk = client.with_options(priority="bulk")
        await bulk.store.time()  # left=10 now
        await client.store.time()  # interactive: 10 > 2, goes at once
        assert fake_time.sleeps == []
        await bulk.store.time()  # bulk: 10 <= 2 + 10, waits for the window
    assert fake_time.sleeps == [8.0]


async def test_rate_limit_snapshot_is_exposed(make_client: MakeClient) -> None:
    async with make_client(Quota(35, reset_ms=15000)) as client:
        await client.store.time()
        assert client.rate_limit == RateLimitSnapshot(window_ms=30000, reset_ms=15000, quota=150, left=35)


def test_snapshot_parsing_ignores_garbage() -> None:
    snapshot = RateLimitSnapshot.from_headers(
        {"X-RATE-LIMIT-REQUESTS-LEFT": "7", "X-Rate-Limit-Requests-Quota": "lots"}
    )
    assert snapshot.left == 7
    assert snapshot.quota is None
    assert snapshot.reset_ms is None


async def test_after_a_final_429_the_next_request_waits(make_client: MakeClient, fake_time: FakeTime) -> None:
    responses = [
        httpx.Response(429, headers=rate_headers(left=0, reset_ms=9000)),
        json_response(200, {"time": 1}, rate_headers(left=149)),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return responses.pop(0)

    async with make_client(handler, max_retries=0) as client:
        with pytest.raises(Exception):  # noqa: B017 - RateLimitError, covered elsewhere
            await client.store.time()
        await client.store.time()
    assert fake_time.sleeps == [9.0]
