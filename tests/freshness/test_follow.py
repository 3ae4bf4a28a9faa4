"""End to end: hooks registered in the sandbox, changes made through its admin routes, delivered to the
receiver on loopback and reflected in the index (and in `bcagent search`); the scheduled sync as the
safety net; registration, status and disconnect through the CLI."""

from __future__ import annotations

import json
import os
import stat
from typing import Any

import pytest

from agent.cli import main
from agent.store.catalog import run_search
from agent.store.freshness import HOOK_SCOPES, SECRET_HEADER
from agent.store.report import render_freshness
from tests.freshness.conftest import STORE, Shop, eventually

SECRET = "test-secret-0123456789"


def searched(shop: Shop, query: str) -> list[int]:
    return [hit.product_id for hit in run_search(shop.settings, STORE, query, 5)]


@pytest.mark.slow
async def test_each_change_kind_reaches_the_index_through_a_webhook(shop: Shop, running: Any) -> None:
    async with running() as run:
        index = run.store.catalog.index
        follower = run.store.follower

        def name_of(product_id: int) -> str | None:
            document = index.get(f"product-{product_id}")
            return None if document is None else str(document["metadata"]["name"])

        assert sorted(int(d.split("-")[1]) for d in index.hashes()) == [1, 2]
        shop.admin("PATCH", "/products/1", {"price": 33.0, "sale_price": 0})
        await eventually(lambda: (index.get("product-1") or {}).get("metadata", {}).get("price") == 33.0)
        shop.admin("PATCH", "/products/2", {"name": "Pro Sparring Gloves"})
        await eventually(lambda: name_of(2) == "Pro Sparring Gloves")
        assert 2 in searched(shop, "pro sparring gloves")

        shop.admin("PATCH", "/products/1", {"is_visible": False})  # hidden: gone from search
        await eventually(lambda: name_of(1) is None)
        assert 1 not in searched(shop, "bag gloves")

        for variant in shop.store.products[2]["variants"]:  # sold out, variant by variant
            shop.admin("PATCH", f"/products/2/variants/{variant['id']}", {"inventory_level": 0})
        await eventually(lambda: name_of(2) is None)

        created = shop.admin(
            "POST", "/products", {"name": "Neon Speed Rope", "price": 15, "categories": [18]}
        ).json()
        await eventually(lambda: name_of(created["id"]) == "Neon Speed Rope")
        assert searched(shop, "neon speed rope")[0] == created["id"]

        shop.admin("PATCH", "/products/4", {"inventory_level": 3})  # back in stock: appears
        await eventually(lambda: name_of(4) == "Sold Out Bag")
        shop.admin(
            "PATCH", "/categories/19", {"name": "Heavy Bags"}
        )  # a category rename re-reads its products
        await eventually(lambda: "Heavy Bags" in (index.get("product-4") or {}).get("document", ""))
        shop.admin("DELETE", f"/products/{created['id']}")
        await eventually(lambda: name_of(created["id"]) is None)
        await follower.wait_idle()
        assert follower.requests <= follower.batches + 1  # one read per batch, plus the category names
        assert run.store.scheduler.runs == 1  # only the initial sync: the webhooks did the rest
        status = render_freshness(
            shop.connections.folder(STORE),
            shop.connections.load(STORE),
            await run.store.catalog.log.summary(),
        )
        assert "Last webhook:  " in status and "none received" not in status
        assert "failed 0" in status and f"{len(HOOK_SCOPES)} registered" in status


@pytest.mark.slow
async def test_the_scheduled_sync_catches_a_change_made_while_webhooks_were_off(
    shop: Shop, running: Any
) -> None:
    async with running(interval=0.5, register=False, sync=False) as run:
        index = run.store.catalog.index
        await eventually(lambda: index.get("product-1") is not None)  # the first run syncs at once
        shop.admin("PATCH", "/products/1", {"name": "Bag Gloves Classic"})
        assert shop.sandbox.webhooks.deliveries == []  # no hooks: nothing delivered
        await eventually(
            lambda: (
                (index.get("product-1") or {}).get("metadata", {}).get("name") == "Bag Gloves Classic"
                and run.store.scheduler.runs >= 2
            )  # counted once the sync that wrote it has returned
        )
        assert run.store.follower.batches == 0
        assert (await run.store.catalog.log.summary()).counts["sync"] >= 2


def test_register_list_and_disconnect_through_the_cli(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BCAGENT_HOME", str(shop.settings.home))
    url = "http://127.0.0.1:9/webhooks/bigcommerce"
    assert main(["webhooks", "register", "--url", url]) == 0
    hooks = list(shop.sandbox.webhooks.hooks.values())
    assert sorted(h.scope for h in hooks) == sorted(HOOK_SCOPES)
    secrets = {h.headers[SECRET_HEADER] for h in hooks}
    assert len(secrets) == 1 and all(h.destination == url for h in hooks)
    secret = secrets.pop()
    assert len(secret) >= 32
    folder = shop.connections.folder(STORE)
    credentials = folder / "credentials.json"
    assert json.loads(credentials.read_text())["webhook_secret"] == secret
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    assert secret not in (folder / "connection.json").read_text()
    assert main(["webhooks", "register", "--url", url]) == 0  # again: replaces, same secret
    assert len(shop.sandbox.webhooks.hooks) == len(HOOK_SCOPES)
    assert {h.headers[SECRET_HEADER] for h in shop.sandbox.webhooks.hooks.values()} == {secret}
    assert main(["webhooks", "list"]) == 0
    assert main(["status"]) == 0
    assert main(["webhooks", "register", "--url", "http://shop.example/hook"]) == 1  # not https:443
    output = capsys.readouterr()
    assert "store/product/*" in output.out and "(bcagent)" in output.out
    assert "5 registered" in output.out and "https on port 443" in output.err
    assert secret not in output.out + output.err
    assert main(["disconnect", "--yes"]) == 0
    assert shop.sandbox.webhooks.hooks == {}
    assert secret not in capsys.readouterr().out
