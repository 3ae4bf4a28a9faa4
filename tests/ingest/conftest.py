"""Ingest test set-up: one embedding model per session, a fresh sandbox store, client and index per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bigcommerce import AsyncBigCommerce
from bigcommerce.money import MoneyFormat
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import SyncReport, sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN


@dataclass
class Catalog:
    sandbox: Sandbox
    client: AsyncBigCommerce
    index: ProductIndex
    folder: Path
    context: CatalogContext

    @property
    def store(self) -> SandboxStore:
        return self.sandbox.store

    async def sync(self, full: bool = False, restrict: bool = True) -> SyncReport:
        return await sync_catalog(
            self.client, self.index, self.folder, self.context, full=full, restrict_by_groups=restrict
        )

    def indexed_ids(self) -> list[int]:
        return sorted(int(doc_id.split("-")[1]) for doc_id in self.index.hashes())


@pytest.fixture
async def catalog(
    small_data: dict[str, Any], tmp_path: Path, embedder: MiniLMEmbedding
) -> AsyncIterator[Catalog]:
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    index = ProductIndex(chroma_client(path=tmp_path / "chroma"), "smallshop", embedder)
    context = CatalogContext(
        storefront_url="https://small-shop.example", money=MoneyFormat("EUR", "€", "right", 2, ",", ".")
    )
    client = AsyncBigCommerce(
        "smallshop",
        SMALL_FULL_TOKEN,
        base_url="http://sandbox.test",
        transport=httpx.ASGITransport(app=sandbox),
        sleep=_no_sleep,
    )
    async with client:
        yield Catalog(sandbox, client, index, tmp_path / "state", context)


async def _no_sleep(seconds: float) -> None:
    return None
