"""LangGraph Server: `langgraph dev` (in-memory server, on loopback, no browser, no reload, no
analytics) serves the graph through the factory in langgraph.json with the connected store in
$BCAGENT_HOME, and answers an order question through its threads/runs API. Also the factory's
hosting in-process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from agent.graphs.router import build
from agent.graphs.server_entry import hosted
from agent.ports import free_port
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.tools.conftest import ToolsEnv

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Where is order 12345? My email is jane.doe@example.com"
TRACKING = "1Z999AA10123456784"


async def test_a_hosted_graph_runs_with_the_hosts_context(env: ToolsEnv, nlu: Any) -> None:
    context = env.context  # built by the one test fixture, as every surface builds it
    graph = hosted(build(InMemorySaver()), context)
    config = {"configurable": {"thread_id": "hosted"}}
    output = await graph.ainvoke({"messages": [HumanMessage(content=QUESTION)]}, config)  # no context given
    assert TRACKING in output["messages"][-1].text
    copied = graph.copy(update={"checkpointer": InMemorySaver()})  # as the server copies it
    again = await copied.ainvoke({"messages": [HumanMessage(content=QUESTION)]}, config)
    assert TRACKING in again["messages"][-1].text
    served = await copied.ainvoke(  # as the server runs it: the request's context, empty
        {"messages": [HumanMessage(content=QUESTION)]}, {"configurable": {"thread_id": "served"}}, context={}
    )
    assert TRACKING in served["messages"][-1].text


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "langgraph dev exited"
        try:
            if httpx.get(f"{url}/ok", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError("langgraph dev did not start in time")


@pytest.mark.slow
def test_langgraph_dev_answers_an_order_question(tmp_path: Path) -> None:
    executable = Path(sys.executable).with_name("langgraph")
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    with SandboxServer(Sandbox([store], quota=10**6)) as sandbox:
        asyncio.run(
            connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), sandbox.base_url, ConnectionStore(tmp_path))
        )
        port = free_port()
        env = {
            **os.environ,
            "BCAGENT_HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "LANGGRAPH_CLI_NO_ANALYTICS": "1",
            "LANGSMITH_TRACING": "false",
        }
        command = [str(executable), "dev", "--no-browser", "--no-reload", "--allow-blocking"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--config", str(ROOT / "langgraph.json")]
        log = (tmp_path / "langgraph-dev.log").open("wb")
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, server)
            thread = httpx.post(f"{url}/threads", json={}, timeout=10).json()["thread_id"]
            body = {
                "assistant_id": "bcagent",
                "input": {"messages": [{"role": "human", "content": QUESTION}]},
            }
            answer = httpx.post(f"{url}/threads/{thread}/runs/wait", json=body, timeout=180)
            assert answer.status_code == 200, answer.text[-1000:]
            last = answer.json()["messages"][-1]
            assert last["type"] == "ai" and TRACKING in last["content"]
            state = httpx.get(f"{url}/threads/{thread}/state", timeout=10).json()
            assert state["values"]["messages"][0]["type"] == "human"
            assert FULL_TOKEN not in answer.text
        finally:
            server.terminate()
            server.wait(30)
            log.close()
    assert FULL_TOKEN not in (tmp_path / "langgraph-dev.log").read_text(errors="replace")
