"""The demo-store generator, checked on the raw fixture dict it returns (no sandbox involved)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

import pytest

from sandbox.demo import (
    DEMO_APP_CLIENT_ID,
    DEMO_APP_CLIENT_SECRET,
    DEMO_STORE_HASH,
    FULL_SCOPES,
    FULL_TOKEN,
    LIMITED_SCOPES,
    LIMITED_TOKEN,
    MIN_PRODUCTS,
    generate_demo_store,
)

V2_MONEY = re.compile(r"^-?\d+\.\d{4}$")
TOP_LEVEL_KEYS = {
    "store", "categories", "products", "customer_groups", "customers", "orders", "gift_certificates",
    "coupons", "promotions", "pages", "shipping_zones", "payment_methods", "api_accounts", "apps", "settings",
}  # fmt: skip
ORDER_MONEY = (
    "subtotal_ex_tax", "subtotal_inc_tax", "subtotal_tax", "base_shipping_cost", "shipping_cost_ex_tax",
    "shipping_cost_inc_tax", "total_ex_tax", "total_inc_tax", "total_tax", "refunded_amount",
    "discount_amount", "coupon_discount", "gift_certificate_amount", "store_credit_amount",
    "handling_cost_inc_tax", "wrapping_cost_inc_tax",
)  # fmt: skip
LINE_MONEY = ("base_price", "price_ex_tax", "price_inc_tax", "total_ex_tax", "total_inc_tax", "refund_amount")
STATUS_NAMES = (
    "Incomplete", "Pending", "Shipped", "Partially Shipped", "Refunded", "Cancelled", "Declined",
    "Awaiting Payment", "Awaiting Pickup", "Awaiting Shipment", "Completed", "Awaiting Fulfillment",
    "Manual Verification Required", "Disputed", "Partially Refunded",
)  # fmt: skip
NOW_ISH = datetime(2024, 1, 1, tzinfo=UTC)  # anything "expired" ended before this; fixed, never today


@cache
def _store_json(products: int, seed: int = 0) -> str:
    return json.dumps(generate_demo_store(products, seed), sort_keys=True)


def demo(products: int = 300, seed: int = 0) -> dict[str, Any]:
    """A fresh copy of a generated store (generated once per size and seed in this test run)."""
    data: dict[str, Any] = json.loads(_store_json(products, seed))
    return data


def by_id(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def v2_date(text: str) -> datetime:
    parsed = parsedate_to_datetime(text)
    assert parsed.tzinfo is not None, text
    return parsed


def v3_date(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None and "T" in text, text
    return parsed


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def in_stock(product: dict[str, Any]) -> bool:
    if product["inventory_tracking"] == "none":
        return True
    if product["inventory_tracking"] == "product":
        return bool(product["inventory_level"] > 0)
    return any(v["inventory_level"] > 0 for v in product["variants"])


# --------------------------------------------------------------------------------------- whole store


def test_public_constants() -> None:
    assert DEMO_STORE_HASH == "demostore"
    assert len(FULL_TOKEN) == 32 and re.fullmatch(r"[a-z0-9]+", FULL_TOKEN)
    assert len(LIMITED_TOKEN) == 31 and re.fullmatch(r"[a-z0-9]+", LIMITED_TOKEN)
    assert set(FULL_SCOPES) == {
        "store_v2_information_read_only", "store_v2_orders", "store_v2_transactions_read_only",
        "store_v2_products_read_only", "store_v2_customers_read_only", "store_v2_marketing_read_only",
        "store_v2_content_read_only", "store_payments_methods_read",
    }  # fmt: skip
    assert "store_v2_orders_read_only" in LIMITED_SCOPES and "store_v2_orders" not in LIMITED_SCOPES
    assert not any("marketing" in scope or "content" in scope for scope in LIMITED_SCOPES)
    assert set(LIMITED_SCOPES) - {"store_v2_orders_read_only"} == set(FULL_SCOPES) - {
        "store_v2_orders",
        "store_v2_marketing_read_only",
        "store_v2_content_read_only",
        "store_payments_methods_read",
    }


def test_top_level_keys_accounts_and_settings() -> None:
    store = demo()
    assert set(store) == TOP_LEVEL_KEYS
    assert store["api_accounts"] == [
        {"token": FULL_TOKEN, "scopes": list(FULL_SCOPES)},
        {"token": LIMITED_TOKEN, "scopes": list(LIMITED_SCOPES)},
    ]
    assert store["settings"] == {"restock_on_cancel": True, "rate_limit_quota": 150}
    assert [app["client_id"] for app in store["apps"]] == [DEMO_APP_CLIENT_ID]
    assert store["apps"][0]["client_secret"] == DEMO_APP_CLIENT_SECRET


def test_store_information() -> None:
    info = demo(20)["store"]
    assert info["id"] == DEMO_STORE_HASH and info["name"] == "Knockout Fitness Supply"
    assert info["secure_url"] == "https://knockout-fitness.example"
    assert info["domain"] == "knockout-fitness.example"
    assert (info["currency"], info["currency_symbol"], info["currency_symbol_location"]) == (
        "USD",
        "$",
        "left",
    )
    assert (info["decimal_places"], info["decimal_separator"], info["thousands_separator"]) == (2, ".", ",")
    assert info["timezone"]["name"] and "date_format" in info["timezone"]


def test_same_seed_gives_identical_json() -> None:
    first = json.dumps(generate_demo_store(300, 7), sort_keys=True)
    second = json.dumps(generate_demo_store(300, 7), sort_keys=True)
    assert first == second


def test_different_seed_gives_a_different_store() -> None:
    one, two = demo(300, 0), demo(300, 1)
    assert one != two
    assert [p["name"] for p in one["products"]] != [p["name"] for p in two["products"]]
    # ... but the hand-written entities the demo relies on do not move
    assert one["products"][0]["name"] == two["products"][0]["name"] == "Premium Boxing Gloves"
    assert {o["id"] for o in one["orders"]} == {o["id"] for o in two["orders"]}


def test_larger_store_extends_a_smaller_one() -> None:
    small, large = demo(300), demo(2000)
    assert large["products"][:300] == small["products"]


def test_json_round_trips() -> None:
    store = generate_demo_store(300)
    assert json.loads(json.dumps(store)) == store


def test_too_few_products_is_refused() -> None:
    with pytest.raises(ValueError, match=str(MIN_PRODUCTS)):
        generate_demo_store(MIN_PRODUCTS - 1)
    assert len(generate_demo_store(MIN_PRODUCTS)["products"]) == MIN_PRODUCTS


@pytest.mark.parametrize("size", [20, 300, 2000])
def test_size_scaling_and_unique_ids(size: int) -> None:
    store = demo(size)
    products = store["products"]
    assert [p["id"] for p in products] == list(range(1, size + 1))
    assert len({p["name"] for p in products}) == size
    assert len({p["sku"] for p in products}) == size
    for key in ("variants", "images", "videos", "custom_fields", "options"):
        ids = [row["id"] for p in products for row in p[key]]
        assert len(ids) == len(set(ids)), key
    variant_skus = [v["sku"] for p in products for v in p["variants"]]
    assert len(variant_skus) == len(set(variant_skus))
    orders = store["orders"]
    assert 60 <= len(orders) <= 100
    assert len({o["id"] for o in orders}) == len(orders)
    line_ids = [item["id"] for o in orders for item in o["products"]]
    assert len(line_ids) == len(set(line_ids))
    assert len(store["customers"]) == len({c["email"] for c in store["customers"]}) >= 24


def test_order_count_does_not_grow_with_the_catalog() -> None:
    assert len(demo(20)["orders"]) == len(demo(2000)["orders"])


# ------------------------------------------------------------------------------------------- catalog


def test_categories_form_a_tree_with_a_wholesale_bulk_category() -> None:
    categories = demo(20)["categories"]
    ids = {c["id"] for c in categories}
    assert 10 <= len(categories) <= 15
    assert all(c["parent_id"] == 0 or c["parent_id"] in ids for c in categories)
    names = {c["name"] for c in categories}
    assert {"Boxing", "Gloves", "Hand Wraps", "Heavy Bags", "Fitness", "Apparel", "Wholesale Bulk"} <= names
    parents = {c["name"]: c["parent_id"] for c in categories}
    boxing = next(c["id"] for c in categories if c["name"] == "Boxing")
    assert parents["Gloves"] == parents["Hand Wraps"] == parents["Heavy Bags"] == boxing


def test_premium_boxing_gloves() -> None:
    gloves = demo(20)["products"][0]
    assert (gloves["id"], gloves["name"], gloves["type"]) == (1, "Premium Boxing Gloves", "physical")
    assert (gloves["price"], gloves["sale_price"], gloves["calculated_price"]) == (89.99, 79.99, 79.99)
    assert gloves["is_visible"] is True and gloves["availability"] == "available"
    assert gloves["inventory_tracking"] == "variant"
    options = {o["display_name"]: [v["label"] for v in o["option_values"]] for o in gloves["options"]}
    assert options == {"Size": ["10oz", "12oz", "14oz", "16oz"], "Colour": ["Red", "Black", "Blue"]}
    variants = gloves["variants"]
    combos = {tuple(ov["label"] for ov in v["option_values"]) for v in variants}
    assert len(variants) == len(combos) == 12
    sold_out = [v for v in variants if v["inventory_level"] == 0]
    assert len(sold_out) == 1
    assert [ov["label"] for ov in sold_out[0]["option_values"]] == ["16oz", "Blue"]
    assert gloves["inventory_level"] == sum(v["inventory_level"] for v in variants) > 0
    assert gloves["base_variant_id"] == 0  # several variants: no single base variant
    assert {"name": "Material", "value": "Genuine leather"} in [
        {"name": f["name"], "value": f["value"]} for f in gloves["custom_fields"]
    ]
    assert len(gloves["videos"]) == 1 and gloves["videos"][0]["type"] == "youtube"
    assert re.fullmatch(r"[A-Za-z0-9_-]{11}", gloves["videos"][0]["video_id"])
    assert len(gloves["images"]) >= 1
    assert sum(image["is_thumbnail"] for image in gloves["images"]) == 1
    assert gloves["custom_url"] == {"url": "/premium-boxing-gloves/", "is_customized": False}
    assert gloves["description"].startswith("<p>")


@pytest.mark.parametrize("size", [20, 300])
def test_every_special_kind_of_product_is_present(size: int) -> None:
    store = demo(size)
    products = store["products"]
    wholesale = next(c["id"] for c in store["categories"] if c["name"] == "Wholesale Bulk")
    tracked = [p for p in products if p["inventory_tracking"] != "none"]
    assert any(not p["is_visible"] for p in products), "hidden"
    assert any(
        all(v["inventory_level"] == 0 for v in p["variants"]) and p["inventory_level"] == 0 for p in tracked
    )
    assert any(p["inventory_tracking"] == "none" for p in products), "untracked"
    assert any(p["availability"] == "disabled" for p in products), "disabled"
    assert any(p["inventory_tracking"] == "product" and p["inventory_level"] > 0 for p in products)
    assert any(p["categories"] == [wholesale] for p in products), "wholesale only"
    assert any(p["sale_price"] > 0 for p in products), "on sale"
    assert any(p["custom_fields"] for p in products)
    assert any(p["videos"] for p in products)
    assert all(p["images"] for p in products)
    assert any(len(p["variants"]) == 1 for p in products) and any(len(p["variants"]) > 1 for p in products)


def test_catalog_proportions_are_sensible() -> None:
    products = demo(2000)["products"]
    visible = sum(p["is_visible"] for p in products) / len(products)
    stocked = sum(in_stock(p) for p in products) / len(products)
    assert 0.85 <= visible < 1.0
    assert 0.8 <= stocked < 1.0
    tracking = Counter(p["inventory_tracking"] for p in products)
    assert set(tracking) == {"none", "product", "variant"}
    assert tracking["variant"] > tracking["none"]
    on_sale = sum(p["sale_price"] > 0 for p in products) / len(products)
    assert 0.05 <= on_sale <= 0.4


def test_products_are_internally_consistent() -> None:
    store = demo(300)
    category_ids = {c["id"] for c in store["categories"]}
    for p in store["products"]:
        assert p["calculated_price"] == (p["sale_price"] or p["price"]), p["id"]
        assert p["sale_price"] == 0 or p["sale_price"] < p["price"], p["id"]
        assert p["retail_price"] >= p["price"]
        assert p["inventory_tracking"] in ("none", "product", "variant")
        assert p["availability"] in ("available", "disabled", "preorder")
        assert p["categories"] and set(p["categories"]) <= category_ids
        assert isinstance(p["brand_id"], int) and p["brand_id"] > 0
        assert p["custom_url"]["url"].startswith("/") and p["custom_url"]["url"].endswith("/")
        single = p["variants"][0]["id"] if len(p["variants"]) == 1 else 0
        assert p["base_variant_id"] == single
        if p["inventory_tracking"] == "variant":
            assert p["inventory_level"] == sum(v["inventory_level"] for v in p["variants"])
        if p["inventory_tracking"] == "none":
            assert all(v["inventory_level"] == 0 for v in p["variants"])
        option_values = {(o["id"], v["id"]) for o in p["options"] for v in o["option_values"]}
        for variant in p["variants"]:
            assert variant["product_id"] == p["id"]
            assert variant["calculated_price"] == (variant["sale_price"] or variant["price"])
            assert isinstance(variant["purchasing_disabled"], bool)
            assert len(variant["option_values"]) == len(p["options"])
            for ov in variant["option_values"]:
                assert (ov["option_id"], ov["id"]) in option_values
                assert set(ov) == {"id", "label", "option_id", "option_display_name"}
        for image in p["images"]:
            assert image["product_id"] == p["id"]
            for size in ("url_standard", "url_thumbnail", "url_zoom", "url_tiny"):
                assert image[size].startswith("https://cdn11.bigcommerce.com/s-demostore/"), image[size]
        for video in p["videos"]:
            assert video["type"] == "youtube" and video["product_id"] == p["id"] and video["title"]
        for field in p["custom_fields"]:
            assert isinstance(field["name"], str) and isinstance(field["value"], str) and field["value"]


# ----------------------------------------------------------------------------------- customers


def test_customer_groups() -> None:
    store = demo(20)
    groups = by_id(store["customer_groups"])
    wholesale_category = next(c["id"] for c in store["categories"] if c["name"] == "Wholesale Bulk")
    retail, wholesale = groups[1], groups[2]
    assert retail["name"] == "Retail" and retail["is_default"] and retail["is_group_for_guests"]
    assert retail["category_access"]["type"] == "specific"
    assert sorted(retail["category_access"]["categories"]) == sorted(
        c["id"] for c in store["categories"] if c["id"] != wholesale_category
    )
    assert wholesale["name"] == "Wholesale" and not wholesale["is_group_for_guests"]
    assert wholesale["category_access"] == {"type": "all"}
    assert wholesale["discount_rules"]
    for rule in wholesale["discount_rules"]:
        assert rule["type"] in ("all", "category", "product") and rule["method"] in (
            "percent",
            "fixed",
            "price",
        )
        assert V2_MONEY.match(rule["amount"])


def test_customers() -> None:
    store = demo(300)
    customers = store["customers"]
    group_ids = {g["id"] for g in store["customer_groups"]} | {0}
    jane = [c for c in customers if c["email"] == "jane.doe@example.com"]
    assert len(jane) == 1
    assert (jane[0]["first_name"], jane[0]["last_name"], jane[0]["customer_group_id"]) == ("Jane", "Doe", 1)
    assert any(c["customer_group_id"] == 2 for c in customers), "a wholesale customer"
    assert 24 <= len(customers) <= 60
    for customer in customers:
        assert customer["customer_group_id"] in group_ids
        assert "@" in customer["email"] and customer["first_name"] and customer["last_name"]
        assert v3_date(customer["date_created"]) <= v3_date(customer["date_modified"])


# --------------------------------------------------------------------------------------------- orders


def test_order_12345_is_janes_shipped_order() -> None:
    order = by_id(demo(20)["orders"])[12345]
    assert order["customer_id"] == 1
    assert order["billing_address"]["email"] == "jane.doe@example.com"
    assert (order["status_id"], order["status"]) == (2, "Shipped")
    assert order["date_shipped"] and v2_date(order["date_shipped"]) >= v2_date(order["date_created"])
    gloves = [item for item in order["products"] if item["product_id"] == 1]
    assert len(gloves) == 1 and gloves[0]["name"] == "Premium Boxing Gloves"
    assert {o["display_name"] for o in gloves[0]["product_options"]} == {"Size", "Colour"}
    assert all(o["display_value"] for o in gloves[0]["product_options"])
    assert len(order["shipments"]) == 1
    shipment = order["shipments"][0]
    assert shipment["shipping_provider"] == "ups"
    assert shipment["shipping_provider_display_name"] == "UPS"
    assert shipment["tracking_number"] == "1Z999AA10123456784"
    assert "1Z999AA10123456784" in shipment["generated_tracking_link"]
    assert shipment["tracking_link"] == ""
    lines = {item["id"]: item for item in order["products"]}
    assert {i["order_product_id"] for i in shipment["items"]} == set(lines)
    for shipped in shipment["items"]:
        assert lines[shipped["order_product_id"]]["product_id"] == shipped["product_id"]
    assert order["items_shipped"] == order["items_total"] == sum(i["quantity"] for i in order["products"])


def test_order_12346_is_janes_order_awaiting_fulfillment() -> None:
    order = by_id(demo(20)["orders"])[12346]
    assert order["customer_id"] == 1
    assert order["billing_address"]["email"] == "jane.doe@example.com"
    assert (order["status_id"], order["status"]) == (11, "Awaiting Fulfillment")
    assert order["date_shipped"] == ""
    assert order["shipments"] == []
    assert order["products"] and order["items_shipped"] == 0
    assert all(item["quantity_shipped"] == 0 for item in order["products"])


def test_jane_owns_only_her_two_orders() -> None:
    orders = demo(300)["orders"]
    janes = sorted(o["id"] for o in orders if o["billing_address"]["email"] == "jane.doe@example.com")
    assert janes == [12345, 12346]
    assert sorted(o["id"] for o in orders if o["customer_id"] == 1) == [12345, 12346]


def test_every_order_status_is_present_several_times() -> None:
    orders = demo(300)["orders"]
    counts = Counter(o["status_id"] for o in orders)
    assert set(counts) == set(range(15))
    assert min(counts.values()) >= 3
    for order in orders:
        assert order["status"] == STATUS_NAMES[order["status_id"]]
    others = sorted(o["id"] for o in orders if o["id"] not in (12345, 12346))
    assert others == list(range(12347, 12347 + len(others)))


def test_orders_come_from_guests_and_registered_customers() -> None:
    store = demo(300)
    customers = by_id(store["customers"])
    guests = [o for o in store["orders"] if o["customer_id"] == 0]
    registered = [o for o in store["orders"] if o["customer_id"] != 0]
    assert len(guests) >= 5 and len(registered) >= 5
    for order in registered:
        assert order["billing_address"]["email"] == customers[order["customer_id"]]["email"]
    registered_emails = {c["email"] for c in customers.values()}
    assert all(o["billing_address"]["email"] not in registered_emails for o in guests)


def test_order_lines_totals_and_addresses_are_consistent() -> None:
    store = demo(300)
    products = by_id(store["products"])
    for order in store["orders"]:
        items = order["products"]
        assert items
        assert order["items_total"] == sum(i["quantity"] for i in items)
        assert order["items_shipped"] == sum(i["quantity_shipped"] for i in items)
        subtotal = sum(Decimal(i["total_ex_tax"]) for i in items)
        assert Decimal(order["subtotal_ex_tax"]) == subtotal
        expected_total = subtotal + Decimal(order["total_tax"]) + Decimal(order["shipping_cost_inc_tax"])
        assert Decimal(order["total_inc_tax"]) == expected_total
        assert order["currency_code"] == "USD" and order["payment_method"]
        assert len(order["shipping_addresses"]) == order["shipping_address_count"] == 1
        address = order["shipping_addresses"][0]
        assert address["order_id"] == order["id"] and address["items_total"] == order["items_total"]
        for item in items:
            product = products[item["product_id"]]
            variant_ids = {v["id"] for v in product["variants"]}
            assert item["order_id"] == order["id"] and item["variant_id"] in variant_ids
            assert item["name"] == product["name"] and item["order_address_id"] == address["id"]
            assert len(item["product_options"]) == len(product["options"])


def test_shipments_match_order_status() -> None:
    orders = demo(300)["orders"]
    never_shipped = {0, 1, 5, 6, 7, 8, 9, 11, 12}
    providers = set()
    for order in orders:
        status = order["status_id"]
        if status in (2, 3, 10):
            assert order["shipments"], order["id"]
        if status in never_shipped:
            assert order["shipments"] == [] and order["date_shipped"] == "" and order["items_shipped"] == 0
        if status == 3:
            assert 0 < order["items_shipped"] < order["items_total"] and order["date_shipped"] == ""
        if status in (2, 10):
            assert order["items_shipped"] == order["items_total"] and order["date_shipped"]
        lines = {item["id"]: item for item in order["products"]}
        for shipment in order["shipments"]:
            assert shipment["order_id"] == order["id"] and shipment["tracking_number"]
            assert shipment["generated_tracking_link"].startswith("https://")
            assert shipment["tracking_number"] in shipment["generated_tracking_link"]
            assert shipment["shipping_method"]
            providers.add(shipment["shipping_provider"] or shipment["tracking_carrier"])
            for shipped in shipment["items"]:
                line = lines[shipped["order_product_id"]]
                assert line["product_id"] == shipped["product_id"]
                assert line["quantity_shipped"] == shipped["quantity"]
    assert {"ups", "usps", "fedex"} <= providers


def test_transactions_have_the_v3_shape() -> None:
    orders = demo(300)["orders"]
    assert sum(len(o["transactions"]) for o in orders) >= 50
    events = set()
    for order in orders:
        for tx in order["transactions"]:
            assert tx["order_id"] == str(order["id"])
            assert is_number(tx["amount"]) and tx["amount"] > 0
            assert tx["currency"] == "USD" and tx["gateway"] and tx["status"] == "ok" and tx["test"] is False
            assert tx["event"] in (
                "purchase",
                "authorization",
                "capture",
                "refund",
                "void",
                "pending",
                "settled",
            )
            v3_date(tx["date_created"])
            events.add(tx["event"])
            if tx["method"] == "credit_card":
                card = tx["credit_card"]
                assert re.fullmatch(r"\d{4}", card["card_last4"]) and card["card_type"]
    assert {"purchase", "refund"} <= events
    ids = [tx["id"] for o in orders for tx in o["transactions"]]
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------------------------------------ marketing


def test_gift_certificates() -> None:
    certificates = demo(20)["gift_certificates"]
    assert {c["status"] for c in certificates} == {"active", "pending", "disabled", "expired"}
    demo_card = next(c for c in certificates if c["code"] == "GIFT-DEMO-0001")
    assert demo_card["status"] == "active"
    assert (demo_card["amount"], demo_card["balance"], demo_card["currency_code"]) == (
        "100.0000",
        "62.5000",
        "USD",
    )
    assert demo_card["expiry_date"] == "0"
    for certificate in certificates:
        for key in ("to_name", "to_email", "from_name", "from_email", "message"):
            assert certificate[key], (certificate["code"], key)
        assert re.fullmatch(r"\d+", certificate["purchase_date"])
        assert re.fullmatch(r"\d+", certificate["expiry_date"])
    expired = next(c for c in certificates if c["status"] == "expired")
    assert 0 < int(expired["expiry_date"]) < NOW_ISH.timestamp()
    assert len({c["code"] for c in certificates}) == len(certificates)


def test_coupons() -> None:
    coupons = demo(20)["coupons"]
    save20 = by_id(coupons)[1]
    assert (save20["code"], save20["type"], save20["amount"]) == ("SAVE20", "percentage_discount", "20.0000")
    assert save20["enabled"] is True and save20["expires"] == "" and save20["max_uses"] == 0
    assert {c["type"] for c in coupons} == {
        "per_item_discount", "percentage_discount", "per_total_discount", "shipping_discount",
        "free_shipping", "promotion",
    }  # fmt: skip
    expired = [c for c in coupons if c["expires"] and v2_date(c["expires"]) < NOW_ISH]
    assert expired and all(c["enabled"] for c in expired)
    assert any(not c["enabled"] for c in coupons)
    assert any(c["max_uses"] > 0 and c["num_uses"] == c["max_uses"] for c in coupons)
    for coupon in coupons:
        for key in (
            "name",
            "min_purchase",
            "applies_to",
            "restricted_to",
            "shipping_methods",
            "date_created",
        ):
            assert key in coupon, (coupon["code"], key)
        assert coupon["applies_to"]["entity"] in ("products", "categories")
        assert coupon["max_uses"] == 0 or coupon["num_uses"] <= coupon["max_uses"]
    assert len({c["code"] for c in coupons}) == len(coupons)


def test_promotions_in_every_state() -> None:
    promotions = demo(20)["promotions"]
    assert {p["redemption_type"] for p in promotions} == {"AUTOMATIC", "COUPON"}
    assert {p["status"] for p in promotions} == {"ENABLED", "DISABLED"}
    expired = [p for p in promotions if p["end_date"] and v3_date(p["end_date"]) < NOW_ISH]
    future = [p for p in promotions if v3_date(p["start_date"]).year == 2099]
    assert expired and future
    for promotion in promotions:
        assert promotion["currency_code"] == "USD" and promotion["channels"] == []
        assert promotion["created_from"] == "api" and promotion["display_name"] and promotion["rules"]
        assert all("action" in rule for rule in promotion["rules"])
        assert isinstance(promotion["current_uses"], int) and isinstance(promotion["max_uses"], int)
        for key in ("customer", "notifications", "stop", "can_be_used_with_other_promotions"):
            assert key in promotion
        if promotion["redemption_type"] == "COUPON":
            assert promotion["coupon_type"] in ("SINGLE", "BULK") and promotion["codes"]
            for code in promotion["codes"]:
                assert set(code) == {
                    "id",
                    "code",
                    "current_uses",
                    "max_uses",
                    "max_uses_per_customer",
                    "created",
                }
                v3_date(code["created"])
        else:
            assert "codes" not in promotion or promotion["codes"] == []
    codes = [c["code"] for p in promotions for c in p.get("codes", [])]
    assert len(codes) == len(set(codes))


def test_spring15_is_an_active_single_code_promotion() -> None:
    promotions = demo(20)["promotions"]
    spring = [p for p in promotions if any(c["code"] == "SPRING15" for c in p.get("codes", []))]
    assert len(spring) == 1
    promotion = spring[0]
    assert promotion["coupon_type"] == "SINGLE" and len(promotion["codes"]) == 1
    assert promotion["status"] == "ENABLED"
    assert v3_date(promotion["start_date"]).year in (2024, 2025)
    assert promotion["end_date"] is None or v3_date(promotion["end_date"]).year == 2099
    assert promotion["max_uses"] == 0 or promotion["current_uses"] < promotion["max_uses"]


def test_bulk_promotion_has_several_single_use_codes() -> None:
    bulk = [p for p in demo(20)["promotions"] if p.get("coupon_type") == "BULK"]
    assert len(bulk) == 1
    codes = bulk[0]["codes"]
    assert len(codes) >= 5
    assert all(c["max_uses"] == 1 and c["current_uses"] in (0, 1) for c in codes)
    assert any(c["current_uses"] == 0 for c in codes) and any(c["current_uses"] == 1 for c in codes)


# ---------------------------------------------------------------------------------------- value types


def test_v2_money_is_four_decimal_strings() -> None:
    store = demo(300)
    values: list[Any] = []
    for order in store["orders"]:
        values += [order[key] for key in ORDER_MONEY]
        values += [item[key] for item in order["products"] for key in LINE_MONEY]
        values += [s["merchant_shipping_cost"] for s in order["shipments"]]
        values += [a[key] for a in order["shipping_addresses"] for key in ("base_cost", "cost_inc_tax")]
    for certificate in store["gift_certificates"]:
        values += [certificate["amount"], certificate["balance"]]
    for coupon in store["coupons"]:
        values += [coupon["amount"], coupon["min_purchase"]]
    assert len(values) > 500
    bad = [value for value in values if not (isinstance(value, str) and V2_MONEY.match(value))]
    assert bad == []


def test_v2_dates_are_rfc2822() -> None:
    store = demo(300)
    dates: list[str] = []
    for order in store["orders"]:
        dates += [order["date_created"], order["date_modified"]]
        dates += [order["date_shipped"]] if order["date_shipped"] else []
        dates += [shipment["date_created"] for shipment in order["shipments"]]
    dates += [c["date_created"] for c in store["coupons"]] + [
        c["expires"] for c in store["coupons"] if c["expires"]
    ]
    dates += [g["date_created"] for g in store["customer_groups"]]
    for text in dates:
        assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000", text), text
        v2_date(text)
    for order in store["orders"]:
        assert v2_date(order["date_created"]) <= v2_date(order["date_modified"])


def test_v3_dates_are_iso8601() -> None:
    store = demo(300)
    dates: list[str] = []
    for product in store["products"]:
        dates += [product["date_created"], product["date_modified"]]
        assert v3_date(product["date_created"]) <= v3_date(product["date_modified"])
    dates += [c["date_created"] for c in store["customers"]]
    for promotion in store["promotions"]:
        dates += [promotion["start_date"]] + ([promotion["end_date"]] if promotion["end_date"] else [])
        dates += [code["created"] for code in promotion.get("codes", [])]
    dates += [tx["date_created"] for order in store["orders"] for tx in order["transactions"]]
    for text in dates:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", text), text
        v3_date(text)


def test_v3_prices_are_numbers() -> None:
    products = demo(300)["products"]
    for product in products:
        for key in ("price", "sale_price", "retail_price", "calculated_price", "cost_price"):
            assert is_number(product[key]), (product["id"], key)
        for variant in product["variants"]:
            for key in ("price", "sale_price", "calculated_price"):
                assert is_number(variant[key]), (variant["id"], key)
            assert isinstance(variant["inventory_level"], int)
        assert isinstance(product["inventory_level"], int)
