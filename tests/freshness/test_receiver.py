"""POST /webhooks/bigcommerce: the secret, the producer, malformed bodies, duplicates, bursts, and
changes that arrive while a sync holds the lock or while the store is unreachable."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest

from agent.store.freshness import SECRET_HEADER
from tests.freshness.conftest import STORE, Shop, eventually

SECRET = "test-secret-0123456789"


def payload(
    product_id: int, digest: str, scope: str = "store/product/updated", store: str = STORE
) -> dict[str, Any]:
    return {
        "scope": scope,
        "store_id": "1001",
        "data": {"type": "product", "id": product_id},
        "hash": digest,
        "created_at": 1_700_000_000,
        "producer": f"stores/{store}",
    }


async def counted(log: Any, kind: str) -> bool:
    return int((await log.summary()).counts.get(kind, 0)) >= 1


async def post(
    url: str, body: Any, secret: str | None = SECRET, http: httpx.AsyncClient | None = None
) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    if http is None:
        async with httpx.AsyncClient() as own:
            return await post(url, body, secret, own)
    return await http.post(url, content=content, headers={**headers, "Content-Type": "application/json"})


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_queued(
    shop: Shop, running: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(sync=False) as run:
        for secret in (None, "", "wrong", SECRET + "x"):
            response = await post(run.url, payload(1, f"h-{secret}"), secret)
            assert response.status_code == 401
            assert SECRET not in response.text
        log = run.store.catalog.log
        assert await log.pending_keys() == [] and (await log.summary()).counts.get("received", 0) == 0
        assert run.store.follower.idle
    assert "refused" in caplog.text and SECRET not in caplog.text


async def test_another_store_and_malformed_bodies_are_rejected(shop: Shop, running: Any) -> None:
    async with running(sync=False) as run:
        assert (await post(run.url, payload(1, "other", store="otherstore"))).status_code == 403
        for bad in (b"{not json", b"[1, 2]", json.dumps({"scope": "store/product/updated"}).encode()):
            assert (await post(run.url, bad)).status_code == 400
        log = run.store.catalog.log
        assert (await log.summary()).counts == {"rejected": 4}
        assert await log.pending_keys() == []


async def test_duplicates_are_dropped_by_hash(shop: Shop, running: Any) -> None:
    async with running() as run:
        shop.admin("PATCH", "/products/1", {"name": "Bag Gloves Deluxe"})  # delivered by the sandbox
        await eventually(lambda: counted(run.store.catalog.log, "received"))
        # the sandbox notes a delivery after our receiver answered it: wait for its note too
        await eventually(lambda: bool(shop.sandbox.webhooks.deliveries))
        delivered = shop.sandbox.webhooks.deliveries[0].hash
        for _ in range(3):  # BigCommerce retrying the same event
            response = await post(run.url, {**payload(1, delivered)})
            assert response.json() == {"status": "duplicate"}
        await run.store.follower.wait_idle()
        counts = (await run.store.catalog.log.summary()).counts
        assert (counts["received"], counts["duplicate"]) == (1, 3)
        document = run.store.catalog.index.get("product-1")
        assert document is not None and document["metadata"]["name"] == "Bag Gloves Deluxe"


@pytest.mark.slow
async def test_a_burst_for_one_product_is_one_read(shop: Shop, running: Any) -> None:
    async with running() as run:
        follower = run.store.follower
        # nothing is applied while the burst arrives, however slowly a busy machine sends it: the burst
        # is one change, applied by one read once it is over (a restarted follower picks up what is
        # pending, as after a restart)
        follower.debounce, follower.max_delay = 3600.0, 3600.0
        shop.store.update_product(1, {"price": 12.5})  # a change the store made, its events follow
        limit = asyncio.Semaphore(20)

        async with httpx.AsyncClient() as http:

            async def one(i: int) -> int:
                async with limit:
                    return (await post(run.url, payload(1, f"burst-{i}"), http=http)).status_code

            statuses = await asyncio.gather(*(one(i) for i in range(1000)))
        assert set(statuses) == {200}
        assert follower.batches == 0
        await follower.stop()
        follower.debounce, follower.max_delay = 0.05, 2.0
        await follower.start()
        await follower.wait_idle()
        assert (follower.batches, follower.requests) == (1, 1)
        assert (await run.store.catalog.log.summary()).counts["received"] == 1000
        document = run.store.catalog.index.get("product-1")
        assert document is not None and document["metadata"]["price"] == 12.5


async def test_changes_during_a_sync_wait_for_it(shop: Shop, running: Any) -> None:
    async with running() as run:
        catalog = run.store.catalog
        async with catalog.lock.hold():  # a full sync is running
            shop.store.update_product(2, {"name": "Sparring Gloves II"})
            assert (await post(run.url, payload(2, "during-sync"))).status_code == 200
            await asyncio.sleep(0.5)
            assert await catalog.log.pending_keys() == ["product:2"]
            assert run.store.follower.batches == 0
        await eventually(lambda: run.store.follower.idle)
        assert await catalog.log.pending_keys() == []
        document = catalog.index.get("product-2")
        assert document is not None and document["document"].startswith("Sparring Gloves II")


@pytest.mark.slow
async def test_store_unreachable_keeps_the_change_pending_and_retries(shop: Shop, running: Any) -> None:
    async with running() as run:
        follower = run.store.follower
        follower.retry_initial = 0.2
        shop.store.update_product(1, {"is_visible": False})
        httpx.put(f"{shop.base_url}/__sandbox__/faults", json={"error_rate": 1.0})
        try:
            assert (await post(run.url, payload(1, "while-down"))).status_code == 200
            log = run.store.catalog.log
            await eventually(lambda: counted(log, "pending"), timeout=30)
            assert await log.pending_keys() == ["product:1"]
            assert run.store.catalog.index.get("product-1") is not None  # nothing deleted on a failure
        finally:
            httpx.put(f"{shop.base_url}/__sandbox__/faults", json={"error_rate": 0.0})
        await eventually(lambda: follower.idle, timeout=30)
        assert await log.pending_keys() == []
        assert run.store.catalog.index.get("product-1") is None
        applied = (await log.events("applied", limit=1))[0]
        assert (applied.product_id, applied.detail) == (1, "left out: hidden")


async def test_a_product_that_no_longer_exists_leaves_the_index(shop: Shop, running: Any) -> None:
    async with running() as run:
        assert run.store.catalog.index.get("product-2") is not None
        shop.store.delete_product(2)
        assert (await post(run.url, payload(2, "gone", scope="store/product/deleted"))).status_code == 200
        await eventually(lambda: run.store.follower.idle and run.store.follower.batches == 1)
        assert run.store.catalog.index.get("product-2") is None
        assert (await run.store.catalog.log.events("applied", limit=1))[0].detail == "deleted from the store"


async def test_order_and_shipment_deliveries_drop_the_kept_order(shop: Shop, running: Any) -> None:
    async with running(sync=False) as run:
        dropped: list[int] = []
        run.service.receiver.on_orders(STORE, dropped.append)
        order = {
            **payload(0, "o-1", scope="store/order/statusUpdated"),
            "data": {"type": "order", "id": 12346},
        }
        shipment = {
            **payload(0, "s-1", scope="store/shipment/created"),
            "data": {"type": "shipment", "id": 7, "orderId": 12345},
        }
        assert (await post(run.url, order)).status_code == 200
        assert (await post(run.url, shipment)).status_code == 200
        assert (await post(run.url, order)).status_code == 200  # a duplicate: dropped once
        assert (await post(run.url, payload(1, "p-1"))).status_code == 200  # a product: no order
        assert (await post(run.url, {**order, "hash": "o-2"}, secret="wrong")).status_code == 401
        assert dropped == [12346, 12345]
        assert await run.store.catalog.log.pending_keys() in ([], ["product:1"])


async def test_a_change_delivered_while_its_batch_is_read_stays_pending(
    shop: Shop, running: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch's read is held until a second delivery for the same product is accepted: that
    newer change is not in the index or the mirror, so the product stays pending (and the product
    tool reads it live) until the next batch applies it."""
    from agent.store import freshness as module

    real = module.sync_products
    reading, go_on = asyncio.Event(), asyncio.Event()
    pending_at_second_batch: list[list[str]] = []

    async def held(*args: Any, **kwargs: Any) -> Any:
        reading.set()
        await go_on.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(module, "sync_products", held)
    async with running() as run:
        log = run.store.catalog.log

        async def second_batch(*args: Any, **kwargs: Any) -> Any:
            pending_at_second_batch.append(await log.pending_keys())
            return await real(*args, **kwargs)

        assert (await post(run.url, payload(2, "first"))).status_code == 200
        await asyncio.wait_for(reading.wait(), timeout=60)
        monkeypatch.setattr(module, "sync_products", second_batch)
        shop.store.update_product(2, {"name": "Sparring Gloves III"})
        assert (await post(run.url, payload(2, "second"))).status_code == 200
        go_on.set()
        await eventually(lambda: run.store.follower.batches >= 2 and run.store.follower.idle)
        assert pending_at_second_batch == [["product:2"]]
        assert await log.pending_keys() == []
        document = run.store.catalog.index.get("product-2")
        assert document is not None and document["document"].startswith("Sparring Gloves III")
