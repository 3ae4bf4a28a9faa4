"""The sandbox's read-only count of what its quota answered: requests counted, 429s sent and when."""

from __future__ import annotations

import httpx

from sandbox.app import Sandbox
from sandbox.faults import FaultConfig
from sandbox.ratelimit import RateLimiter
from sandbox.state import SandboxStore
from tests.sandbox.conftest import client_for


def admin_for(sandbox: Sandbox) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox")


async def test_tally_counts_requests_and_dates_each_429_and_window(small_data: dict[str, object]) -> None:
    now = [50.0]
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    sandbox.limiter = RateLimiter(window_ms=10_000, clock=lambda: now[0])
    sandbox.limiter.set_quota("smallshop", 2)
    async with client_for(sandbox) as client, admin_for(sandbox) as admin:
        statuses = [(await client.get("/v2/time")).status_code for _ in range(3)]
        now[0] += 4
        statuses.append((await client.get("/v2/time")).status_code)
        now[0] += 7  # the next window
        statuses.append((await client.get("/v2/time")).status_code)
        assert statuses == [200, 200, 429, 429, 200]
        body = (await admin.get("/__sandbox__/stores/smallshop/rate-limit")).json()
        assert body["quota"] == 2 and body["window_ms"] == 10_000 and body["now_ms"] == 11_000
        assert body["counted"] == 3 and body["refused"] == 2
        assert body["refused_ms"] == [0, 4_000]
        assert body["windows_ms"] == [0, 11_000]
        later = (await admin.get("/__sandbox__/stores/smallshop/rate-limit?since_ms=1")).json()
        assert later["refused_ms"] == [4_000] and later["windows_ms"] == [11_000]
        assert later["refused"] == 2  # the totals are since the start
        assert (await admin.get("/__sandbox__/stores/nosuchstore/rate-limit")).status_code == 404


async def test_tally_counts_injected_429s_and_is_not_rate_limited(small_data: dict[str, object]) -> None:
    sandbox = Sandbox([SandboxStore.from_data(small_data)], faults=FaultConfig(burst_429=1), quota=1)
    async with client_for(sandbox) as client, admin_for(sandbox) as admin:
        assert [(await client.get("/v2/time")).status_code for _ in range(2)] == [429, 429]
        for _ in range(3):  # the admin route is outside the store's quota
            assert (await admin.get("/__sandbox__/stores/smallshop/rate-limit")).status_code == 200
        body = (await admin.get("/__sandbox__/stores/smallshop/rate-limit")).json()
    assert body["refused"] == 2 and len(body["refused_ms"]) == 2
    assert body["counted"] == 1  # the injected 429 used the quota; the second was the quota's own refusal
