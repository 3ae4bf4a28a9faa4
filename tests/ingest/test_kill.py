"""kill -9 in the middle of `bcagent ingest`, then run it again: it completes, nothing duplicated or lost."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from bigcommerce.types.catalog import Product
from bigcommerce.types.customers import CustomerGroup
from ingest.embeddings import MiniLMEmbedding
from ingest.filters import judge, open_categories
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import LoopbackServer
from sandbox.state import SandboxStore


class SecondPageHeld:
    """The sandbox, except that a products listing's second page waits until ``release`` is set: an
    ingest that asked for it is surely mid-crawl (its first page embedded and upserted meanwhile),
    however fast the machine embeds."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.asked = threading.Event()
        self.release = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        query = scope.get("query_string", b"").decode() if scope.get("type") == "http" else ""
        if str(scope.get("path", "")).endswith("/v3/catalog/products") and "page=2" in query.split("&"):
            self.asked.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        await self.sandbox(scope, receive, send)


def expected_ids(store: SandboxStore) -> set[str]:
    groups = [CustomerGroup.model_validate(g) for g in store.customer_groups.values()]
    open_ids = open_categories(groups)
    return {
        f"product-{pid}"
        for pid, data in store.products.items()
        if judge(Product.model_validate(data), open_ids).included
    }


def ingest(home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "BCAGENT_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "ingest"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_kill_9_mid_sync_then_rerun(tmp_path: Path, embedder: MiniLMEmbedding) -> None:
    store = SandboxStore.from_data(generate_demo_store(300, seed=3))
    sandbox = Sandbox([store], quota=10**6)
    held = SecondPageHeld(sandbox)
    with LoopbackServer(held) as server:
        base_url = f"http://127.0.0.1:{server.port}"
        connections = ConnectionStore(tmp_path)
        asyncio.run(connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base_url, connections))
        first = ingest(tmp_path)
        state_file = connections.folder(DEMO_STORE_HASH) / "sync_state.json"
        assert held.asked.wait(timeout=120), "the first ingest never asked for its second page"
        assert first.poll() is None
        os.kill(first.pid, signal.SIGKILL)
        first.communicate()
        assert first.returncode == -signal.SIGKILL
        assert json.loads(state_file.read_text())["in_progress"]  # it never finished
        held.release.set()
        second = ingest(tmp_path)
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        assert "resumed after an interrupted run" in out
    index = ProductIndex(
        chroma_client(path=connections.folder(DEMO_STORE_HASH) / "chroma"), DEMO_STORE_HASH, embedder
    )
    hashes = index.hashes()
    assert set(hashes) == expected_ids(store)  # nothing lost, nothing extra
    assert index.count() == len(hashes)  # nothing duplicated
    assert json.loads(state_file.read_text())["in_progress"] is None
