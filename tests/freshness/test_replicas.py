"""Two replicas on one PostgreSQL database share the webhook duplicate table and the event log: the same
delivery reaching both (BigCommerce retrying onto another replica behind the load balancer) is accepted
by one, answered ``duplicate`` by the other, and applied once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from agent.server.webhooks import WEBHOOK_PATH
from agent.settings import Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from agent.store.freshness_service import FreshnessService
from ingest.embeddings import MiniLMEmbedding
from tests.conftest import SMALL_FULL_TOKEN
from tests.freshness.conftest import STORE, Shop, receiver_app, serve
from tests.freshness.test_receiver import SECRET, payload, post
from tests.pgschema import fresh_database


@asynccontextmanager
async def replica(
    home: Path, database_url: str, shop: Shop, embedder: MiniLMEmbedding
) -> AsyncIterator[tuple[FreshnessService, str]]:
    """One `bcagent serve`'s freshness service and webhook route, with a home of its own."""
    connections = ConnectionStore(home)
    await connect_store(STORE, Secret(SMALL_FULL_TOKEN), shop.base_url, connections)
    connections.save_webhook_secret(STORE, Secret(SECRET))
    settings = Settings(home=home, database_url=database_url)
    service = FreshnessService(settings, embedder, [STORE], interval_seconds=0, debounce_seconds=0.05)
    async with serve(receiver_app(service)) as base:
        yield service, base + WEBHOOK_PATH


async def test_one_webhook_delivered_to_two_replicas_is_applied_once(
    shop: Shop, embedder: MiniLMEmbedding, tmp_path: Path
) -> None:
    shop.store.update_product(1, {"name": "Bag Gloves Deluxe"})
    await asyncio.to_thread(embedder.encode, ["load the model before the clock of wait_idle runs"])
    with fresh_database("bcagent_replicas") as url:
        async with AsyncExitStack() as stack:
            (first, first_url), (second, second_url) = [
                await stack.enter_async_context(replica(tmp_path / name, url, shop, embedder))
                for name in ("one", "two")
            ]
            delivery = payload(1, "same-delivery")
            answers = await asyncio.gather(post(first_url, delivery), post(second_url, delivery))
            assert [a.status_code for a in answers] == [200, 200]
            assert sorted(a.json()["status"] for a in answers) == ["accepted", "duplicate"]
            assert (await post(first_url, delivery)).json() == {"status": "duplicate"}  # and stays one
            followers = [service.stores[STORE].follower for service in (first, second)]
            for follower in followers:
                await follower.wait_idle()
            assert sum(f.batches for f in followers) == 1  # applied by the replica that accepted it
            for service in (first, second):  # one log, whichever replica reads it
                log = service.stores[STORE].catalog.log
                summary = await log.summary()
                assert (summary.counts["received"], summary.counts["duplicate"], summary.pending) == (1, 2, 0)
                assert [(e.product_id, e.detail) for e in await log.events("applied")] == [(1, "indexed")]
            applier = first if followers[0].batches else second
            document = applier.stores[STORE].catalog.index.get("product-1")
            assert document is not None and document["metadata"]["name"] == "Bag Gloves Deluxe"
