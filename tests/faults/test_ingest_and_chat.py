"""Ingest and chat on one store at once, with a small quota: together they stay inside it (no 429
after the first window), chat is served first, and a 429 storm during ingest is waited out."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from ingest.documents import CatalogContext
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client

QUOTA, WINDOW_MS = 30, 1500


@pytest.mark.slow
async def test_ingest_and_chat_share_the_quota_and_chat_goes_first(
    make_rig: Any, tmp_path: Path, embedder: Any, record_property: Any
) -> None:
    options = {"quota": QUOTA, "window_ms": WINDOW_MS}
    async with make_rig(retries=6, sandbox_options=options, real_sleep=True, products=300) as rig:
        client = rig.agent.context.tools.client
        bulk = client.with_options(priority="bulk")
        finished: list[str] = []

        async def crawl() -> None:  # a crawl in small pages: many requests, all bulk
            pages = 0
            async for _product in bulk.products.iter(limit=5, include=["variants"]):
                pages += 1
            finished.append("crawl")

        async def ingest() -> None:
            index = ProductIndex(chroma_client(path=tmp_path / "chroma"), "demostore", embedder)
            context = CatalogContext(storefront_url="https://knockout-fitness.example")
            await sync_catalog(client, index, tmp_path / "state", context)
            finished.append("ingest")

        async def chat() -> None:
            await asyncio.sleep(0.2)  # the crawl is under way
            for number, text in enumerate(
                ["Where is order 12345? My email is jane.doe@example.com", "Is SAVE20 valid?"]
            ):
                turn = await rig.say(f"chat-{number}", text)
                assert "1Z999AA10123456784" in turn.text or "20%" in turn.text
            finished.append("chat")

        await asyncio.gather(crawl(), ingest(), chat())
        assert finished.index("chat") < finished.index("crawl")  # the shopper was not kept behind the crawl
        requests = len(rig.recorder.statuses)
        limited = rig.recorder.statuses.count(429)
        assert requests > 2 * QUOTA and limited <= 1  # several windows' worth, inside the quota
        assert rig.store.orders  # the store is still whole
    record_property(
        "tried",
        f"crawl + ingest + 2 chat turns, {requests} requests at {QUOTA}/{WINDOW_MS} ms: {limited} x 429",
    )


async def test_a_429_storm_during_ingest_is_waited_out(make_rig: Any, tmp_path: Path, embedder: Any) -> None:
    async with make_rig(retries=6) as rig:
        client = rig.agent.context.tools.client
        await rig.faults(burst_429=4)
        index = ProductIndex(chroma_client(path=tmp_path / "chroma"), "demostore", embedder)
        report = await sync_catalog(client, index, tmp_path / "state", CatalogContext(storefront_url=""))
        assert report.failed == 0 and report.upserted == index.count() > 0
        assert len(rig.sleeps) >= 4 and rig.recorder.statuses.count(429) == 4
