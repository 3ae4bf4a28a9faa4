"""`kill -9` of a chat process while a cancellation waits for the shopper's yes: after a restart the
confirmation is still there and is answered once; the order is written once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import LoopbackServer
from sandbox.state import SandboxStore
from tests.security.conftest import Recorder


def start_chat(home: Path, thread: str) -> subprocess.Popen[str]:
    env = {**os.environ, "BCAGENT_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "chat", "--thread", thread],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def read_until(process: subprocess.Popen[str], needle: str, timeout: float = 240) -> str:
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        line = process.stdout.readline()
        assert line or process.poll() is None, f"chat ended before {needle!r}: {seen[-500:]}"
        seen += line
        assert time.monotonic() < deadline, f"no {needle!r} in time: {seen[-500:]}"
    return seen


@pytest.mark.slow
def test_a_killed_chat_keeps_its_pending_confirmation(tmp_path: Path, record_property: Any) -> None:
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    recorder = Recorder(Sandbox([store], quota=10**6))
    with LoopbackServer(recorder) as server:
        asyncio.run(
            connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, ConnectionStore(tmp_path))
        )
        chat = start_chat(tmp_path, "kill-me")
        assert chat.stdin is not None
        chat.stdin.write("Cancel my order 12346, my email is jane.doe@example.com\n")
        chat.stdin.flush()
        read_until(chat, "Cancel order #12346")
        os.kill(chat.pid, signal.SIGKILL)  # mid-confirmation: no goodbye, nothing flushed on purpose
        chat.wait(30)
        assert chat.returncode == -signal.SIGKILL and store.orders[12346]["status_id"] == 11
        restarted = subprocess.run(
            [sys.executable, "-m", "agent.cli", "chat", "--thread", "kill-me"],
            input="yes\nyes\n",
            capture_output=True,
            text=True,
            timeout=240,
            env={**os.environ, "BCAGENT_HOME": str(tmp_path)},
        )
        assert restarted.returncode == 0, restarted.stderr[-2000:]
    assert "cancelled" in restarted.stdout.lower() and store.orders[12346]["status_id"] == 5
    puts = [p for m, p in recorder.requests if m == "PUT" and p.endswith("/v2/orders/12346")]
    assert len(puts) == 1  # the second "yes" has nothing left to confirm
    record_property("tried", "kill -9 of `bcagent chat` with a cancellation waiting, restart, yes twice")
