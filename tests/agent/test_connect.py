"""Connecting a store against the sandbox: detection, scope probes, tool matrix, and every failure."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.store.capabilities import LEAST_PRIVILEGE, enabled_tools, scope_notes, scope_problems
from agent.store.connect import connect_store
from agent.store.connections import ConnectionProblem, ConnectionStore, Secret
from agent.store.report import last_sync, render_connection
from sandbox.app import Sandbox
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN, SMALL_READONLY_TOKEN, SMALL_STORE

API = "http://sandbox.test"


@pytest.fixture
def sandbox(small_data: dict[str, Any]) -> Sandbox:
    return Sandbox([SandboxStore.from_data(small_data)])


async def connect(
    sandbox: Sandbox, home: Path, store: str = "smallshop", token: str = SMALL_FULL_TOKEN
) -> Any:
    transport = httpx.ASGITransport(app=sandbox)
    return await connect_store(store, Secret(token), API, ConnectionStore(home), transport=transport)


async def test_full_token_detects_store_and_enables_every_tool(sandbox: Sandbox, tmp_path: Path) -> None:
    result = await connect(sandbox, tmp_path, "https://store-smallshop.mybigcommerce.com/manage/dashboard")
    connection = result.connection
    assert (connection.store_hash, connection.name, connection.secure_url) == (
        "smallshop",
        "Small Shop",
        "https://small-shop.example",
    )
    assert (
        connection.money.currency,
        connection.money.symbol_location,
        connection.money.decimal_separator,
    ) == (
        "EUR",
        "right",
        ",",
    )
    assert connection.scopes == {
        "information": "read",
        "orders": "modify",
        "transactions": "read",
        "products": "read",
        "customers": "read",
        "marketing": "read",
        "content": "none",  # the small shop's token has neither optional scope
        "payments": "none",
    }
    assert len(enabled_tools(connection.scopes)) == 10  # all but search_store_info and get_payment_methods
    saved = ConnectionStore(tmp_path)
    assert saved.hashes() == ["smallshop"]
    assert saved.token("smallshop") == Secret(SMALL_FULL_TOKEN)


async def test_probing_changes_no_order(sandbox: Sandbox, tmp_path: Path) -> None:
    before = json.dumps(sandbox.store.to_fixture(), sort_keys=True)
    await connect(sandbox, tmp_path)
    assert json.dumps(sandbox.store.to_fixture(), sort_keys=True) == before


async def test_limited_token_disables_the_tools_it_cannot_serve(sandbox: Sandbox, tmp_path: Path) -> None:
    connection = (await connect(sandbox, tmp_path, token=SMALL_READONLY_TOKEN)).connection
    assert connection.scopes["orders"] == "read"
    assert connection.scopes["marketing"] == "none"
    assert connection.scopes["information"] == "none"
    assert enabled_tools(connection.scopes) == [
        "get_order_information",
        "get_product_information",
        "transfer_to_human",
    ]


@pytest.mark.parametrize(
    ("store", "token", "message"),
    [
        ("smallshop", "wrong-token-123", "Invalid access token"),
        ("nosuchstore", SMALL_FULL_TOKEN, "check the store hash"),
        ("small shop!", SMALL_FULL_TOKEN, "Invalid store hash"),
        ("smallshop", "   ", "access token is empty"),
    ],
)
async def test_failures_are_one_sentence_and_save_nothing(
    sandbox: Sandbox, tmp_path: Path, store: str, token: str, message: str
) -> None:
    with pytest.raises(ConnectionProblem, match=message) as caught:
        await connect(sandbox, tmp_path, store, token)
    assert SMALL_FULL_TOKEN not in str(caught.value)
    assert ConnectionStore(tmp_path).hashes() == []
    assert not (tmp_path / "stores").exists() or not any((tmp_path / "stores").iterdir())


async def test_refused_token_names_the_error_and_what_to_do(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(ConnectionProblem) as caught:
        await connect(sandbox, tmp_path, token="revoked-token-123")
    message = str(caught.value)
    assert message.startswith("Invalid access token")
    assert "store-level API account" in message and "not an account-level token" in message
    assert "Settings > API > API Accounts" in message


async def test_missing_scopes_read_access_forbidden_and_name_the_tools(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    connection = (await connect(sandbox, tmp_path, token=SMALL_READONLY_TOKEN)).connection
    problems = scope_problems(connection.scopes)
    assert all(p.startswith("Access forbidden: ") for p in problems)
    marketing = next(p for p in problems if "Marketing" in p)
    assert "check_gift_card_balance, lookup_discount_code, list_active_promotions" in marketing
    assert not any("Orders" in p for p in problems)  # read-only Orders is enough for lookups: no problem
    (orders, privilege) = scope_notes(connection.scopes)
    assert orders.startswith("Orders is read-only: that is enough for lookups")
    assert "cancel_order" in orders and "get_order_information" not in orders
    assert privilege == LEAST_PRIVILEGE
    assert not any("Products" in p for p in problems)
    report = render_connection(connection)
    assert "Problems:" in report and orders in report and LEAST_PRIVILEGE in report
    full = (await connect(sandbox, tmp_path)).connection
    optional = scope_problems(full.scopes)  # only the optional Content and payment methods scopes
    assert [p.split(" scope ")[0] for p in optional] == [
        "Access forbidden: the token lacks the Content read-only",
        "Access forbidden: the token lacks the Payment Methods read-only",
    ]
    assert "search_store_info" in optional[0] and "get_payment_methods" in optional[1]


async def test_token_of_another_store_is_refused(small_data: dict[str, Any], tmp_path: Path) -> None:
    other = {
        "store": {"id": "othershop"},
        "api_accounts": [{"token": "othertoken123", "scopes": ["store_v2_orders"]}],
    }
    sandbox = Sandbox([SandboxStore.from_data(small_data), SandboxStore.from_data(other)])
    with pytest.raises(ConnectionProblem, match="401"):
        await connect(sandbox, tmp_path, "smallshop", "othertoken123")


async def test_token_without_any_product_scope(small_data: dict[str, Any], tmp_path: Path) -> None:
    small_data["api_accounts"].append({"token": "noscopes12345", "scopes": []})
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    with pytest.raises(ConnectionProblem, match=r"Access forbidden: .*none of the scopes"):
        await connect(sandbox, tmp_path, "smallshop", "noscopes12345")


async def test_unreachable_host(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ConnectionProblem, match="Cannot reach"):
        await connect_store(
            "smallshop",
            Secret(SMALL_FULL_TOKEN),
            API,
            ConnectionStore(tmp_path),
            transport=httpx.MockTransport(refuse),
        )
    assert ConnectionStore(tmp_path).hashes() == []


async def test_reconnect_keeps_merchant_switches(sandbox: Sandbox, tmp_path: Path) -> None:
    first = (await connect(sandbox, tmp_path)).connection
    first.disabled_tools = ["cancel_order"]
    ConnectionStore(tmp_path).update(first)
    again = await connect(sandbox, tmp_path)
    assert again.replaced and again.connection.disabled_tools == ["cancel_order"]
    assert "cancel_order" not in enabled_tools(again.connection.scopes, again.connection.disabled_tools)


async def test_credentials_file_is_owner_only(sandbox: Sandbox, tmp_path: Path) -> None:
    await connect(sandbox, tmp_path)
    folder = tmp_path / "stores" / "smallshop"
    assert stat.S_IMODE(os.stat(folder / "credentials.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert SMALL_FULL_TOKEN not in (folder / "connection.json").read_text()
    assert SMALL_FULL_TOKEN not in repr(Secret(SMALL_FULL_TOKEN))


def _bcagent(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BCAGENT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        input=stdin,
    )


def test_cli_lifecycle_against_the_sandbox_over_loopback(small_data: dict[str, Any], tmp_path: Path) -> None:
    with SandboxServer(Sandbox([SandboxStore.from_file(SMALL_STORE)])) as server:
        full = _bcagent(
            tmp_path,
            "connect",
            "--store-hash",
            "smallshop",
            "--token",
            SMALL_FULL_TOKEN,
            "--api-url",
            server.base_url,
        )
        assert full.returncode == 0, full.stderr
        assert "Connected Small Shop." in full.stdout
        # the first connect starts the first catalog sync; a reconnect (below) does not sync again
        assert "Syncing the catalog for the first time" in full.stdout
        assert last_sync(tmp_path / "stores" / "smallshop") != "never"
        assert "Currency:    EUR, shown as 1.234,50 €" in full.stdout
        assert "[on ] cancel_order" in full.stdout
        limited = _bcagent(
            tmp_path,
            "connect",
            "--store-hash",
            "smallshop",
            "--token",
            SMALL_READONLY_TOKEN,
            "--api-url",
            server.base_url,
        )
        assert limited.returncode == 0, limited.stderr
        assert "Syncing the catalog" not in limited.stdout
        assert (
            "[off] cancel_order               needs the Orders modify scope (token has read)"
            in limited.stdout
        )
        assert (
            "[off] lookup_discount_code       needs the Marketing read-only scope (token has none)"
            in limited.stdout
        )
        bad = _bcagent(
            tmp_path,
            "connect",
            "--store-hash",
            "smallshop",
            "--token",
            "nope-nope",
            "--api-url",
            server.base_url,
        )
        assert bad.returncode == 1 and bad.stderr.startswith("error: Invalid access token")
        assert "Traceback" not in bad.stderr
    status = _bcagent(tmp_path, "status")
    assert status.returncode == 0 and "Last catalog sync: never" not in status.stdout  # connect synced
    disabled = _bcagent(tmp_path, "tools", "disable", "get_product_information")
    assert "[off] get_product_information    disabled by the merchant" in disabled.stdout
    refused = _bcagent(tmp_path, "disconnect")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert (tmp_path / "stores" / "smallshop").exists()
    gone = _bcagent(tmp_path, "disconnect", "--yes")
    assert gone.returncode == 0 and not (tmp_path / "stores" / "smallshop").exists()
    assert _bcagent(tmp_path, "status").stderr.startswith("error: No store is connected.")
    for output in (full.stdout, full.stderr, limited.stdout, status.stdout, gone.stdout):
        assert SMALL_FULL_TOKEN not in output and SMALL_READONLY_TOKEN not in output


def test_several_stores_need_store_flag(tmp_path: Path) -> None:
    from agent.store.connections import Connection

    connections = ConnectionStore(tmp_path)
    for store_hash in ("shopone", "shoptwo"):
        connections.save(Connection(store_hash=store_hash, api_url=API), Secret("t0k3n-value"))
    with pytest.raises(ConnectionProblem, match="say which with --store"):
        connections.resolve(None)
    assert connections.resolve("shoptwo") == "shoptwo"


def test_disconnect_removes_the_widget_script_the_console_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from agent.cli import main
    from agent.console.widget_script import install_widget
    from bigcommerce import AsyncBigCommerce
    from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store

    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    app_token = "app-token-with-content-modify-0001"  # an app's token: it may write scripts
    store.tokens[app_token] = store.tokens[FULL_TOKEN] | {"store_v2_content"}
    with SandboxServer(Sandbox([store], quota=10**6)) as server:

        async def install() -> None:
            await connect_store(
                DEMO_STORE_HASH, Secret(app_token), server.base_url, ConnectionStore(tmp_path)
            )
            async with AsyncBigCommerce(DEMO_STORE_HASH, app_token, base_url=server.base_url) as client:
                await install_widget(client, "https://chat.example", DEMO_STORE_HASH)

        asyncio.run(install())
        assert len(store.scripts) == 1
        monkeypatch.setenv("BCAGENT_HOME", str(tmp_path))
        monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
        monkeypatch.delenv("BCAGENT_REDIS_URL", raising=False)
        assert main(["disconnect", "--yes"]) == 0
    out = capsys.readouterr().out
    assert store.scripts == {} and "Removed the widget script the console installed (1)" in out
    assert app_token not in out
