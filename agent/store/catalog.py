"""The catalog commands' glue: a connected store's client, vector index and sync folder, put together
for `bcagent ingest`, `bcagent ingest explain` and `bcagent search`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bigcommerce import AsyncBigCommerce
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.explain import Explanation, explain_product
from ingest.sync import Progress, SyncReport, sync_catalog, with_category_names
from ingest.vectors import ProductIndex, SearchHit, chroma_client, collection_name

from ..persistence.freshness import open_freshness_log
from ..settings import Settings
from .connections import Connection, ConnectionProblem, ConnectionStore
from .locks import LockBusy, sync_lock

log = logging.getLogger(__name__)


@dataclass
class CatalogRuntime:
    connection: Connection
    client: AsyncBigCommerce
    index: ProductIndex
    connections: ConnectionStore

    @property
    def folder(self) -> Any:
        return self.connections.folder(self.connection.store_hash)

    @property
    def context(self) -> CatalogContext:
        return CatalogContext(storefront_url=self.connection.secure_url, money=self.connection.money)

    @property
    def restrict_by_groups(self) -> bool:
        return self.connection.scopes.get("customers", "none") != "none"


def open_index(
    settings: Settings, connections: ConnectionStore, store_hash: str, embedder: MiniLMEmbedding
) -> ProductIndex:
    client = chroma_client(path=connections.folder(store_hash) / "chroma", url=settings.chroma_url)
    return ProductIndex(client, store_hash, embedder)


@asynccontextmanager
async def catalog_runtime(
    settings: Settings, store: str | None, embedder: MiniLMEmbedding | None = None, need_products: bool = True
) -> AsyncIterator[CatalogRuntime]:
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    connection = connections.load(store_hash)
    if need_products and connection.scopes.get("products", "none") == "none":
        raise ConnectionProblem(
            f"Store {store_hash} has no Products scope: catalog sync needs Products read-only. Edit the API "
            "account's scopes in the control panel, then run `bcagent connect` again."
        )
    index = open_index(settings, connections, store_hash, embedder or MiniLMEmbedding())
    token = connections.token(store_hash)
    async with AsyncBigCommerce(store_hash, token.reveal(), base_url=connection.api_url) as client:
        yield CatalogRuntime(connection, client, index, connections)


async def run_ingest(
    settings: Settings,
    store: str | None,
    full: bool,
    progress: Progress | None = None,
    embedder: MiniLMEmbedding | None = None,
) -> SyncReport:
    async with catalog_runtime(settings, store, embedder) as runtime:
        lock = sync_lock(
            runtime.folder,
            runtime.connection.store_hash,
            settings.database_url,
            settings.redis_url,
            settings.redis_prefix,
        )
        events = await open_freshness_log(settings, runtime.connection.store_hash, runtime.folder)
        try:
            async with lock.hold(wait=False):
                report = await sync_catalog(
                    runtime.client,
                    runtime.index,
                    runtime.folder,
                    runtime.context,
                    full=full,
                    restrict_by_groups=runtime.restrict_by_groups,
                    progress=progress,
                    mirror=events.mirror(),
                )
            # a sync is what proves the catalog mirror fresh while no webhook arrives (agent/tools/mirror.py)
            await events.record("sync", detail=f"bcagent ingest: {report.lines()[0]}")
            return report
        except LockBusy:
            raise ConnectionProblem(
                f"A catalog sync of {runtime.connection.store_hash} is already running (`bcagent serve`'s "
                "scheduled sync or another `bcagent ingest`); run this again when it has finished."
            ) from None
        finally:
            await events.aclose()


async def run_explain(settings: Settings, store: str | None, reference: str) -> Explanation:
    async with catalog_runtime(settings, store) as runtime:
        context = await with_category_names(runtime.client, runtime.context)
        return await explain_product(
            runtime.client, runtime.index, reference, context, runtime.restrict_by_groups
        )


def drop_remote_index(settings: Settings, store_hash: str) -> bool:
    """Drop the store's collections (products and pages) from a configured Chroma server (the embedded
    ones live in the store's folder and go with it). True when a collection was dropped."""
    if not settings.chroma_url:
        return False
    from ingest.page_index import pages_collection_name

    client = chroma_client(url=settings.chroma_url)
    dropped = False
    for name in (collection_name(store_hash), pages_collection_name(store_hash)):  # products, then pages
        try:
            client.delete_collection(name)
            dropped = True
        except Exception as exc:  # Chroma raises NotFoundError (or ValueError in older versions) when absent
            log.info("no collection %s to drop: %s", name, exc)
    return dropped


def run_search(settings: Settings, store: str | None, query: str, k: int) -> list[SearchHit]:
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    index = open_index(settings, connections, store_hash, MiniLMEmbedding())
    return index.search(query, k)
