"""Browsing, comparing, and what the assistant says it can do."""

from __future__ import annotations

import pytest

from agent.models.browse import about_products, compared
from agent.models.entities import extract_entities
from agent.models.offer import OFFER_PERSON, PERSON, can_do, cannot_help


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("competition kettlebell vs titan combat classic kettlebell - whats the price for 8kg",
         ("competition kettlebell", "titan combat classic kettlebell")),
        ("im stuck between the competition kettlebell and the titan combat classic kettlebell",
         ("competition kettlebell", "titan combat classic kettlebell")),
        ("dash cam or the front and rear dash cam, which is better", ("dash cam", "rear dash cam")),
        ("difference between the wireless headphones and the noise cancelling headphones? worth it",
         ("wireless headphones", "noise cancelling headphones")),
    ],
)  # fmt: skip
def test_two_products_compared(text: str, sides: tuple[str, str]) -> None:
    assert compared(text) == sides


@pytest.mark.parametrize(
    "text",
    [
        "whats the difference between the 14oz and 16oz premium boxing gloves",  # variants of one product
        "is it in red or blue",
        "where is my order",
    ],
)
def test_no_two_products(text: str) -> None:
    assert compared(text) is None


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("do you guys sell treadmills", "out_of_scope", True),
        ("gift ideas under $50 for my boyfriend", "gift_card_balance", True),
        ("what's the balance on my gift card", "gift_card_balance", False),
        ("I want a manager, this is ridiculous", "out_of_scope", False),
        ("do you have my order 12345", "out_of_scope", False),
        ("any deals on gloves", "promotions", False),
        ("do you sell kettlebells", "product_info", False),  # already a product question
        ("cameras?", "out_of_scope", True),  # a bare plural asked: what the store has of them
        ("any yoga mats??", "out_of_scope", True),
        ("hours?", "out_of_scope", False),
        ("returns?", "out_of_scope", False),
        ("why?", "out_of_scope", False),
    ],
)
def test_about_products(text: str, intent: str, expected: bool) -> None:
    assert about_products(text, intent, extract_entities(text)) is expected


def test_can_do_names_only_enabled_tools_and_offers_a_person() -> None:
    said = can_do(["get_product_information", "list_active_promotions"])
    assert said.startswith("I can help with product details, prices and stock and current promotions.")
    assert "discount codes" not in said and "gift card" not in said and "order status" not in said
    assert PERSON in said
    assert cannot_help([]).endswith(OFFER_PERSON)
    assert can_do().startswith("I can help with order status and tracking")


def test_on_the_page() -> None:
    from agent.models.browse import on_the_page
    from agent.models.intents import Understanding

    def reading(text: str, intent: str) -> Understanding:
        return Understanding(text, intent, 0.2, extract_entities(text))

    assert on_the_page(
        "what scents does this come in", reading("what scents does this come in", "order_status")
    )
    assert on_the_page("is it waterproof", reading("is it waterproof", "out_of_scope"))
    assert not on_the_page("has this shipped yet", reading("has this shipped yet", "order_status"))
    assert not on_the_page("is this SAVE20 valid", reading("is this SAVE20 valid", "discount_code"))
