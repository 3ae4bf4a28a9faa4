"""The same index on a Chroma server (`chroma run`) instead of the embedded client."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agent.settings import Settings
from agent.store.catalog import drop_remote_index
from ingest.embeddings import MiniLMEmbedding
from ingest.vectors import ProductIndex, chroma_client, collection_name
from tests.ingest.conftest import Catalog


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    executable = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [executable, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_sync_search_and_drop_on_a_chroma_server(
    catalog: Catalog, chroma_url: str, embedder: MiniLMEmbedding, tmp_path: Path
) -> None:
    catalog.index = ProductIndex(chroma_client(url=chroma_url), "smallshop", embedder)
    report = await catalog.sync()
    assert report.upserted == 2 and catalog.indexed_ids() == [1, 2]
    assert catalog.index.search("sparring gloves", k=1)[0].product_id == 2
    assert (await catalog.sync()).upserted == 0
    settings = Settings(home=tmp_path, chroma_url=chroma_url)
    assert drop_remote_index(settings, "smallshop") is True
    names = [c.name for c in chroma_client(url=chroma_url).list_collections()]
    assert collection_name("smallshop") not in names
    assert drop_remote_index(settings, "smallshop") is False
