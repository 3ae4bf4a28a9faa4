"""The catalog mirror on both engines: products round-trip whole (variants, custom fields), a newer copy
replaces the older, drop and retain forget, each store keeps its own rows; the freshness log's proof
(last delivery, last sync, pending products) in one read. And a sync writes the mirror beside the
index: what the filters leave out and what left the store are dropped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx

from agent.persistence.freshness import open_freshness_log
from agent.settings import Settings
from bigcommerce import AsyncBigCommerce
from bigcommerce.types.catalog import Product
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog, sync_products
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.state import SandboxStore


def product(ident: int, price: str, level: int = 5) -> Product:
    return Product.model_validate(
        {
            "id": ident,
            "name": f"Glove {ident}",
            "price": price,
            "inventory_tracking": "variant",
            "variants": [
                {"id": ident * 10, "sku": f"G-{ident}", "inventory_level": level, "price": price,
                 "option_values": [{"id": 1, "label": "Red", "option_id": 7, "option_display_name": "Colour"}]},
            ],
            "custom_fields": [{"id": 1, "name": "Material", "value": "leather"}],
        }
    )  # fmt: skip


async def test_products_round_trip_and_are_replaced_dropped_and_retained(
    settings: Settings, tmp_path: Path
) -> None:
    log = await open_freshness_log(settings, "abc", tmp_path)
    other = await open_freshness_log(settings, "xyz", tmp_path / "xyz")
    try:
        mirror = log.mirror()
        assert (
            await mirror.keep([product(1, "10.00"), product(2, "20.00"), product(3, "30.00")], at=100.0) == 3
        )
        await other.mirror().keep([product(1, "99.00")], at=100.0)
        await mirror.keep([product(1, "12.50", level=0)], at=200.0)
        found = await mirror.get_many([1, 2, 4])
        assert sorted(found) == [1, 2]
        first = found[1]
        assert (first.product.price, first.mirrored_at) == (Decimal("12.50"), 200.0)
        assert first.product.variants[0].inventory_level == 0
        assert first.product.variants[0].option_values[0].label == "Red"
        assert first.product.custom_fields[0].value == "leather"
        await mirror.drop([2])
        await mirror.retain([1, 2])  # 3 goes: a complete crawl did not keep it
        assert sorted(await mirror.get_many([1, 2, 3])) == [1]
        assert await mirror.count() == 1
        assert (await other.mirror().get_many([1]))[1].product.price == Decimal("99.00")
    finally:
        await log.aclose()
        await other.aclose()


async def test_the_proof_names_the_last_delivery_sync_and_pending_products(
    settings: Settings, tmp_path: Path
) -> None:
    log = await open_freshness_log(settings, "abc", tmp_path)
    try:
        empty = await log.proof()
        assert (empty.last_delivery, empty.last_sync, empty.pending_products, empty.last_heard()) == (
            None, None, frozenset(), None,
        )  # fmt: skip
        await log.record("sync")
        await log.accept("h1", "store/product/updated", ["product:7"], 7)
        await log.accept("h2", "store/category/updated", ["category:3"], None)
        proof = await log.proof()
        assert proof.pending_products == frozenset({7})
        assert proof.last_delivery is not None and proof.last_sync is not None
        assert proof.last_heard() == max(proof.last_delivery, proof.last_sync)
        await log.applied(["product:7"], {7: "indexed"})
        assert (await log.proof()).pending_products == frozenset()
    finally:
        await log.aclose()


async def test_a_sync_writes_the_mirror_beside_the_index(
    settings: Settings, tmp_path: Path, embedder: MiniLMEmbedding
) -> None:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(40, seed=0))], quota=10**6)
    log = await open_freshness_log(settings, DEMO_STORE_HASH, tmp_path / "store")
    try:
        transport = httpx.ASGITransport(app=sandbox)
        async with AsyncBigCommerce(
            DEMO_STORE_HASH, FULL_TOKEN, base_url="http://sandbox.test", transport=transport
        ) as client:
            index = ProductIndex(chroma_client(path=tmp_path / "chroma"), DEMO_STORE_HASH, embedder)
            context = CatalogContext(storefront_url="https://example.com")
            mirror = log.mirror()
            report = await sync_catalog(client, index, tmp_path / "state", context, mirror=mirror)
            assert await mirror.count() == report.indexed > 0
            indexed = {int(i.split("-")[1]) for i in index.hashes()}
            assert set(await mirror.get_many(range(1, 200))) == indexed
            sandbox.store.update_product(1, {"is_visible": False})
            sandbox.store.update_product(2, {"price": 123.45})
            sandbox.store.delete_product(3)
            result = await sync_products(client, index, context, [1, 2, 3], open_ids=None, mirror=mirror)
            assert result.outcomes[1].startswith("left out")
            kept = await mirror.get_many([1, 2, 3])
            assert sorted(kept) == [2]
            assert kept[2].product.price == Decimal("123.45")
            assert {1, 2, 3} <= indexed
            hidden = sorted(indexed - {1, 2, 3})[0]
            sandbox.store.update_product(hidden, {"is_visible": False})
            await sync_catalog(client, index, tmp_path / "state", context, full=True, mirror=mirror)
            assert hidden not in await mirror.get_many([hidden])
            assert await mirror.count() == len(indexed) - 3
            await mirror.retain([])  # a store synced before the mirror existed: the next sync is full
            again = await sync_catalog(client, index, tmp_path / "state", context, mirror=mirror)
            assert (again.mode, await mirror.count(), again.upserted) == ("full", len(indexed) - 3, 0)
            quiet = await sync_catalog(client, index, tmp_path / "state", context, mirror=mirror)
            assert quiet.mode == "incremental"
    finally:
        await log.aclose()
