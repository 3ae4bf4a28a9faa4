"""The same index on a Chroma server (`chroma run`) instead of the embedded client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.settings import Settings
from agent.store.catalog import drop_remote_index
from ingest.embeddings import MiniLMEmbedding
from ingest.page_index import pages_collection_name
from ingest.vectors import ProductIndex, chroma_client, collection_name
from tests.chroma_server import chroma_server
from tests.ingest.conftest import Catalog


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    with chroma_server(tmp_path / "server") as (url, _process):
        yield url


async def test_sync_search_and_drop_on_a_chroma_server(
    catalog: Catalog, chroma_url: str, embedder: MiniLMEmbedding, tmp_path: Path
) -> None:
    catalog.index = ProductIndex(chroma_client(url=chroma_url), "smallshop", embedder)
    report = await catalog.sync()
    assert report.upserted == 2 and catalog.indexed_ids() == [1, 2]
    assert catalog.index.search("sparring gloves", k=1)[0].product_id == 2
    assert (await catalog.sync()).upserted == 0
    settings = Settings(home=tmp_path, chroma_url=chroma_url)
    chroma_client(url=chroma_url).get_or_create_collection(
        pages_collection_name("smallshop"),
        embedding_function=embedder,
    )
    assert drop_remote_index(settings, "smallshop") is True
    names = [c.name for c in chroma_client(url=chroma_url).list_collections()]
    assert collection_name("smallshop") not in names and pages_collection_name("smallshop") not in names
    assert drop_remote_index(settings, "smallshop") is False
