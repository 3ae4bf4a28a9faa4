"""The grounding guard on every kind of fact the tools deal in: statuses, all-digit numbers, percentages,
URLs, phones, emails, addresses, quantities and stock. Replies built from the same tool results pass."""

from __future__ import annotations

import json

import pytest

from agent.graphs.grounding import check_reply
from agent.models.replies import Focus, compose

SHIPPED = {
    "status": "ok",
    "message": "Order #12345 is Shipped.",
    "order": {
        "order_id": 12345,
        "status": "Shipped",
        "status_id": 2,
        "placed_on": "June 2, 2025",
        "items": [
            {"name": "Premium Boxing Gloves", "options": "Size: 12oz", "quantity": 1, "price": "$79.99"}
        ],
        "total": "$95.98",
        "shipments": [
            {
                "carrier": "UPS",
                "tracking_number": "1Z999AA10123456784",
                "tracking_link": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
                "shipped_on": "June 3, 2025",
            }
        ],
        "ship_to": ["Austin, TX, United States"],
    },
}
WAITING = {
    "status": "ok",
    "message": "Order #12346 is Awaiting Fulfillment.",
    "order": {
        "order_id": 12346,
        "status": "Awaiting Fulfillment",
        "status_id": 11,
        "items": [],
        "total": "$40.00",
        "shipments": [],
    },
}
PRODUCT = {
    "status": "ok",
    "message": "Premium Boxing Gloves: $79.99; some options out of stock.",
    "name": "Premium Boxing Gloves",
    "stock": "some options out of stock",
    "variants": ["Size 12oz: in stock", "Size 16oz: out of stock"],
    "url": "https://knockout-fitness.example/premium-boxing-gloves/",
}
CODE = {
    "status": "ok",
    "message": "SAVE20 is valid: 20% off your order.",
    "code": "SAVE20",
    "gives": "20% off your order",
}


def evidence(*results: dict[str, object]) -> str:
    return "\n".join(json.dumps(r) for r in results)


@pytest.mark.parametrize(
    ("reply", "results"),
    [
        ("Order #12345 has shipped with UPS. Tracking number: 1Z999AA10123456784.", [SHIPPED]),
        ("Your order hasn't shipped yet: it is Awaiting Fulfillment.", [WAITING]),
        ("Track it here: https://www.ups.com/track?tracknum=1Z999AA10123456784", [SHIPPED]),
        ("Size 12oz is in stock; Size 16oz is out of stock.", [PRODUCT]),
        ("More: https://knockout-fitness.example/premium-boxing-gloves/", [PRODUCT]),
        ("SAVE20 gives 20% off your order.", [CODE]),
        ("1 x Premium Boxing Gloves (Size: 12oz). Shipping to Austin, TX, United States.", [SHIPPED]),
        ("I can help with order status and cancelling an order that hasn't shipped.", []),
    ],
)
def test_backed_facts_pass(reply: str, results: list[dict[str, object]]) -> None:
    assert check_reply(reply, evidence(*results)).grounded, check_reply(reply, evidence(*results))


@pytest.mark.parametrize(
    ("reply", "results", "caught"),
    [
        ("Your order hasn't shipped yet.", [SHIPPED], "order hasn't shipped"),
        ("Order #12346 has shipped!", [WAITING], "#12346 has shipped"),
        ("Your order has been delivered.", [SHIPPED], "order has been delivered"),
        ("It is processing at our warehouse.", [WAITING], "It is processing"),
        ("Your tracking number is 12345678.", [SHIPPED], "12345678"),
        ("Your order #99999 is on the way.", [SHIPPED], "#99999"),
        ("Use it for 35% off!", [CODE], "35%"),
        ("Track it at https://tracking.example.net/12345", [SHIPPED], "https://tracking.example.net/12345"),
        (
            "Track it at https://www.ups.com/track?tracknum=99998888777",
            [SHIPPED],
            "https://www.ups.com/track?tracknum=99998888777",
        ),
        ("Call us at 555-123-4567 for help.", [SHIPPED], "555-123-4567"),
        ("Write to support@knockout.example for help.", [SHIPPED], "support@knockout.example"),
        ("It ships to 742 Evergreen Terrace, Springfield.", [SHIPPED], "742 Evergreen Terrace"),
        ("The gloves are back in stock.", [PRODUCT], "back in stock"),
        ("Only 3 left in stock!", [PRODUCT], "3"),
        ("You ordered 4 x Premium Boxing Gloves.", [SHIPPED], "4 x P"),
        ("Size 16oz is in stock.", [CODE], "in stock"),
    ],
)
def test_unbacked_facts_are_caught(reply: str, results: list[dict[str, object]], caught: str) -> None:
    check = check_reply(reply, evidence(*results))
    assert not check.grounded
    assert any(
        caught.lower() in fact.lower() or fact.lower() in caught.lower() for fact in check.unsupported
    ), check


def test_the_shoppers_own_identifiers_may_be_echoed() -> None:
    said = "my order is 55555 and my email is sam@example.com, phone 512-555-0100"
    reply = "I couldn't find order #55555 for sam@example.com. Is 512-555-0100 your number?"
    assert check_reply(reply, "", said=said).grounded
    assert not check_reply(reply, "").grounded


def test_the_stores_own_links_pass() -> None:
    reply = "See https://knockout-fitness.example/returns for our returns policy."
    assert check_reply(reply, "", hosts=["knockout-fitness.example"]).grounded
    assert not check_reply(reply, "").grounded


@pytest.mark.parametrize(
    "question", ["where is my order?", "what did I order?", "track it", "how much was it?"]
)
def test_replies_composed_from_tool_results_always_pass(question: str) -> None:
    for tool, result in [
        ("get_order_information", SHIPPED),
        ("get_order_information", WAITING),
        ("get_product_information", PRODUCT),
        ("lookup_discount_code", CODE),
    ]:
        reply = compose(tool, result, Focus.of(question))
        assert check_reply(reply, evidence(result)).grounded, (reply, check_reply(reply, evidence(result)))


def test_a_claim_in_the_tools_own_words_passes() -> None:
    refused = {
        "status": "refused",
        "message": "Order #12345 can't be cancelled because it has already shipped.",
    }
    assert check_reply(
        "Order #12345 can't be cancelled because it has already shipped.", evidence(refused)
    ).grounded
