"""The catalog sync against the sandbox: filters, idempotence, incremental runs, deletions, failures."""

from __future__ import annotations

import json

import httpx
import pytest

from bigcommerce import APIConnectionError, InternalServerError
from ingest.explain import explain_product
from ingest.state import SyncState
from ingest.sync import with_category_names
from ingest.vectors import NAME_WEIGHT
from tests.ingest.conftest import Catalog


async def test_full_sync_keeps_only_visible_in_stock_unrestricted_products(catalog: Catalog) -> None:
    report = await catalog.sync()
    assert catalog.indexed_ids() == [1, 2]
    assert (report.mode, report.seen, report.upserted, report.deleted, report.failed) == ("full", 5, 2, 0, 0)
    assert dict(report.excluded) == {"hidden": 1, "out_of_stock": 1, "restricted": 1}
    assert report.api_requests == 4  # categories, customer groups, one page of products, one of store pages
    document = catalog.index.get("product-2")
    assert document is not None
    assert "Sparring Gloves" in document["document"] and "on sale for 59,50 €" in document["document"]
    assert document["metadata"]["content_hash"]


async def test_without_the_customers_scope_nothing_is_restricted(catalog: Catalog) -> None:
    await catalog.sync(restrict=False)
    assert catalog.indexed_ids() == [1, 2, 5]


async def test_second_run_embeds_nothing(catalog: Catalog) -> None:
    await catalog.sync()
    again = await catalog.sync()
    assert (again.mode, again.upserted, again.skipped, again.deleted) == ("incremental", 0, 2, 0)
    full_again = await catalog.sync(full=True)
    assert (full_again.upserted, full_again.skipped) == (0, 2)
    assert catalog.index.count() == 2


async def test_incremental_reembeds_exactly_the_changed_product(catalog: Catalog) -> None:
    await catalog.sync()
    catalog.store.update_product(1, {"name": "Bag Gloves Pro"})
    report = await catalog.sync()
    assert (report.mode, report.upserted, report.skipped) == ("incremental", 1, 1)
    document = catalog.index.get("product-1")
    assert document is not None and document["document"].startswith("Bag Gloves Pro")


async def test_hidden_out_of_stock_restricted_and_deleted_products_leave_the_index(catalog: Catalog) -> None:
    await catalog.sync(restrict=False)
    assert catalog.indexed_ids() == [1, 2, 5]
    catalog.store.update_product(1, {"is_visible": False})
    with catalog.store.lock:
        for variant in catalog.store.products[2]["variants"]:
            variant["inventory_level"] = 0
        catalog.store.products[2]["inventory_level"] = 0  # stock changes need not touch date_modified
    report = await catalog.sync(restrict=False)
    assert catalog.indexed_ids() == [5]
    assert report.deleted == 2
    assert dict(report.excluded) == {"hidden": 2, "out_of_stock": 2}
    assert (await catalog.sync()).deleted == 1  # with the Customers scope, 5 is wholesale-only
    assert catalog.indexed_ids() == []


async def test_restocked_product_comes_back_without_a_date_change(catalog: Catalog) -> None:
    catalog.store.products[4]["inventory_level"] = 0
    await catalog.sync()
    assert 4 not in catalog.indexed_ids()
    with catalog.store.lock:
        catalog.store.products[4]["inventory_level"] = 6
    report = await catalog.sync()
    assert report.mode == "incremental" and report.upserted == 1
    assert 4 in catalog.indexed_ids()


async def test_a_page_that_fails_twice_is_retried(catalog: Catalog) -> None:
    catalog.sandbox.faults.update({"fail_next": 2})
    report = await catalog.sync()
    assert catalog.indexed_ids() == [1, 2]
    assert report.api_requests == 6  # and one page of store pages


async def test_store_failing_mid_sync_keeps_the_previous_index(catalog: Catalog) -> None:
    await catalog.sync()
    before = catalog.index.hashes()
    state_before = SyncState.load(catalog.folder)
    catalog.store.update_product(1, {"name": "Renamed Gloves"})
    catalog.store.delete_product(2)
    catalog.sandbox.faults.update({"error_rate": 1.0})
    with pytest.raises(InternalServerError):
        await catalog.sync()
    assert catalog.index.hashes() == before  # nothing deleted, nothing half-written
    state = SyncState.load(catalog.folder)
    assert state.last_success == state_before.last_success and state.in_progress is not None
    catalog.sandbox.faults.update({"error_rate": 0.0})
    report = await catalog.sync()
    assert report.resumed and catalog.indexed_ids() == [1]
    assert SyncState.load(catalog.folder).in_progress is None


async def test_crash_between_pages_then_rerun_completes_without_duplicates(catalog: Catalog) -> None:
    # 30 extra in-stock products: two pages of 25 with a crash after the first page is indexed.
    with catalog.store.lock:
        for pid in range(100, 130):
            catalog.store.products[pid] = {
                **catalog.store.products[1],
                "id": pid,
                "name": f"Glove {pid}",
                "variants": [],
            }
    calls = {"n": 0}
    original = catalog.index.upsert

    def crash_on_second(documents: object, embeddings: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # like a kill between two batches
        original(documents, embeddings)  # type: ignore[arg-type]

    catalog.index.upsert = crash_on_second  # type: ignore[method-assign]
    import ingest.sync as sync_module

    page_size = sync_module.PAGE_SIZE
    sync_module.PAGE_SIZE = 25
    try:
        with pytest.raises(KeyboardInterrupt):
            await catalog.sync()
        partial = catalog.index.count()
        assert 0 < partial < 32
        catalog.index.upsert = original  # type: ignore[method-assign]
        report = await catalog.sync()
    finally:
        sync_module.PAGE_SIZE = page_size
    assert report.resumed and report.mode == "full"
    assert report.upserted == 32 - partial
    assert catalog.index.count() == 32 and len(catalog.index.hashes()) == 32


async def test_unreachable_store_is_a_clear_error(catalog: Catalog) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    from bigcommerce import AsyncBigCommerce

    async with AsyncBigCommerce(
        "smallshop",
        "tok",
        base_url="http://x.test",
        transport=httpx.MockTransport(refuse),
        max_retries=1,
        sleep=_none,
    ) as dead:
        catalog.client = dead
        with pytest.raises(APIConnectionError, match="Could not connect"):
            await catalog.sync()
    assert SyncState.load(catalog.folder).last_success is None


async def _none(seconds: float) -> None:
    return None


async def test_search_returns_product_ids_with_scores(catalog: Catalog) -> None:
    await catalog.sync(restrict=False)
    hits = catalog.index.search("gloves for sparring", k=2)
    assert hits[0].product_id == 2
    assert 0 < hits[-1].score <= hits[0].score <= 1 + NAME_WEIGHT  # cosine plus the name bonus
    bulk = catalog.index.search("hand wraps in bulk", k=1)
    assert bulk[0].product_id == 5
    only_cheap = catalog.index.search("gloves", k=5, filters={"product_id": 1})
    assert [hit.product_id for hit in only_cheap] == [1]
    assert catalog.index.search("   ") == []


async def test_explain_names_the_rule(catalog: Catalog) -> None:
    await catalog.sync()
    context = await with_category_names(catalog.client, catalog.context)

    async def explain(reference: str) -> str:
        return (await explain_product(catalog.client, catalog.index, reference, context)).message

    assert await explain("1") == "#1 'Bag Gloves' is in the index and up to date."
    assert "hidden" in await explain("Hidden Heavy Bag")
    assert "no stock" in await explain("#4")
    assert "restricted customer groups" in await explain("BULK")
    assert await explain("SG-1") == "#2 'Sparring Gloves' is in the index and up to date."
    assert "No product matches" in await explain("999")
    catalog.store.update_product(1, {"price": 45.0})
    assert "changed since" in await explain("1")
    catalog.store.update_product(1, {"is_visible": False})
    assert "still in the index, but it is hidden" in await explain("1")
    with catalog.store.lock:
        catalog.store.products[60] = {**catalog.store.products[2], "id": 60, "name": "Sparring Gloves XL"}
    assert "not in the index yet" in await explain("60")
    assert "Several products match" in await explain("gloves")


async def test_state_file_is_json_and_records_the_last_success(catalog: Catalog) -> None:
    await catalog.sync()
    state = json.loads((catalog.folder / "sync_state.json").read_text())
    assert state["last_success"] and state["in_progress"] is None and state["indexed"] == 2
