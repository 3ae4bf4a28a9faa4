"""kill -9 in the middle of `bcagent ingest`, then run it again: it completes, nothing duplicated or lost."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore


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
    with SandboxServer(sandbox) as server:
        connections = ConnectionStore(tmp_path)
        asyncio.run(connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, connections))
        sandbox.faults.update({"latency_ms": 300})  # slow pages: the first run is surely still going
        first = ingest(tmp_path)
        state_file = connections.folder(DEMO_STORE_HASH) / "sync_state.json"
        deadline = time.monotonic() + 90
        while not (state_file.exists() and json.loads(state_file.read_text()).get("in_progress")):
            assert first.poll() is None and time.monotonic() < deadline, "the first ingest never started"
            time.sleep(0.2)
        time.sleep(6)  # into the crawl: model loaded, pages being embedded and upserted
        assert first.poll() is None, "the first ingest finished before it could be killed"
        os.kill(first.pid, signal.SIGKILL)
        first.communicate()
        assert first.returncode == -signal.SIGKILL
        assert json.loads(state_file.read_text())["in_progress"]  # it never finished
        sandbox.faults.update({"latency_ms": 0})
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
