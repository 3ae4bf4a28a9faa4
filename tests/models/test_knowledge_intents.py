"""The store-knowledge rules: the usual ways shoppers ask about shipping, payments, returns, contact,
refunds and address changes (slang and typos included), and what they must leave alone (an order's own
status, products, codes)."""

from __future__ import annotations

import pytest

from agent.models.entities import extract_entities
from agent.models.knowledge_calls import new_address
from agent.models.knowledge_intents import knowledge_intent


def intent(text: str) -> str | None:
    return knowledge_intent(text, extract_entities(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("do u ship to canada", "shipping_info"),
        ("how much is shiping to texas", "shipping_info"),
        ("delivery time?", "shipping_info"),
        ("is there free shipping", "shipping_info"),
        ("do u take paypal", "payment_methods"),
        ("can i pay in instalments?", "payment_methods"),
        ("apple pay? amex?", "payment_methods"),
        ("whats ur return policy", "store_policy"),
        ("Do I have to pay for return shipping? I'm in Ohio.", "store_policy"),
        ("the gloves r too small can i swap them", "store_policy"),
        ("when do i get my money back after i send stuff back", "store_policy"),
        ("my gloves arrived ripped", "store_policy"),
        ("whats ur phone number", "contact_info"),
        ("where r u guys based? im in austin too", "contact_info"),
        ("what hours is customer service open", "contact_info"),
        ("was order 12370 refunded?", "refund_status"),
        ("WRONG ADDRESS ON 12345!!! can u fix it", "address_change"),
        ("need to update the delivery address for 12378", "address_change"),
        ("500 Elm Street, Dallas, TX 75201", "provide_info"),
        ("Is there free shipping on anything right now?", "promotions"),
        ("is there any free shiping deal going on", "promotions"),
    ],
)
def test_knowledge_questions(text: str, expected: str) -> None:
    assert intent(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Has order #12345 shipped yet? jane.doe@example.com",
        "when will my order arrive",
        "where is my package",
        "is the phone in stock",
        "How much are the Premium Boxing Gloves?",
        "is SAVE20 valid",
        "cancel order 12346",
        "What's the email address of the customer who ordered 12363?",
    ],
)
def test_other_questions_are_left_alone(text: str) -> None:
    assert intent(text) is None


def test_an_address_is_read_into_bigcommerce_fields() -> None:
    assert new_address(["hi", "it's 12 Oak Street, Apt 4, Dallas, TX 75201, United States"]) == {
        "street_1": "12 Oak Street",
        "street_2": "Apt 4",
        "city": "Dallas",
        "state": "TX",
        "zip": "75201",
        "country": "United States",
    }
    assert new_address(["change my address please"]) == {}


def test_an_address_with_the_state_code_after_the_city_and_the_order_number_before_it() -> None:
    said = "need to change shiping address for 50007 to 77 Pine Ave, Durham NC 27701. tara.gupta@example.org"
    assert new_address([said]) == {"street_1": "77 Pine Ave", "city": "Durham", "state": "NC", "zip": "27701"}
    moved = "Could you send order 12390 to 45 Elm Street, Chicago, IL 60614 instead?"
    assert new_address([moved])["street_1"] == "45 Elm Street"
    assert knowledge_intent(moved, extract_entities(moved)) == "address_change"
