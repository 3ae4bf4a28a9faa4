"""The command line around the server: `bcagent storefront-app`, `bcagent connect --client-id/--client-secret`
(kept owner-only, never printed), `bcagent serve` refusing clearly, and `bcagent demo` serving the chat
API and the proxied storefront sign-in until Ctrl-C stops everything."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agent.cli import main
from agent.ports import free_port
from sandbox.app import Sandbox
from sandbox.demo import DEMO_APP_CLIENT_ID, DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.server.conftest import parse_events

SECRET = "a-client-secret-nobody-may-see-0001"


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(20, seed=0))], quota=10**6)
    with SandboxServer(sandbox) as server:
        yield server.base_url


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BCAGENT_HOME", str(tmp_path))
    return tmp_path


def _app_file(home: Path) -> Path:
    return home / "stores" / DEMO_STORE_HASH / "storefront_app.json"


def test_connect_with_app_credentials_keeps_the_secret_owner_only(
    home: Path, sandbox_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    connect = ["connect", "--store-hash", DEMO_STORE_HASH, "--token", FULL_TOKEN, "--api-url", sandbox_url]
    code = main([*connect, "--client-id", "myclientid0001", "--client-secret", SECRET])
    out = capsys.readouterr()
    assert code == 0 and "myclientid0001" in out.out
    assert SECRET not in out.out + out.err
    assert _app_file(home).stat().st_mode & 0o777 == 0o600
    assert main(["storefront-app", "show"]) == 0
    shown = capsys.readouterr().out
    assert "myclientid0001" in shown and "secret set" in shown and SECRET not in shown


def test_storefront_app_set_show_clear(
    home: Path, sandbox_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["connect", "--store-hash", DEMO_STORE_HASH, "--token", FULL_TOKEN, "--api-url", sandbox_url])
        == 0
    )
    assert main(["storefront-app", "show"]) == 0
    assert "No storefront app" in capsys.readouterr().out
    assert main(["storefront-app", "set", "--client-id", "otherclient01"]) == 1  # no secret, no terminal
    assert "--client-secret" in capsys.readouterr().err
    assert main(["storefront-app", "set", "--client-id", "otherclient01", "--client-secret", SECRET]) == 0
    assert SECRET not in capsys.readouterr().out
    assert SECRET in _app_file(home).read_text() and _app_file(home).stat().st_mode & 0o777 == 0o600
    assert main(["storefront-app", "clear"]) == 0
    assert not _app_file(home).exists()


def test_serve_refuses_clearly_without_a_connected_store(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "No store is connected" in err and "Traceback" not in err
    assert main(["serve", "--store", "nosuchstore"]) == 1
    assert "not connected" in capsys.readouterr().err


def test_bad_serve_settings_are_one_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BCAGENT_MAX_MESSAGE_CHARS", "lots")
    assert main(["serve"]) == 2
    assert "BCAGENT_MAX_MESSAGE_CHARS must be a whole number" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("BCAGENT_DATABASE_URL", "postgress://app:hunter2@db/bcagent", "postgresql://user@host:5432/db"),
        ("BCAGENT_REDIS_URL", "cache.internal:6379", "redis://host:6379/0"),
        ("BCAGENT_CHROMA_URL", "chroma.internal:8000", "http://host:8000"),
    ],
)
def test_a_mistyped_service_url_is_refused_not_ignored(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(name, value)  # a silent fall-back to SQLite would give each replica its own state
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert f"{name} must look like {expected}" in err and "hunter2" not in err


def _wait_for(pattern: str, lines: Iterator[str], seen: list[str], timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    for line in lines:
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"{pattern!r} not printed; output so far:\n{''.join(seen)}")


def _ready(base: str, process: subprocess.Popen[str], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "bcagent demo exited early"
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("the demo's server did not become ready")


@pytest.mark.slow
def test_demo_serves_the_api_and_storefront_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BCAGENT_HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "agent.cli", "demo", "--products", "20", "--serve-port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    try:
        assert process.stdout is not None
        lines = iter(process.stdout.readline, "")
        sandbox = _wait_for(r"running at (http://127\.0\.0\.1:\d+)", lines, seen, 300).group(1)
        base = _wait_for(r"The demo page:\s+(http://\S+)/", lines, seen, 300).group(1)
        assert base == f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 200  # printed once it answers
        hint = _wait_for(r"Terminal chat:\s+BCAGENT_HOME=(\S+) (\S+) chat", lines, seen, 60)
        assert Path(hint.group(1)) == tmp_path / "demo"
        runnable = hint.group(2)
        assert shutil.which(runnable) or (Path(runnable).is_file() and os.access(runnable, os.X_OK))
        _ready(base, process)
        with httpx.Client(base_url=base, timeout=60) as browser:
            assert browser.get("/", follow_redirects=False).status_code in (200, 307)
            assert (
                browser.get("/customer/current.jwt", params={"app_client_id": DEMO_APP_CLIENT_ID}).status_code
                == 404
            )
            login = browser.post(
                f"/__sandbox__/storefront/{DEMO_STORE_HASH}/login", json={"email": "jane.doe@example.com"}
            )
            assert login.status_code == 200, login.text
            token = browser.get("/customer/current.jwt", params={"app_client_id": DEMO_APP_CLIENT_ID})
            assert token.status_code == 200 and token.text.count(".") == 2
            thread = browser.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}).json()
            with browser.stream(
                "POST",
                f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread['thread_id']}/messages",
                json={"text": "show my orders", "customer_token": token.text},
                headers={"X-Thread-Secret": thread["secret"], "Accept": "text/event-stream"},
            ) as answer:
                events = list(parse_events(answer.iter_lines()))
        reply = next(data["text"] for name, data in events if name == "reply")
        assert "#12345" in reply and "#12346" in reply
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 0
        for url in (base, sandbox):
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{url}/healthz", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_demo_sandbox_takes_the_readme_port_or_says_which_to_use() -> None:
    import socket

    from agent.cli.demo import SANDBOX_PORT, sandbox_port

    assert sandbox_port("127.0.0.1", 9) == (9, None)  # asked for: kept (the bind then says if it fails)
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the sandbox binds: past TIME_WAIT
    try:
        try:
            holder.bind(("127.0.0.1", SANDBOX_PORT))
            holder.listen()
        except OSError:
            pass  # something else holds it already: the same case
        port, note = sandbox_port("127.0.0.1", SANDBOX_PORT)
        assert port == 0 and note is not None and str(SANDBOX_PORT) in note
    finally:
        holder.close()
