"""``sync_products``, the webhook path of the sync: one id:in read per batch, the full sync's rules."""

from __future__ import annotations

from ingest.filters import open_categories
from ingest.sync import sync_products, with_category_names
from tests.ingest.conftest import Catalog


async def test_changed_products_are_reread_in_one_request_and_judged_like_a_full_sync(
    catalog: Catalog,
) -> None:
    await catalog.sync()
    assert catalog.indexed_ids() == [1, 2]
    context = await with_category_names(catalog.client, catalog.context)
    open_ids = open_categories([g async for g in catalog.client.customer_groups.iter()])
    catalog.store.update_product(1, {"is_visible": False})
    catalog.store.update_product(2, {"name": "Sparring Gloves II"})
    catalog.store.update_product(4, {"inventory_level": 9})  # back in stock
    catalog.store.delete_product(3)
    result = await sync_products(
        catalog.client, catalog.index, context, [1, 2, 3, 4, 5, 2], open_ids=open_ids
    )
    assert result.report.api_requests == 1
    assert result.outcomes == {
        1: "left out: hidden",
        2: "indexed",
        3: "deleted from the store",
        4: "indexed",
        5: "left out: restricted",
    }
    assert catalog.indexed_ids() == [2, 4]
    again = await sync_products(catalog.client, catalog.index, context, [2, 4], open_ids=open_ids)
    assert again.outcomes == {2: "unchanged", 4: "unchanged"} and again.report.upserted == 0


async def test_a_category_change_rereads_the_products_in_it(catalog: Catalog) -> None:
    await catalog.sync()
    catalog.store.categories[18]["name"] = "Boxing Gloves"
    context = await with_category_names(catalog.client, catalog.context)
    result = await sync_products(catalog.client, catalog.index, context, [], open_ids=None, category_ids=[18])
    assert result.outcomes == {1: "indexed", 2: "indexed"}
    document = catalog.index.get("product-1")
    assert document is not None and "Boxing Gloves" in document["document"]
