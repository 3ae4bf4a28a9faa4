"""The gateway rules in front of every route: store hash, token, scopes, quota, faults, unknown routes."""

from __future__ import annotations

import threading

import httpx
import pytest

from sandbox.app import Sandbox
from sandbox.formats import SCOPE_MESSAGE
from sandbox.ratelimit import RateLimiter
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN, SMALL_READONLY_TOKEN
from tests.sandbox.conftest import client_for


async def test_missing_and_unknown_token_are_401(sandbox: Sandbox) -> None:
    for token in (None, "not-a-real-token"):
        async with client_for(sandbox, token) as client:
            response = await client.get("/v2/store")
        assert response.status_code == 401
        assert response.json() == {**response.json(), "status": 401, "title": "Unauthorized"}


async def test_token_of_another_store_is_401(small_data: dict[str, object]) -> None:
    other = {
        "store": {"id": "othershop"},
        "api_accounts": [{"token": "othertoken123", "scopes": ["store_v2_orders"]}],
    }
    sandbox = Sandbox([SandboxStore.from_data(small_data), SandboxStore.from_data(other)])
    async with client_for(sandbox, "othertoken123", store="smallshop") as client:
        assert (await client.get("/v2/orders")).status_code == 401
    async with client_for(sandbox, "othertoken123", store="othershop") as client:
        assert (await client.get("/v2/orders")).status_code == 204


async def test_unknown_store_hash_is_403(sandbox: Sandbox) -> None:
    async with client_for(sandbox, store="nosuchstore") as client:
        response = await client.get("/v3/catalog/products")
    assert response.status_code == 403
    assert response.json()["title"] == "Authentication Required"


async def test_missing_scope_is_403_with_bigcommerce_message(sandbox: Sandbox) -> None:
    async with client_for(sandbox, SMALL_READONLY_TOKEN) as client:
        for path in (
            "/v2/store",
            "/v2/coupons",
            "/v3/promotions",
            "/v3/customers",
            "/v3/orders/100/transactions",
        ):
            response = await client.get(path)
            assert response.status_code == 403, path
            assert response.json() == {
                "status": 403,
                "title": SCOPE_MESSAGE,
                "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
                "errors": {},
            }
        assert (await client.get("/v2/orders/100")).status_code == 200
        assert (await client.get("/v3/catalog/products")).status_code == 200


async def test_read_only_scope_allows_get_only(sandbox: Sandbox) -> None:
    async with client_for(sandbox, SMALL_READONLY_TOKEN) as client:
        response = await client.put("/v2/orders/100", json={"status_id": 5})
    assert response.status_code == 403
    assert sandbox.store.orders[100]["status_id"] == 11
    async with client_for(sandbox, SMALL_FULL_TOKEN) as client:
        assert (await client.put("/v2/orders/100", json={"status_id": 5})).status_code == 200


async def test_rate_limit_headers_on_every_response(api: httpx.AsyncClient) -> None:
    first = await api.get("/v2/orders")
    second = await api.get("/v2/orders/999")
    for response in (first, second):
        assert response.headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
        assert response.headers["X-Rate-Limit-Requests-Quota"] == "1000"
        assert 0 < int(response.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 30000
    assert int(first.headers["X-Rate-Limit-Requests-Left"]) == 999
    assert int(second.headers["X-Rate-Limit-Requests-Left"]) == 998


async def test_quota_spent_gives_429_and_reset_counts_down(small_data: dict[str, object]) -> None:
    now = [100.0]
    sandbox = Sandbox([SandboxStore.from_data(small_data)], quota=3)
    sandbox.limiter = RateLimiter(clock=lambda: now[0])
    sandbox.limiter.set_quota("smallshop", 3)
    async with client_for(sandbox) as client:
        lefts = [int((await client.get("/v2/time")).headers["X-Rate-Limit-Requests-Left"]) for _ in range(3)]
        assert lefts == [2, 1, 0]
        now[0] += 10
        limited = await client.get("/v2/time")
        assert limited.status_code == 429
        assert limited.json()["title"] == "Too many requests"
        assert limited.headers["X-Rate-Limit-Time-Reset-Ms"] == "20000"
        now[0] += 5
        again = await client.get("/v2/time")
        assert again.status_code == 429 and again.headers["X-Rate-Limit-Time-Reset-Ms"] == "15000"
        now[0] += 15
        fresh = await client.get("/v2/time")
        assert fresh.status_code == 200 and fresh.headers["X-Rate-Limit-Requests-Left"] == "2"


async def test_quota_is_per_store_and_configurable_at_run_time(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as admin:
        response = await admin.put("/__sandbox__/stores/smallshop/rate-limit", json={"quota": 1})
        assert response.status_code == 200
        assert (
            await admin.put("/__sandbox__/stores/smallshop/rate-limit", json={"quota": 0})
        ).status_code == 422
    async with client_for(sandbox) as client:
        assert (await client.get("/v2/time")).status_code == 200
        assert (await client.get("/v2/time")).status_code == 429


async def test_fault_injection_at_run_time(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as admin:
        assert (
            await admin.put("/__sandbox__/faults", json={"burst_429": 2, "fail_next": 1})
        ).status_code == 200
        assert (await admin.put("/__sandbox__/faults", json={"error_rate": 2})).status_code == 422
        assert (await admin.put("/__sandbox__/faults", json={"colour": 1})).status_code == 422
    async with client_for(sandbox) as client:
        statuses = [(await client.get("/v2/orders/100")).status_code for _ in range(4)]
        assert statuses == [429, 429, 500, 200]
        sandbox.faults.update({"error_rate": 1.0, "error_status": 503})
        failed = await client.get("/v2/orders/100")
        assert failed.status_code == 503
        assert failed.json() == [{"status": 503, "message": "Internal Server Error"}]
        sandbox.faults.update({"error_rate": 0.5, "seed": 7})
        outcomes = [(await client.get("/v3/catalog/products/1")).status_code for _ in range(40)]
        assert 5 <= outcomes.count(503) <= 35 and outcomes.count(200) == 40 - outcomes.count(503)


async def test_latency_injection_delays_requests(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    delays: list[float] = []
    here = threading.get_ident()

    async def fake_sleep(seconds: float) -> None:
        if threading.get_ident() == here:  # the patch is process-wide: other threads' loops sleep too
            delays.append(seconds)

    monkeypatch.setattr("sandbox.app.asyncio.sleep", fake_sleep)
    sandbox.faults.update({"latency_ms": 250})
    async with client_for(sandbox) as client:
        assert (await client.get("/v2/time")).status_code == 200
    assert delays == [0.25]


async def test_unknown_routes_and_methods(api: httpx.AsyncClient) -> None:
    v2 = await api.get("/v2/frobnicate")
    assert v2.status_code == 404 and v2.json() == [
        {"status": 404, "message": "The requested resource was not found."}
    ]
    v3 = await api.get("/v3/catalog/frobnicate")
    assert v3.status_code == 404 and v3.json()["status"] == 404
    not_a_number = await api.get("/v2/orders/abc")
    assert not_a_number.status_code == 404
    method = await api.post("/v2/orders/100", json={})
    assert method.status_code == 405 and method.json()[0]["status"] == 405


async def test_malformed_writes(api: httpx.AsyncClient) -> None:
    bad_json = await api.put(
        "/v2/orders/100", content=b"{status_id: 5", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()[0]["status"] == 400
    no_type = await api.put(
        "/v2/orders/100", content=b'{"status_id": 5}', headers={"Content-Type": "text/plain"}
    )
    assert no_type.status_code == 415
    for body in ({"status_id": 99}, {"status_id": "5"}, {"status_id": True}, [1, 2]):
        response = await api.put("/v2/orders/100", json=body)
        assert response.status_code == 400, body
    missing = await api.put("/v2/orders/4242", json={"status_id": 5})
    assert missing.status_code == 404


async def test_a_crash_is_a_json_500_not_a_stack_trace(sandbox: Sandbox) -> None:
    sandbox.store.orders[100]["billing_address"] = None  # breaks the email filter
    async with client_for(sandbox) as client:
        response = await client.get("/v2/orders", params={"email": "ann@example.com"})
    assert response.status_code == 500
    assert response.json() == [{"status": 500, "message": "Internal Server Error"}]
    assert "Traceback" not in response.text


async def test_admin_route_changes_a_product_and_bumps_date_modified(sandbox: Sandbox) -> None:
    before = sandbox.store.products[1]["date_modified"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as admin:
        changed = await admin.patch(
            "/__sandbox__/stores/smallshop/products/1", json={"name": "New Name", "price": 12.5}
        )
        assert changed.status_code == 200
        assert (
            await admin.patch("/__sandbox__/stores/smallshop/products/99", json={"name": "x"})
        ).status_code == 404
        assert (await admin.patch("/__sandbox__/stores/smallshop/products/1", json=[])).status_code == 422
    product = sandbox.store.products[1]
    assert (product["name"], product["calculated_price"]) == ("New Name", 12.5)
    assert product["date_modified"] > before
