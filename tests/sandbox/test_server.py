"""The sandbox over real loopback HTTP: serving, dropped connections, and the `bcagent sandbox` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.app import Sandbox
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN, SMALL_STORE


def test_serves_a_bigcommerce_shaped_page_over_loopback(small_data: dict[str, Any]) -> None:
    with SandboxServer(Sandbox([SandboxStore.from_data(small_data)])) as server:
        response = httpx.get(
            f"{server.base_url}/stores/smallshop/v3/catalog/products",
            params={"limit": 2, "include": "variants"},
            headers={"X-Auth-Token": SMALL_FULL_TOKEN},
        )
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["data"]] == [1, 2]
    assert body["data"][1]["variants"][0]["sku"] == "SG-1-12"
    assert body["meta"]["pagination"]["total_pages"] == 3
    assert response.headers["content-type"] == "application/json"


def test_dropped_connection_gives_no_answer(small_data: dict[str, Any]) -> None:
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    sandbox.faults.update({"drop_rate": 1.0})
    with SandboxServer(sandbox) as server, httpx.Client(base_url=server.base_url) as client:
        with pytest.raises(httpx.TransportError):
            client.get("/stores/smallshop/v2/time", headers={"X-Auth-Token": SMALL_FULL_TOKEN})
        admin = client.put("/__sandbox__/faults", json={"drop_rate": 0})
        assert admin.status_code == 200
        assert (
            client.get("/stores/smallshop/v2/time", headers={"X-Auth-Token": SMALL_FULL_TOKEN}).status_code
            == 200
        )


def test_cli_dumps_a_fixture_and_refuses_a_bad_one(tmp_path: Path) -> None:
    out = tmp_path / "copy.json"
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "sandbox", "--fixture", str(SMALL_STORE), "--dump", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["store"]["id"] == "smallshop"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"store": {"id": "x"}, "products": [{"id": 1}]}))
    refused = subprocess.run(
        [sys.executable, "-m", "agent.cli", "sandbox", "--fixture", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "broken.json: products[0].name: Field required" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_cli_refuses_a_busy_port() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "agent.cli",
                "sandbox",
                "--fixture",
                str(SMALL_STORE),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
