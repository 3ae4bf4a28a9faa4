"""`bcagent chat` against an LLM server that is not running answers every message, and exits cleanly."""

from __future__ import annotations

import asyncio
import os
import socket
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


def closed_port() -> int:
    with socket.socket() as probe:  # nothing listens on it once closed
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_chat_with_the_model_server_stopped_answers_gracefully(tmp_path: Path) -> None:
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    with SandboxServer(Sandbox([store], quota=10**6)) as server:
        asyncio.run(
            connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, ConnectionStore(tmp_path))
        )
        env = {
            **os.environ,
            "BCAGENT_HOME": str(tmp_path),
            "BCAGENT_MODEL": "openai:smollm2",
            "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1",
            "BCAGENT_LLM_RETRIES": "0",
        }
        env.pop("OPENAI_API_KEY", None)
        typed = "Where is my order?\nWhere is my order 12345? My email is jane.doe@example.com\nthanks\n"
        done = subprocess.run(
            [sys.executable, "-m", "agent.cli", "chat"],
            input=typed,
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert "not responding" in done.stdout and "person" in done.stdout  # the first: no net, an apology
    assert "1Z999AA10123456784" in done.stdout  # the second: the safety net's tool call, composed reply
    assert "welcome" in done.stdout.lower()  # the third: answered without the LLM
