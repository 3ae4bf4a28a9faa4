"""The state of one sandbox store: its resources keyed by id, its API accounts, and its writes."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._gc import collector_paused
from .formats import iso8601, now_utc, rfc2822
from .schema import Fixture, FixtureError, validate_fixture

# id -> (name, control-panel sort order), as GET /v2/order_statuses lists them.
ORDER_STATUSES: dict[int, tuple[str, int]] = {
    0: ("Incomplete", 0),
    1: ("Pending", 1),
    2: ("Shipped", 8),
    3: ("Partially Shipped", 6),
    4: ("Refunded", 11),
    5: ("Cancelled", 9),
    6: ("Declined", 10),
    7: ("Awaiting Payment", 2),
    8: ("Awaiting Pickup", 5),
    9: ("Awaiting Shipment", 4),
    10: ("Completed", 7),
    11: ("Awaiting Fulfillment", 3),
    12: ("Manual Verification Required", 13),
    13: ("Disputed", 12),
    14: ("Partially Refunded", 14),
}
RESTOCKING_STATUSES = frozenset({4, 5})
COLLECTIONS = (
    "categories",
    "products",
    "customer_groups",
    "customers",
    "orders",
    "gift_certificates",
    "coupons",
    "promotions",
    "pages",
    "shipping_zones",
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _number_nested(
    items: Iterable[dict[str, Any]], parent_key: str, parent_id: Any, counter: list[int]
) -> None:
    for item in items:
        if item.get("id") is None:
            counter[0] += 1
            item["id"] = counter[0]
        if parent_key and item.get(parent_key) is None:
            item[parent_key] = parent_id


def _variant_total(product: dict[str, Any]) -> int:
    """With inventory tracked by variant, BigCommerce reports the product's level as the variants' total."""
    return sum(max(0, int(v["inventory_level"])) for v in product["variants"])


def _max_nested_id(parents: Iterable[dict[str, Any]], key: str) -> int:
    return max((child.get("id") or 0 for parent in parents for child in parent[key]), default=0)


class SandboxStore:
    """One store's data. Reads need no lock; writes take ``self.lock``."""

    def __init__(self, fixture: Fixture) -> None:
        data = fixture.model_dump(mode="python")
        self.lock = threading.RLock()
        self.info: dict[str, Any] = data["store"]
        self.settings: dict[str, Any] = data["settings"]
        self.tokens: dict[str, frozenset[str]] = {
            a["token"]: frozenset(a["scopes"]) for a in data["api_accounts"]
        }
        self.apps: dict[str, dict[str, Any]] = {a["client_id"]: a for a in data["apps"]}
        self.categories: dict[int, dict[str, Any]] = {c["id"]: c for c in data["categories"]}
        self.products: dict[int, dict[str, Any]] = {p["id"]: p for p in data["products"]}
        self.customer_groups: dict[int, dict[str, Any]] = {g["id"]: g for g in data["customer_groups"]}
        self.customers: dict[int, dict[str, Any]] = {c["id"]: c for c in data["customers"]}
        self.orders: dict[int, dict[str, Any]] = {o["id"]: o for o in data["orders"]}
        self.gift_certificates: dict[int, dict[str, Any]] = {g["id"]: g for g in data["gift_certificates"]}
        self.coupons: dict[int, dict[str, Any]] = {c["id"]: c for c in data["coupons"]}
        self.promotions: dict[int, dict[str, Any]] = {p["id"]: p for p in data["promotions"]}
        self.pages: dict[int, dict[str, Any]] = {p["id"]: p for p in data["pages"]}
        self.shipping_zones: dict[int, dict[str, Any]] = {z["id"]: z for z in data["shipping_zones"]}
        self.payment_methods: list[dict[str, Any]] = data["payment_methods"]
        self.scripts: dict[str, dict[str, Any]] = {}  # Scripts API, by uuid (sandbox/routes_scripts.py)
        self.token_clients: dict[
            str, str
        ] = {}  # token -> client id of the app it was issued to (sandbox/apps.py)
        self._check_unique_ids(data)
        self._fill_defaults()

    @property
    def store_hash(self) -> str:
        return str(self.info["id"])

    # ---- loading ---------------------------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Any, source: str = "fixture") -> SandboxStore:
        with collector_paused():
            return cls(validate_fixture(data, source))

    @classmethod
    def from_file(cls, path: str | Path) -> SandboxStore:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FixtureError(f"{path}: cannot read the fixture file ({exc.strerror})") from None
        try:
            with collector_paused():
                data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FixtureError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        return cls.from_data(data, str(path))

    def _check_unique_ids(self, data: dict[str, Any]) -> None:
        for name in COLLECTIONS:
            if len(getattr(self, name)) != len(data[name]):
                seen: set[int] = set()
                for index, item in enumerate(data[name]):
                    if item["id"] in seen:
                        raise FixtureError(f"{name}[{index}].id: duplicate id {item['id']}")
                    seen.add(item["id"])

    def _fill_defaults(self) -> None:
        info = self.info
        info["name"] = info["name"] or f"Store {info['id']}"
        info["domain"] = info["domain"] or f"store-{info['id']}.mybigcommerce.com"
        info["secure_url"] = info["secure_url"] or f"https://{info['domain']}"
        info.setdefault("control_panel_base_url", f"https://store-{info['id']}.mybigcommerce.com")
        info.setdefault("store_id", sum(map(ord, info["id"])) * 7919 % 10_000_000)
        for category in self.categories.values():
            if category["custom_url"] is None:
                category["custom_url"] = {"url": f"/{_slug(category['name'])}/", "is_customized": False}
        products = list(self.products.values())
        counters = {
            key: [_max_nested_id(products, key)] for key in ("variants", "images", "custom_fields", "videos")
        }
        for product in products:
            self._fill_product(product, counters)
        customers = list(self.customers.values())
        address_counter = [_max_nested_id(customers, "addresses")]
        for customer in customers:
            _number_nested(customer["addresses"], "customer_id", customer["id"], address_counter)
            if customer["channel_ids"] is None:
                customer["channel_ids"] = [customer["origin_channel_id"]]
        orders = list(self.orders.values())
        for key in ("products", "shipments", "shipping_addresses", "transactions", "coupons", "refunds"):
            counter = [_max_nested_id(orders, key)]
            for order in orders:
                _number_nested(order[key], "order_id", order["id"], counter)
        payments = [r["payments"] for o in orders for r in o["refunds"]]
        payment_counter = [max((p.get("id") or 0 for group in payments for p in group), default=0)]
        for group in payments:
            _number_nested(group, "", None, payment_counter)
        for order in orders:
            for transaction in order["transactions"]:
                transaction["order_id"] = str(order["id"])
            self._set_status(order, order["status_id"], keep_custom=bool(order.get("custom_status")))
        for certificate in self.gift_certificates.values():
            if certificate["balance"] is None:
                certificate["balance"] = certificate["amount"]
        code_counter = [_max_nested_id(self.promotions.values(), "codes")]
        for promotion in self.promotions.values():
            promotion["display_name"] = promotion["display_name"] or promotion["name"]
            _number_nested(promotion["codes"], "", None, code_counter)
            if promotion["redemption_type"] == "COUPON":
                several = len(promotion["codes"]) > 1
                promotion.setdefault("coupon_type", "BULK" if several else "SINGLE")
                promotion.setdefault("coupon_overrides_other_promotions", False)
                promotion.setdefault("multiple_codes", {"has_multiple_codes": several})
        for coupon in self.coupons.values():
            coupon["name"] = coupon["name"] or coupon["code"]
        self._fill_knowledge_defaults()

    def _fill_knowledge_defaults(self) -> None:
        """Pages get a storefront url from their name; zones number their locations and methods."""
        for page in self.pages.values():
            if page["url"] is None and page["type"] != "link":
                page["url"] = f"/{_slug(page['name'])}/"
        zones = list(self.shipping_zones.values())
        for key in ("locations", "methods"):
            counter = [_max_nested_id(zones, key)]
            for zone in zones:
                _number_nested(zone[key], "", None, counter)

    @staticmethod
    def _fill_product(product: dict[str, Any], counters: dict[str, list[int]]) -> None:
        if product["custom_url"] is None:
            product["custom_url"] = {"url": f"/{_slug(product['name'])}/", "is_customized": False}
        if product["calculated_price"] is None:
            product["calculated_price"] = product["sale_price"] or product["price"]
        for key in ("variants", "images", "videos"):
            _number_nested(product[key], "product_id", product["id"], counters[key])
        _number_nested(product["custom_fields"], "", None, counters["custom_fields"])
        for variant in product["variants"]:
            if variant["calculated_price"] is None:
                own = variant["sale_price"] or variant["price"]
                variant["calculated_price"] = own if own is not None else product["calculated_price"]
            if variant["sku_id"] is None:
                variant["sku_id"] = variant["id"]
        if product["inventory_tracking"] == "variant" and product["variants"]:
            product["inventory_level"] = _variant_total(product)
        if product["base_variant_id"] is None:
            variants = product["variants"]
            product["base_variant_id"] = variants[0]["id"] if len(variants) == 1 else 0

    # ---- writing back out --------------------------------------------------------------------------------

    def to_fixture(self) -> dict[str, Any]:
        """The whole store in the fixture format; loading it back gives an equal store."""
        with self.lock:
            data: dict[str, Any] = {"store": copy.deepcopy(self.info)}
            for name in COLLECTIONS:
                data[name] = copy.deepcopy(list(getattr(self, name).values()))
            data["payment_methods"] = copy.deepcopy(self.payment_methods)
            data["api_accounts"] = [{"token": t, "scopes": sorted(s)} for t, s in self.tokens.items()]
            data["apps"] = copy.deepcopy(list(self.apps.values()))
            data["settings"] = dict(self.settings)
        return data

    def write_fixture(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_fixture(), indent=1, ensure_ascii=False), encoding="utf-8")

    # ---- writes the API makes -----------------------------------------------------------------------------

    def _set_status(self, order: dict[str, Any], status_id: int, keep_custom: bool = False) -> None:
        name = ORDER_STATUSES[status_id][0]
        order["status_id"] = status_id
        order["status"] = name
        if not keep_custom:
            order["custom_status"] = name

    def update_order_status(self, order_id: int, status_id: int) -> dict[str, Any]:
        """PUT /v2/orders/{id} with a status: sets status, date_modified, and restocks when cancelling."""
        with self.lock:
            order = self.orders[order_id]
            before = order["status_id"]
            if status_id != before:
                self._set_status(order, status_id)
                if (
                    status_id in RESTOCKING_STATUSES
                    and before not in RESTOCKING_STATUSES
                    and self.settings["restock_on_cancel"]
                ):
                    self._restock(order)
            order["date_modified"] = rfc2822(now_utc())
            return order

    def _restock(self, order: dict[str, Any]) -> None:
        for item in order["products"]:
            product = self.products.get(item["product_id"])
            if product is None:
                continue
            quantity = int(item["quantity"]) - int(item.get("quantity_refunded") or 0)
            if product["inventory_tracking"] == "product":
                product["inventory_level"] += quantity
            elif product["inventory_tracking"] == "variant":
                for variant in product["variants"]:
                    if variant["id"] == item.get("variant_id"):
                        variant["inventory_level"] += quantity
                product["inventory_level"] = _variant_total(product)
            else:
                continue
            product["date_modified"] = iso8601(now_utc())

    def update_product(self, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a product's fields (as the control panel or PUT /v3/catalog/products would)."""
        with self.lock:
            product = self.products[product_id]
            product.update(changes)
            if "price" in changes or "sale_price" in changes:
                product["calculated_price"] = product["sale_price"] or product["price"]
            product["date_modified"] = iso8601(now_utc())
            return product

    def delete_product(self, product_id: int) -> None:
        with self.lock:
            del self.products[product_id]
