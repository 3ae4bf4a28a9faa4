"""The store's pages in their own collection beside the products: synced with the catalog, unchanged
sections skipped, edited and deleted ones replaced, no Content scope said and harmless."""

from __future__ import annotations

from typing import Any

from ingest.page_index import PageIndex, pages_collection_name
from sandbox.demo_knowledge import knockout_pages
from tests.ingest.conftest import Catalog


def pages_of(catalog: Catalog) -> PageIndex:
    return PageIndex(catalog.index.client, catalog.index.store_hash, catalog.index.embedder)


def with_pages(catalog: Catalog) -> None:
    token = next(iter(catalog.store.tokens))
    catalog.store.tokens[token] = catalog.store.tokens[token] | {"store_v2_content_read_only"}
    catalog.store.pages.clear()
    catalog.store.pages.update({p["id"]: p for p in knockout_pages()})


async def test_pages_are_indexed_beside_the_products_and_kept_in_step(catalog: Catalog) -> None:
    with_pages(catalog)
    report = await catalog.sync()
    assert report.pages is not None and report.pages.note is None
    index = pages_of(catalog)
    assert index.collection.name == pages_collection_name("smallshop")
    first = report.pages.seen
    assert first > 10 and index.count() == first == report.pages.upserted
    assert any(line.startswith("store pages:") for line in report.lines())

    again = await catalog.sync()
    assert again.pages is not None and (again.pages.upserted, again.pages.unchanged) == (0, first)

    faq = next(p for p in catalog.store.pages.values() if p["name"] == "FAQ")
    faq["body"] = faq["body"].replace("5-7 business days", "3-5 business days")
    del catalog.store.pages[next(p for p, v in catalog.store.pages.items() if v["name"] == "About Us")]
    edited = await catalog.sync()
    assert edited.pages is not None and edited.pages.upserted == 1  # the edited FAQ answer
    assert edited.pages.deleted == 3  # its old version and the two sections of the deleted page
    hits = await index.asearch("when do I get my money back", k=1)
    assert hits and "money back" in hits[0].heading


async def test_without_the_content_scope_pages_are_skipped_and_products_synced(
    catalog: Catalog, small_data: dict[str, Any]
) -> None:
    account = catalog.store.tokens
    token = next(iter(account))
    account[token] = frozenset(s for s in account[token] if "content" not in s)
    report = await catalog.sync()
    assert report.pages is not None and "no Content scope" in (report.pages.note or "")
    assert catalog.indexed_ids() == [1, 2]
