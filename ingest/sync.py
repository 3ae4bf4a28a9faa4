"""The catalog sync: crawl products through the client, keep what the filters allow, embed what changed,
delete what went away. Idempotent by construction (deterministic ids, content hashes, upsert), and
safe to kill at any point: deletions happen only after a complete crawl, the sync state is written
atomically, and a re-run skips everything already embedded.

Full sync: one listing of every product with its sub-resources.
Some products (``sync_products``): the webhook path. One ``id:in`` listing per batch of ids; each
product is judged and built exactly as a full sync does, and one that is gone, hidden, disabled, out of
stock or restricted leaves the index.

Incremental sync: products modified since the last successful sync (minus a safety overlap), plus a
cheap ids-and-stock listing (``include_fields``) that finds deletions, hidden products, stock-outs and
products that came back, without reading every product's sub-resources. When the catalog mirror holds
fewer products than the index (a store synced before the mirror existed), the sync is a full one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bigcommerce import AsyncBigCommerce
from bigcommerce.types.catalog import Product

from .documents import CatalogContext, ProductDocument, build_document, document_id, product_id_of
from .filters import judge, open_categories
from .mirror import MirrorSink
from .page_index import PageIndex, PagesReport, sync_pages
from .state import SyncState
from .vectors import ProductIndex

log = logging.getLogger(__name__)

INCLUDES = ["variants", "images", "custom_fields", "videos"]
STOCK_FIELDS = ["id", "is_visible", "availability", "inventory_tracking", "inventory_level", "categories"]
PAGE_SIZE = 250
OVERLAP = timedelta(minutes=5)
Progress = Callable[[int, int | None], None]


@dataclass
class SyncReport:
    mode: str = "full"
    resumed: bool = False
    seen: int = 0
    upserted: int = 0
    skipped: int = 0
    deleted: int = 0
    failed: int = 0
    excluded: Counter[str] = field(default_factory=Counter)
    api_requests: int = 0
    seconds: float = 0.0
    indexed: int = 0
    pages: PagesReport | None = None  # the store's pages, synced beside the products

    def lines(self) -> list[str]:
        excluded = ", ".join(f"{reason} {count}" for reason, count in sorted(self.excluded.items())) or "none"
        return [
            f"{self.mode} sync{' (resumed after an interrupted run)' if self.resumed else ''}: "
            f"{self.seen} seen, {self.upserted} upserted, {self.skipped} unchanged, {self.deleted} deleted, "
            f"{self.failed} failed",
            f"left out: {excluded}",
            f"{self.indexed} products in the index; {self.api_requests} API requests; {self.seconds:.1f} s",
            *([self.pages.line()] if self.pages is not None else []),
        ]


@dataclass
class _Run:
    """The working state of one sync."""

    index: ProductIndex
    context: CatalogContext
    open_ids: set[int] | None
    existing: dict[str, str]
    report: SyncReport
    progress: Progress | None
    keep: set[str] = field(default_factory=set)
    drop: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)
    upserted_ids: set[str] = field(default_factory=set)
    failed_ids: set[str] = field(default_factory=set)
    total: int | None = None
    mirror: MirrorSink | None = None  # the store's catalog mirror, written beside the index

    async def forget(self, doc_ids: Iterable[str]) -> None:
        """Drop these documents' products from the mirror (left out, or gone from the store)."""
        if self.mirror is not None:
            await self.mirror.drop(product_id_of(d) for d in doc_ids)

    async def process(self, products: Iterable[Product]) -> None:
        """Judge, build, skip unchanged, embed and upsert one batch of fully-read products."""
        fresh: list[ProductDocument] = []
        mirrored: list[Product] = []
        left_out: list[str] = []
        for product in products:
            self.report.seen += 1
            doc_id = document_id(product.id or 0)
            verdict = judge(product, self.open_ids)
            if not verdict.included:
                self.reasons[doc_id] = verdict.reason or "unknown"
                self.drop.add(doc_id)
                left_out.append(doc_id)
                continue
            self.reasons.pop(doc_id, None)
            mirrored.append(product)
            try:
                document = build_document(product, self.context)
            except Exception:
                log.exception("could not build the document of product %s", product.id)
                self.report.failed += 1
                self.failed_ids.add(doc_id)
                if doc_id in self.existing:
                    self.keep.add(doc_id)  # keep the last good version rather than lose it
                continue
            self.keep.add(doc_id)
            if self.existing.get(doc_id) != document.content_hash:
                fresh.append(document)
        if fresh:
            vectors = await self.index.embedder.aencode([d.text for d in fresh])
            await asyncio.to_thread(self.index.upsert, fresh, vectors)
            self.report.upserted += len(fresh)
            self.upserted_ids.update(d.id for d in fresh)
        if self.mirror is not None:
            await self.mirror.keep(mirrored)
            await self.forget(left_out)
        if self.progress is not None:
            self.progress(self.report.seen, self.total)


async def _pages(
    client: AsyncBigCommerce, run: _Run, count_total: bool = True, **kwargs: object
) -> AsyncIterator[list[Product]]:
    """Product pages, fetched one ahead of their processing so crawling overlaps embedding."""
    queue: asyncio.Queue[list[Product] | BaseException | None] = asyncio.Queue(maxsize=2)

    async def produce() -> None:
        try:
            async for page in client.products.iter(limit=PAGE_SIZE, **kwargs).pages():  # type: ignore[arg-type]
                if count_total and page.pagination is not None and page.pagination.total is not None:
                    run.total = page.pagination.total
                await queue.put(page.items)
            await queue.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            await queue.put(exc)

    producer = asyncio.create_task(produce())
    try:
        while True:
            item = await queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        producer.cancel()
        await asyncio.gather(producer, return_exceptions=True)


async def with_category_names(client: AsyncBigCommerce, context: CatalogContext) -> CatalogContext:
    names = {c.id: c.name or "" async for c in client.categories.iter() if c.id is not None}
    return replace(context, category_names=names)


async def sync_catalog(
    client: AsyncBigCommerce,
    index: ProductIndex,
    folder: Path,
    context: CatalogContext,
    *,
    full: bool = False,
    restrict_by_groups: bool = True,
    progress: Progress | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    pages: bool = True,
    mirror: MirrorSink | None = None,
) -> SyncReport:
    """Bring the index in line with the catalog (and, with ``pages``, the store's pages collection beside
    it; with ``mirror``, the catalog mirror too); raise the client's error if the store fails us on the
    products."""
    started_clock = time.perf_counter()
    requests_before = client.stats.requests
    state = SyncState.load(folder)
    started = now()
    full = full or await _mirror_behind(index, mirror)
    report = SyncReport(mode="full" if full or not state.last_success else "incremental")
    report.resumed = state.in_progress is not None
    state.in_progress = started.isoformat()
    state.save(folder)
    bulk = client.with_options(priority="bulk")
    context = await with_category_names(bulk, context)
    open_ids = open_categories([g async for g in bulk.customer_groups.iter()]) if restrict_by_groups else None
    run = _Run(index, context, open_ids, await asyncio.to_thread(index.hashes), report, progress)
    run.mirror = mirror
    if report.mode == "full":
        async for products in _pages(bulk, run, include=INCLUDES):
            await run.process(products)
        included = run.keep
    else:
        since = datetime.fromisoformat(state.last_success or started.isoformat()) - OVERLAP
        included = await _incremental(bulk, run, since)
    stale = set(run.existing) - included
    if mirror is not None:  # the mirror holds what the index holds: the rest left the store or the filters
        await mirror.retain(product_id_of(d) for d in included)
    report.excluded = Counter(run.reasons.values())
    report.skipped = max(0, len(included) - report.upserted - report.failed)
    if stale:
        await asyncio.to_thread(index.delete, sorted(stale))
        report.deleted = len(stale)
    report.indexed = await asyncio.to_thread(index.count)
    if pages:
        pages_started, pages_requests = time.perf_counter(), client.stats.requests
        report.pages = await sync_pages(bulk, PageIndex(index.client, index.store_hash, index.embedder))
        report.pages.api_requests = client.stats.requests - pages_requests
        report.pages.seconds = time.perf_counter() - pages_started
    if report.failed == 0:
        state.last_success = started.isoformat()
    state.last_mode = report.mode
    state.in_progress = None
    state.indexed = report.indexed
    state.save(folder)
    report.api_requests = client.stats.requests - requests_before
    report.seconds = time.perf_counter() - started_clock
    return report


async def _mirror_behind(index: ProductIndex, mirror: MirrorSink | None) -> bool:
    """Whether the catalog mirror holds fewer products than the index (a store synced before the mirror
    existed): an incremental sync reads only what changed, so the crawl is a full one, once. It costs
    one listing page per 250 products; unchanged documents are not embedded again."""
    if mirror is None:
        return False
    indexed = await asyncio.to_thread(index.count)
    return indexed > 0 and await mirror.count() < indexed


async def _incremental(client: AsyncBigCommerce, run: _Run, since: datetime) -> set[str]:
    """Read what changed since ``since`` and reconcile the rest with a cheap listing; return the ids
    that belong in the index."""
    candidates: set[str] = set()
    listed = 0
    async for page in client.products.iter(limit=PAGE_SIZE, include_fields=STOCK_FIELDS).pages():
        for product in page.items:
            listed += 1
            doc_id = document_id(product.id or 0)
            verdict = judge(product, run.open_ids)  # variant stock: the product level is the variants' sum
            if verdict.included:
                candidates.add(doc_id)
            else:
                run.reasons[doc_id] = verdict.reason or "unknown"
    run.total = listed
    async for products in _pages(
        client, run, include=INCLUDES, filters={"date_modified:min": since.isoformat()}
    ):
        await run.process(products)
    missing = sorted(product_id_of(d) for d in candidates - set(run.existing) - run.keep - run.drop)
    for start in range(0, len(missing), 50):
        batch = missing[start : start + 50]
        async for products in _pages(
            client, run, count_total=False, include=INCLUDES, filters={"id:in": batch}
        ):
            await run.process(products)
    run.report.seen = listed
    return (candidates | run.keep) - run.drop


ID_BATCH = 100


@dataclass
class ProductsResult:
    """What ``sync_products`` did to each product id it was given (and to any found by category)."""

    report: SyncReport
    outcomes: dict[int, str] = field(default_factory=dict)


async def sync_products(
    client: AsyncBigCommerce,
    index: ProductIndex,
    context: CatalogContext,
    product_ids: Iterable[int],
    *,
    open_ids: set[int] | None,
    category_ids: Iterable[int] = (),
    mirror: MirrorSink | None = None,
) -> ProductsResult:
    """Bring the documents of these products (and of the products in ``category_ids``) in line with the
    store: one ``id:in`` listing per ``ID_BATCH`` ids. Outcomes: ``indexed``, ``unchanged``,
    ``left out: <reason>``, ``deleted from the store``, ``failed``. Raise the client's error when the
    store fails us; nothing has been deleted then, so the caller can simply retry."""
    started_clock = time.perf_counter()
    requests_before = client.stats.requests
    ids = sorted(set(product_ids))
    report = SyncReport(mode="products")
    wanted = [document_id(i) for i in ids]
    existing = await asyncio.to_thread(index.hashes_of, wanted)
    run = _Run(index, context, open_ids, existing, report, None, mirror=mirror)
    seen: set[str] = set()

    async def read(filters: dict[str, object]) -> None:
        async for products in _pages(client, run, count_total=False, include=INCLUDES, filters=filters):
            fresh = [p for p in products if document_id(p.id or 0) not in seen]
            seen.update(document_id(p.id or 0) for p in fresh)
            run.existing.update(
                await asyncio.to_thread(index.hashes_of, [document_id(p.id or 0) for p in fresh])
            )
            await run.process(fresh)

    for start in range(0, len(ids), ID_BATCH):
        await read({"id:in": ids[start : start + ID_BATCH]})
    for category in sorted(set(category_ids)):
        await read({"categories:in": [category]})
    gone = set(wanted) - seen
    await run.forget(gone)
    stale = sorted((run.drop | gone) & set(run.existing))
    if stale:
        await asyncio.to_thread(index.delete, stale)
    report.deleted = len(stale)
    report.excluded = Counter(run.reasons.values())
    report.skipped = max(0, len(run.keep) - report.upserted - report.failed)
    outcomes: dict[int, str] = {}
    for doc_id in sorted(seen | gone, key=product_id_of):
        product_id = product_id_of(doc_id)
        if doc_id in gone:
            outcomes[product_id] = "deleted from the store"
        elif doc_id in run.drop:
            outcomes[product_id] = f"left out: {run.reasons.get(doc_id, 'unknown')}"
        elif doc_id in run.failed_ids:
            outcomes[product_id] = "failed"
        else:
            outcomes[product_id] = "indexed" if doc_id in run.upserted_ids else "unchanged"
    report.seen = len(seen)
    report.api_requests = client.stats.requests - requests_before
    report.seconds = time.perf_counter() - started_clock
    return ProductsResult(report, outcomes)
