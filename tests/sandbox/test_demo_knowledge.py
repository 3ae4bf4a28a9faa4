"""The demo stores' pages, shipping zones, payment methods and refunds: the README's facts, served over
HTTP, and added without changing any entity the stores had before (eval scenarios depend on them)."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from sandbox.app import Sandbox
from sandbox.demo import FULL_TOKEN, LIMITED_TOKEN, generate_demo_store
from sandbox.demo_electronics import ELECTRONICS_TOKEN, generate_electronics_store
from sandbox.schema import FixtureError
from sandbox.state import SandboxStore
from tests.sandbox.conftest import client_for
from tests.sandbox.knowledge_data import with_knowledge

NEW_KEYS = ("pages", "shipping_zones", "payment_methods", "api_accounts")
# sha256 of each generated store without the new keys (and without api_accounts, whose full token gained
# scopes), computed on the code before issue 24 (commit 70dc51a) with the function below.
BEFORE: list[tuple[str, int, int, str]] = [
    ("demo", 0, 300, "936d2bcf420ebfb560eda09ce28e82df1bcdfba83e15a9386f2547fc13ed83ea"),
    ("demo", 1, 300, "6dc7974426d4e4cf5a5fdc0cf8a582e2b65bbbb23be248b228dfd1bce003c783"),
    ("demo", 7, 300, "f07560dada45f7cd608bd22e3125a430162e604fafde12e65f3152e7488958e8"),
    ("demo", 40, 300, "1ee01d14b08f2af8d448b79781562adf8fff38cb36ec193d71f7ebc46734b531"),
    ("demo", 3, 50, "9f8bf7ff30c9002fae463425744997b2a480ac3134cf79c9b690a0f41b198103"),
    ("electronics", 0, 50, "645da020b34dd64db3da1a37becd11a5af12756e5b0cd031ad01920f8c4c0a18"),
    ("electronics", 1, 50, "40ee3a4ab13062ffd560d341aa2f81eb3433ec9fcd38bafbf9a44177c4fe0a6a"),
    ("electronics", 7, 50, "38a0d6b442e07ea6499dc3e50e25f4835d34bd9710d3dead6eca2ec48f156cb7"),
]
OLD_FULL_SCOPES = {
    "store_v2_information_read_only", "store_v2_orders", "store_v2_transactions_read_only",
    "store_v2_products_read_only", "store_v2_customers_read_only", "store_v2_marketing_read_only",
}  # fmt: skip


def digest_without_new_keys(data: dict[str, Any]) -> str:
    data = {k: v for k, v in data.items() if k not in NEW_KEYS}
    data["orders"] = [{k: v for k, v in o.items() if k != "refunds"} for o in data["orders"]]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def generate(kind: str, seed: int, products: int) -> dict[str, Any]:
    if kind == "demo":
        return generate_demo_store(products, seed)
    return generate_electronics_store(seed, products)


@pytest.mark.parametrize(("kind", "seed", "products", "expected"), BEFORE)
def test_existing_entities_are_unchanged(kind: str, seed: int, products: int, expected: str) -> None:
    data = generate(kind, seed, products)
    assert digest_without_new_keys(data) == expected
    for account in data["api_accounts"]:
        assert account["token"] in (FULL_TOKEN, LIMITED_TOKEN, ELECTRONICS_TOKEN)
        if account["token"] != LIMITED_TOKEN:
            assert set(account["scopes"]) >= OLD_FULL_SCOPES  # scopes only added
    assert generate(kind, seed, products) == data  # deterministic


def test_knockout_facts() -> None:
    data = generate_demo_store(50, 0)
    assert [p["name"] for p in data["pages"]] == ["Shipping & Returns", "FAQ", "Contact Us", "About Us"]
    zones = {z["name"]: z for z in data["shipping_zones"]}
    assert list(zones) == ["United States", "Canada", "Rest of the world"]
    us = zones["United States"]
    assert us["free_shipping"]["enabled"] and us["free_shipping"]["minimum_sub_total"] == "150.0000"
    assert [(m["name"], m["settings"]["rate"]) for m in us["methods"]] == [
        ("Standard (3-5 business days)", 9.95),
        ("Express (1-2 business days)", 19.95),
    ]
    assert zones["Canada"]["methods"][0]["settings"] == {"rate": 14.95}
    assert zones["Rest of the world"]["type"] == "global"
    assert zones["Rest of the world"]["methods"][0]["settings"] == {"rate": 29.95}
    names = " ".join(m["name"] for m in data["payment_methods"])
    for brand in ("Visa", "Mastercard", "American Express", "Discover", "PayPal", "Apple Pay", "Afterpay"):
        assert brand in names
    body = data["pages"][0]["body"]
    for fact in ("30 days of delivery", "free return label", "mouth guards and hand wraps", "5-7 business days",
                 "over $150", "$9.95", "$19.95", "$14.95", "$29.95", "https://knockout-fitness.example/"):  # fmt: skip
        assert fact in body
    contact = data["pages"][2]
    assert contact["type"] == "contact_form" and "512-555-0100" in contact["body"]


def test_volt_facts() -> None:
    data = generate_electronics_store(0)
    assert [p["name"] for p in data["pages"]] == ["Shipping", "Returns & Refunds", "FAQ", "Contact"]
    zones = data["shipping_zones"]
    assert [z["name"] for z in zones] == ["United States", "Canada"]  # nothing elsewhere
    assert zones[0]["free_shipping"]["minimum_sub_total"] == "100.0000"
    assert [m["settings"]["rate"] for m in zones[0]["methods"]] == [7.5, 14.99]
    assert zones[1]["methods"][0]["settings"]["rate"] == 19.99
    assert "American Express" not in " ".join(m["name"] for m in data["payment_methods"])
    assert "no phone line" in data["pages"][3]["body"]


@pytest.mark.parametrize("seed", [0, 5])
def test_refunds_match_their_orders(seed: int) -> None:
    for data in (generate_demo_store(50, seed), generate_electronics_store(seed)):
        refunded = [o for o in data["orders"] if float(o["refunded_amount"]) > 0]
        assert refunded
        statuses = set()
        for order in refunded:
            (refund,) = order["refunds"]
            statuses.add(order["status_id"])
            assert refund["total_amount"] == float(order["refunded_amount"])
            assert sum(p["amount"] for p in refund["payments"]) == refund["total_amount"]
            line_ids = {line["id"] for line in order["products"]}
            assert {i["item_id"] for i in refund["items"] if i["item_type"] == "PRODUCT"} <= line_ids
            full = order["status_id"] == 4
            assert full == (float(order["refunded_amount"]) == float(order["total_inc_tax"]))
        assert 4 in statuses
        assert not [o for o in data["orders"] if "refunds" in o and float(o["refunded_amount"]) == 0]
    demo = generate_demo_store(50, seed)
    assert {o["status_id"] for o in demo["orders"] if o.get("refunds")} == {4, 14}  # full and partial


async def test_demo_stores_serve_their_knowledge() -> None:
    stores = [
        SandboxStore.from_data(generate_demo_store(20, 0)),
        SandboxStore.from_data(generate_electronics_store(0)),
    ]
    sandbox = Sandbox(stores, quota=10_000)
    async with client_for(sandbox, FULL_TOKEN, "demostore") as client:
        pages = (await client.get("/v3/content/pages", params={"include": "body"})).json()["data"]
        zones = (await client.get("/v2/shipping/zones")).json()
        methods = (await client.get("/v2/payments/methods")).json()
        refunds = (await client.get("/v3/orders/payment_actions/refunds")).json()["data"]
    assert pages[0]["url"] == "/shipping-returns/" and "<table>" in pages[0]["body"]
    assert [z["name"] for z in zones] == ["United States", "Canada", "Rest of the world"]
    assert next(m["name"] for m in methods).startswith("Afterpay")  # sorted by name
    assert refunds and all(r["payments"] for r in refunds)
    async with client_for(sandbox, LIMITED_TOKEN, "demostore") as client:
        assert (await client.get("/v3/content/pages")).status_code == 403  # no Content scope
        assert (await client.get("/v2/shipping/zones")).status_code == 200
    async with client_for(sandbox, ELECTRONICS_TOKEN, "voltthread") as client:
        names = [p["name"] for p in (await client.get("/v3/content/pages")).json()["data"]]
    assert names == ["Shipping", "Returns & Refunds", "FAQ", "Contact"]


def test_dump_and_reload_keeps_the_new_keys() -> None:
    store = SandboxStore.from_data(generate_demo_store(20, 0))
    dumped = store.to_fixture()
    assert SandboxStore.from_data(copy.deepcopy(dumped)).to_fixture() == dumped
    assert len(dumped["pages"]) == 4 and len(dumped["payment_methods"]) == 4


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("pages", 0, "type"), "wiki", "small: pages[0].type: Input should be 'page'"),
        (("pages", 6, "link"), None, "small: pages[6]: Value error, a page of type link needs a link"),
        (("pages", 0, "name"), "", "small: pages[0].name: String should have at least 1 character"),
        (("shipping_zones", 0, "type"), "planet", "small: shipping_zones[0].type: Input should be"),
        (
            ("shipping_zones", 0, "methods", 0, "type"),
            "teleport",
            "small: shipping_zones[0].methods[0].type:",
        ),
        (
            ("shipping_zones", 0, "free_shipping", "minimum_sub_total"),
            "lots",
            "shipping_zones[0].free_shipping",
        ),
        (("payment_methods", 0, "code"), "", "small: payment_methods[0].code: String should have at least"),
        (
            ("orders", 1, "refunds", 0, "payments"),
            [],
            "small: orders[1].refunds[0].payments: List should have",
        ),
        (("orders", 1, "refunds", 0, "total_amount"), "x", "small: orders[1].refunds[0].total_amount:"),
    ],
)
def test_malformed_knowledge_fixture_names_the_field(
    small_data: dict[str, Any], path: tuple[Any, ...], value: Any, message: str
) -> None:
    data = with_knowledge(small_data)
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(FixtureError) as info:
        SandboxStore.from_data(data, "small")
    assert message in str(info.value)


def test_new_scopes_are_known_and_typos_refused(small_data: dict[str, Any]) -> None:
    data = with_knowledge(small_data)
    SandboxStore.from_data(data)  # store_v2_content_read_only and store_payments_methods_read load
    data["api_accounts"][-1]["scopes"] = ["store_v2_contents_read_only"]
    with pytest.raises(FixtureError, match="unknown scope"):
        SandboxStore.from_data(data, "small")
