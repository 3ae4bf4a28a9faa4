"""Pages, shipping zones, payment methods and refunds for the small store, with issue 24's bad input:
a page with broken HTML, an empty page, a 1 MB page, a zone with no methods and a method with no rate.

``with_knowledge(small_data)`` returns the small store with these keys and a token that may read them
(``KNOWLEDGE_TOKEN``); the small store's own tokens have neither the Content nor the payments scope.
Other tests (the sync, the answers) can load it to check that bad input is skipped, not fatal.
"""

from __future__ import annotations

import copy
from typing import Any

KNOWLEDGE_TOKEN = "smallknowledge0000000000000003"
KNOWLEDGE_SCOPES = [
    "store_v2_content_read_only",
    "store_v2_information_read_only",
    "store_v2_orders_read_only",
    "store_payments_methods_read",
]
BIG_BODY_BYTES = 1_000_000
BROKEN_HTML = "<h1>Sizing<h2>Gloves</h3><p>Pick <b>by weight<table><tr><td>12oz</td>"
RETURNS_HTML = (
    "<h1>Returns</h1><p>Within 30 days, unused.</p><h2>Refunds</h2>"
    "<ul><li>To the original payment method</li></ul>"
)


def knowledge_pages() -> list[dict[str, Any]]:
    big = "<p>" + "Gloves. " * ((BIG_BODY_BYTES - 7) // 8) + "</p>"
    return [
        {"id": 1, "name": "Returns", "url": "/returns/", "body": RETURNS_HTML},
        {
            "id": 2,
            "name": "Contact",
            "type": "contact_form",
            "body": "<p>Write to us.</p>",
            "email": "help@smallshop.example",
            "contact_fields": "fullname,orderno",
        },
        {"id": 3, "name": "Sizing", "body": BROKEN_HTML},
        {"id": 4, "name": "Empty page", "body": ""},
        {"id": 5, "name": "Everything about gloves", "body": big},
        {"id": 6, "name": "Hidden draft", "is_visible": False, "body": "<p>Not yet.</p>"},
        {"id": 7, "name": "Our suppliers", "type": "link", "link": "https://suppliers.example/list"},
        {"id": 8, "name": "Blog", "type": "blog", "url": "/blog/", "body": ""},
        {
            "id": 9,
            "name": "Size chart",
            "type": "raw",
            "body": "<table><tr><td>S</td></tr></table>",
            "content_type": "text/html",
            "channel_id": 2,
        },
    ]


def knowledge_zones() -> list[dict[str, Any]]:
    return [
        {
            "id": 1,
            "name": "United States",
            "locations": [{"country_iso2": "US"}],
            "free_shipping": {"enabled": True, "minimum_sub_total": 100},
            "methods": [
                {"name": "Standard", "type": "perorder", "settings": {"rate": 5}},
                {
                    "name": "Heavy items",
                    "type": "weight",
                    "settings": {
                        "default_cost": None,
                        "default_cost_type": "fixed_amount",
                        "range": [{"lower_limit": 0, "upper_limit": 20, "shipping_cost": 8}],
                    },
                },
                {"name": "Broken rate", "type": "peritem", "settings": {}},
                {
                    "name": "UPS",
                    "type": "upsready",
                    "enabled": False,
                    "settings": {"carrier_options": {"delivery_services": ["Ground"]}},
                },
            ],
        },
        {"id": 2, "name": "Canada", "locations": [{"country_iso2": "CA"}], "methods": []},
        {
            "id": 3,
            "name": "Texas",
            "type": "state",
            "locations": [{"country_iso2": "US", "state_iso2": "TX"}],
            "enabled": False,
            "methods": [
                {
                    "name": "Local",
                    "type": "total",
                    "settings": {
                        "default_cost": 0,
                        "default_cost_type": "fixed_amount",
                        "range": [{"lower_limit": 0, "upper_limit": 50, "shipping_cost": 6}],
                    },
                }
            ],
        },
    ]


def knowledge_payment_methods() -> list[dict[str, Any]]:
    return [
        {"code": "paypalexpress", "name": "PayPal"},
        {"code": "cod", "name": "Cash on Delivery"},
        {"code": "braintree", "name": "Credit Card", "test_mode": True},
    ]


def knowledge_refunds() -> dict[int, list[dict[str, Any]]]:
    """Order 101 (shipped): a partial refund of line 2 (store credit) and one of its shipping."""
    return {
        101: [
            {"id": 7, "created": "2026-01-05T10:00:00+00:00", "reason": "Arrived damaged", "total_amount": 20,
             "total_tax": 1.5, "items": [{"item_type": "PRODUCT", "item_id": 2, "quantity": 1}],
             "payments": [{"provider_id": "braintree", "amount": 20, "transaction_id": "31"}]},
            {"id": 8, "created": "2026-01-09T10:00:00+00:00", "total_amount": 4.5,
             "items": [{"item_type": "SHIPPING", "item_id": 1, "requested_amount": 4.5}],
             "payments": [{"provider_id": "storecredit", "amount": 4.5, "offline": True}]},
        ]
    }  # fmt: skip


def with_knowledge(small_data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(small_data)
    data["pages"] = knowledge_pages()
    data["shipping_zones"] = knowledge_zones()
    data["payment_methods"] = knowledge_payment_methods()
    for order in data["orders"]:
        order["refunds"] = knowledge_refunds().get(order["id"], [])
        if order["id"] == 100:
            order["shipping_addresses"] = [{"first_name": "Ann", "street_1": "1 Old Road", "city": "Berlin",
                                            "country": "Germany", "country_iso2": "DE"}]  # fmt: skip
    data["api_accounts"].append({"token": KNOWLEDGE_TOKEN, "scopes": KNOWLEDGE_SCOPES})
    return data
