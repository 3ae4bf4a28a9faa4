"""The merchant's changes reach a running `bcagent serve` without a restart (issue 22): `bcagent tools
disable/enable`, `bcagent policy set`, typed store details and `bcagent disconnect` are run while the
server answers, and the next requests (after the follower's one-second check) see them. After a
disconnect the store's routes answer 404 unknown_store and no request reaches the sandbox any more.
Two replicas with homes of their own on one PostgreSQL database both follow a change made on one."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.cli import main
from agent.server.app import ServeOptions, create_app
from agent.server.run import BackgroundServer
from agent.settings import ServeSettings, Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import LoopbackServer
from sandbox.state import SandboxStore
from tests.pgschema import fresh_database
from tests.server.conftest import ADMIN, ADMIN_TOKEN

INTERVAL = 0.2  # the follower's check interval in these tests (serve's default is 1 s)


class TokenLog:
    """The sandbox, remembering the token of every API request it receives."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tokens: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and "/stores/" in scope.get("path", ""):
            headers = dict(scope["headers"])
            self.tokens.append(headers.get(b"x-auth-token", b"").decode())
        await self.app(scope, receive, send)


@dataclasses.dataclass
class Replica:
    url: str
    settings: Settings

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, headers=ADMIN)  # /readyz names stores to the admin

    def ask(self, client: httpx.Client, text: str) -> dict[str, Any]:
        created = client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={})
        assert created.status_code == 201, created.text
        body = created.json()
        answer = client.post(
            f"/v1/stores/{DEMO_STORE_HASH}/threads/{body['thread_id']}/messages",
            json={"text": text},
            headers={"X-Thread-Secret": body["secret"]},
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[str, TokenLog]]:
    log = TokenLog(Sandbox([SandboxStore.from_data(generate_demo_store(20, seed=0))], quota=10**6))
    with LoopbackServer(log) as server:
        yield server.base_url, log


@contextmanager
def replica(
    home: Path, api_url: str, embedder: Any, database_url: str | None = None, code_cache_seconds: float = 60.0
) -> Iterator[Replica]:
    settings = Settings(home=home, database_url=database_url, code_cache_seconds=code_cache_seconds)
    asyncio.run(connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), api_url, ConnectionStore(home)))
    settings = dataclasses.replace(settings, serve=ServeSettings(port=0, admin_token=ADMIN_TOKEN))
    options = ServeOptions(embedder=embedder, follow_catalog=False, settings_interval=INTERVAL)
    with BackgroundServer(create_app(settings, [DEMO_STORE_HASH], options)) as server:
        yield Replica(server.base_url, settings)


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    """``check`` holds within ``seconds`` (the follower checks every INTERVAL)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the running server did not follow the change"
        time.sleep(INTERVAL / 2)


def cli(home: Path, monkeypatch: pytest.MonkeyPatch, *argv: str, database_url: str | None = None) -> int:
    monkeypatch.setenv("BCAGENT_HOME", str(home))
    if database_url:
        monkeypatch.setenv("BCAGENT_DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
    return main(list(argv))


PROMOTIONS = "What promotions are running right now?"


def _uses(replica: Replica, client: httpx.Client, tool: str) -> bool:
    return tool in replica.ask(client, PROMOTIONS)["tools"]


def test_tool_switch_reaches_a_running_serve_without_restart(
    sandbox: tuple[str, TokenLog], embedder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_url, _ = sandbox
    with replica(tmp_path, api_url, embedder) as served, served.client() as client:
        assert _uses(served, client, "list_active_promotions")
        assert cli(tmp_path, monkeypatch, "tools", "disable", "list_active_promotions") == 0
        eventually(lambda: not _uses(served, client, "list_active_promotions"))
        reply = served.ask(client, PROMOTIONS)["replies"][0]
        assert "SAVE20" not in reply and "running now" not in reply
        assert cli(tmp_path, monkeypatch, "tools", "enable", "list_active_promotions") == 0
        eventually(lambda: _uses(served, client, "list_active_promotions"))


def test_typed_store_details_and_policy_reach_a_running_serve(
    sandbox: tuple[str, TokenLog], embedder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_url, _ = sandbox
    with replica(tmp_path, api_url, embedder) as served, served.client() as client:
        assert client.get(f"/v1/stores/{DEMO_STORE_HASH}/config").json()["currency"] == "USD"
        connect = ["connect", "--store-hash", DEMO_STORE_HASH, "--token", FULL_TOKEN, "--api-url", api_url]
        typed = ["--name", "Boxe Paris", "--storefront-url", "https://boxe.example.fr", "--currency", "EUR"]
        assert cli(tmp_path, monkeypatch, *connect, *typed, "--currency-format", "1 234,50 €") == 0

        def renamed() -> bool:
            config = client.get(f"/v1/stores/{DEMO_STORE_HASH}/config").json()
            return bool(config["store_name"] == "Boxe Paris" and config["currency"] == "EUR")

        eventually(renamed)
        preflight = client.options(
            f"/v1/stores/{DEMO_STORE_HASH}/threads",
            headers={"Origin": "https://boxe.example.fr", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code in (200, 204), preflight.text
        assert cli(tmp_path, monkeypatch, "policy", "set", "--no-codes-in-promotions") == 0

        def codes_hidden() -> bool:
            answer = served.ask(client, PROMOTIONS)
            return "list_active_promotions" in answer["tools"] and "SAVE20" not in answer["replies"][0]

        eventually(codes_hidden)


def test_disconnect_stops_a_running_serve_and_its_token(
    sandbox: tuple[str, TokenLog],
    embedder: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api_url, log = sandbox
    with replica(tmp_path, api_url, embedder) as served, served.client() as client:
        assert (
            "get_order_information"
            in served.ask(client, "Where is my order #12345? jane.doe@example.com")["tools"]
        )
        assert cli(tmp_path, monkeypatch, "disconnect", "--yes") == 0
        said = capsys.readouterr().out
        assert "agent.sqlite" in said and "serve.sqlite" in said  # listed before deleting
        assert "bcagent transcripts export" in said and "Settings > API > API Accounts" in said

        def gone() -> bool:
            return client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}).status_code == 404

        eventually(gone)
        before = len(log.tokens)
        refused = client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={})
        assert refused.json()["error"]["code"] == "unknown_store"
        ready = client.get("/readyz")
        assert ready.status_code == 503 and DEMO_STORE_HASH not in ready.json()["stores"]
        assert client.get(f"/v1/stores/{DEMO_STORE_HASH}/config").status_code == 404
        assert len(log.tokens) == before  # nothing more went out with the old token


def test_two_replicas_on_postgresql_follow_one_change(
    sandbox: tuple[str, TokenLog], embedder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_url, log = sandbox
    with fresh_database("bcagent_live") as url, ExitStack() as stack:
        first = stack.enter_context(replica(tmp_path / "one", api_url, embedder, url))
        second = stack.enter_context(replica(tmp_path / "two", api_url, embedder, url))
        clients = [stack.enter_context(r.client()) for r in (first, second)]
        for served, client in zip((first, second), clients, strict=True):
            assert _uses(served, client, "list_active_promotions")
        # the merchant disables the tool on the first machine: both replicas follow
        assert (
            cli(tmp_path / "one", monkeypatch, "tools", "disable", "list_active_promotions", database_url=url)
            == 0
        )
        for served, client in zip((first, second), clients, strict=True):
            eventually(lambda s=served, c=client: not _uses(s, c, "list_active_promotions"))
        # and disconnects it there: the second replica, whose home still has the files, stops too
        assert cli(tmp_path / "one", monkeypatch, "disconnect", "--yes", database_url=url) == 0
        assert (tmp_path / "two" / "stores" / DEMO_STORE_HASH / "connection.json").is_file()
        eventually(
            lambda: clients[1].post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}).status_code == 404
        )
        before = len(log.tokens)
        assert clients[1].get("/readyz").status_code == 503
        assert len(log.tokens) == before


def test_scope_lost_then_token_revoked_while_serving(
    embedder: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    with (
        LoopbackServer(Sandbox([store], quota=10**6)) as sandbox_server,
        # no code cache: with one, the promotions read a moment ago would be answered from it for up to
        # BCAGENT_CODE_CACHE_SECONDS, and the lost scope found by the first read after that
        replica(tmp_path, sandbox_server.base_url, embedder, code_cache_seconds=0) as served,
        served.client() as client,
    ):
        assert _uses(served, client, "list_active_promotions")
        assert client.get("/readyz").json()["stores"][DEMO_STORE_HASH].get("degraded") is None
        # the merchant removes the Marketing scope from the API account
        store.tokens[FULL_TOKEN] = frozenset(s for s in store.tokens[FULL_TOKEN] if "marketing" not in s)
        refused = served.ask(client, PROMOTIONS)["replies"][0]
        assert "isn't available" in refused and "person" in refused
        assert "cannot be reached" not in refused and "try again" not in refused
        readiness = lambda: client.get("/readyz").json()["stores"][DEMO_STORE_HASH]  # noqa: E731
        eventually(lambda: "degraded" in readiness())  # (not indexed here, so never "ready" overall)
        ready = readiness()
        assert "Marketing" in ready["degraded"] and ready["reachable"]
        assert any("Marketing" in p and "list_active_promotions" in p for p in ready["problems"])
        assert not _uses(served, client, "list_active_promotions")  # switched off, not retried
        answer = served.ask(client, "Where is my order #12345? jane.doe@example.com")
        assert "get_order_information" in answer["tools"]  # what still has its scope still works
        assert cli(tmp_path, monkeypatch, "status") == 0
        status = capsys.readouterr().out
        assert "Degraded: Access forbidden" in status and "Marketing" in status
        # then the API account is deleted: the token is revoked
        del store.tokens[FULL_TOKEN]
        refused = served.ask(client, "Where is my order #12345? jane.doe@example.com")["replies"][0]
        assert "isn't available" in refused and "cannot be reached" not in refused
        eventually(lambda: "Invalid access token" in readiness().get("degraded", ""))
        assert not readiness()["ready"] and client.get("/readyz").json()["status"] == "not_ready"
