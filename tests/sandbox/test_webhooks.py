"""The sandbox's /v3/hooks and its deliveries: hook objects, ownership, envelope, headers, retries."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from bigcommerce import AsyncBigCommerce, NotFoundError, UnprocessableEntityError
from sandbox.app import Sandbox
from sandbox.webhooks import RETRY_SCHEDULE
from tests.conftest import SMALL_FULL_TOKEN, SMALL_READONLY_TOKEN

RECEIVER = "http://127.0.0.1:9/hook"


class Receiver:
    """An ASGI app standing in for the merchant's endpoint: records requests, answers a scripted status."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[tuple[dict[str, str], Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        self.requests.append((dict(request.headers), await request.json()))
        status = self.statuses.pop(0) if self.statuses else 200
        await Response(status_code=status)(scope, receive, send)


def bc(sandbox: Sandbox, token: str = SMALL_FULL_TOKEN) -> AsyncBigCommerce:
    return AsyncBigCommerce(
        "smallshop",
        token,
        base_url="http://sandbox",
        transport=httpx.ASGITransport(app=sandbox),
        max_retries=0,
    )


def admin(sandbox: Sandbox) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox")


async def test_hooks_are_created_listed_updated_and_deleted_by_their_owner(sandbox: Sandbox) -> None:
    async with bc(sandbox) as client, bc(sandbox, SMALL_READONLY_TOKEN) as other:
        hook = await client.hooks.create("store/product/*", RECEIVER, headers={"X-Secret": "s3"})
        assert (hook.scope, hook.destination, hook.is_active, hook.store_hash) == (
            "store/product/*",
            RECEIVER,
            True,
            "smallshop",
        )
        assert hook.headers == {"X-Secret": "s3"} and "s3" not in repr(hook)
        assert isinstance(hook.created_at, int) and hook.id is not None
        assert [h.id for h in await client.hooks.list()] == [hook.id]
        assert await other.hooks.list() == []  # hooks belong to the API account that made them
        with pytest.raises(NotFoundError):
            await other.hooks.get(hook.id)
        updated = await client.hooks.update(hook.id, is_active=False)
        assert updated.is_active is False and (await client.hooks.get(hook.id)).is_active is False
        deleted = await client.hooks.delete(hook.id)
        assert deleted is not None and deleted.id == hook.id
        assert await client.hooks.list() == []
        with pytest.raises(NotFoundError):
            await client.hooks.delete(hook.id)


async def test_destination_must_be_https_443_except_on_loopback(sandbox: Sandbox) -> None:
    async with bc(sandbox) as client:
        for bad in ("http://shop.example/hook", "https://shop.example:8443/hook", "not a url"):
            with pytest.raises(UnprocessableEntityError):
                await client.hooks.create("store/product/*", bad)
        assert (await client.hooks.create("store/sku/*", "https://shop.example/hook")).id is not None


async def test_a_product_change_is_delivered_with_the_envelope_and_headers(sandbox: Sandbox) -> None:
    receiver = Receiver()
    sandbox.webhooks.transport = httpx.ASGITransport(app=receiver)
    async with bc(sandbox) as client, admin(sandbox) as http:
        await client.hooks.create("store/product/*", RECEIVER, headers={"X-Secret": "s3"})
        await client.hooks.create("store/category/updated", RECEIVER, headers={"X-Secret": "s3"})
        response = await http.patch("/__sandbox__/stores/smallshop/products/1", json={"inventory_level": 0})
        assert response.status_code == 200
        await http.patch("/__sandbox__/stores/smallshop/categories/18", json={"name": "Boxing Gloves"})
        await sandbox.webhooks.drain()
    scopes = sorted(body["scope"] for _, body in receiver.requests)
    assert scopes == ["store/category/updated", "store/product/inventory/updated", "store/product/updated"]
    headers, body = next(r for r in receiver.requests if r[1]["scope"] == "store/product/updated")
    assert headers["x-secret"] == "s3" and headers["content-type"] == "application/json"
    assert set(body) == {"scope", "store_id", "data", "hash", "created_at", "producer"}
    assert body["data"] == {"type": "product", "id": 1}
    assert body["producer"] == "stores/smallshop" and isinstance(body["store_id"], str)
    assert len(body["hash"]) == 40 and isinstance(body["created_at"], int)
    inventory = next(b for _, b in receiver.requests if b["scope"] == "store/product/inventory/updated")
    assert inventory["data"]["inventory"] == {"product_id": 1, "method": "absolute", "value": 0}


async def test_variant_changes_fire_sku_events(sandbox: Sandbox) -> None:
    receiver = Receiver()
    sandbox.webhooks.transport = httpx.ASGITransport(app=receiver)
    variant = sandbox.store.products[2]["variants"][0]
    async with bc(sandbox) as client, admin(sandbox) as http:
        await client.hooks.create("store/sku/*", RECEIVER)
        url = f"/__sandbox__/stores/smallshop/products/2/variants/{variant['id']}"
        assert (await http.patch(url, json={"inventory_level": 0})).status_code == 200
        await sandbox.webhooks.drain()
    bodies = {body["scope"]: body for _, body in receiver.requests}
    assert set(bodies) == {"store/sku/updated", "store/sku/inventory/updated"}
    assert bodies["store/sku/updated"]["data"]["sku"] == {"product_id": 2, "variant_id": variant["id"]}
    assert sandbox.store.products[2]["inventory_level"] == sum(
        v["inventory_level"] for v in sandbox.store.products[2]["variants"]
    )


async def test_failed_deliveries_are_retried_with_the_same_hash(sandbox: Sandbox) -> None:
    receiver = Receiver([500, 503])
    sandbox.webhooks.transport = httpx.ASGITransport(app=receiver)
    sandbox.webhooks.retry_scale = 0.0
    async with bc(sandbox) as client, admin(sandbox) as http:
        hook = await client.hooks.create("store/product/*", RECEIVER)
        await http.post("/__sandbox__/stores/smallshop/products", json={"name": "New Mitts", "price": 20})
        await sandbox.webhooks.drain()
        assert (await client.hooks.get(hook.id)).is_active is True
    assert len(receiver.requests) == 3
    assert len({body["hash"] for _, body in receiver.requests}) == 1
    assert receiver.requests[0][1]["scope"] == "store/product/created"
    assert [d.status for d in sandbox.webhooks.deliveries] == [500, 503, 200]


async def test_a_hook_that_keeps_failing_is_deactivated(sandbox: Sandbox) -> None:
    receiver = Receiver([500] * 100)
    sandbox.webhooks.transport = httpx.ASGITransport(app=receiver)
    async with bc(sandbox) as client, admin(sandbox) as http:
        hook = await client.hooks.create("store/product/*", RECEIVER)
        settings = await http.put("/__sandbox__/webhooks", json={"retry_scale": 0})
        assert settings.json()["retry_scale"] == 0
        await http.delete("/__sandbox__/stores/smallshop/products/4")
        await sandbox.webhooks.drain()
        assert (await client.hooks.get(hook.id)).is_active is False
        assert len(receiver.requests) == len(RETRY_SCHEDULE) + 1
        await http.patch("/__sandbox__/stores/smallshop/products/1", json={"name": "Quiet"})
        await sandbox.webhooks.drain()
    assert len(receiver.requests) == len(RETRY_SCHEDULE) + 1  # an inactive hook gets nothing
