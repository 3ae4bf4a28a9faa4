"""An interrupted cancellation resumes in a new process: two `bcagent chat` runs on one thread."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore


def chat(home: Path, thread: str, text: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BCAGENT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", "chat", "--thread", thread],
        input=text,
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )


@pytest.mark.slow
def test_pending_cancellation_survives_a_restart(tmp_path: Path) -> None:
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    with SandboxServer(Sandbox([store], quota=10**6)) as server:
        asyncio.run(
            connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, ConnectionStore(tmp_path))
        )
        first = chat(tmp_path, "thread-x", "Cancel my order 12346, my email is jane.doe@example.com\n")
        assert first.returncode == 0, first.stderr
        assert "Cancel order #12346" in first.stdout
        assert store.orders[12346]["status_id"] == 11  # nothing written: the process ended before a yes
        second = chat(tmp_path, "thread-x", "yes\n")
        assert second.returncode == 0, second.stderr
        assert "cancelled" in second.stdout.lower()
    assert store.orders[12346]["status"] == "Cancelled"
