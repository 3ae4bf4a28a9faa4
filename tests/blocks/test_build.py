"""Blocks built from tool results: cards and lists for each result kind, the offline brain's short leads,
an LLM's words kept as paragraphs, URLs only on allowed hosts, and plain text when nothing is structured."""

from __future__ import annotations

import json
from typing import Any

from agent.blocks import UrlPolicy, blocks_of
from agent.blocks.vocabulary import ActionsBlock, ListBlock, Notice, OrderBlock, Paragraph, ProductBlock
from agent.tools.results import to_text

POLICY = UrlPolicy.for_store("demostore", "https://knockout-fitness.example")


def _tool(name: str, result: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "content": to_text(result)}  # type: ignore[arg-type]


ORDER = {
    "status": "ok",
    "message": "Order found.",
    "order": {
        "order_id": 12345,
        "status": "Shipped",
        "status_id": 2,
        "items": [
            {
                "name": "Premium Boxing Gloves",
                "options": "Size: 12oz",
                "quantity": 1,
                "price": "$79.99",
                "shipped": 1,
            }
        ],
        "total": "$89.94",
        "shipments": [
            {
                "carrier": "UPS",
                "tracking_number": "1Z999AA10123456784",
                "tracking_link": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
            },
            {"carrier": "Evil", "tracking_number": "EV1", "tracking_link": "https://evil.example/track"},
        ],
        "ship_to": ["Austin, Texas"],
    },
}
ORDER_TEXT = (
    "Order #12345 is Shipped. It shipped with UPS. Tracking number: 1Z999AA10123456784. Track it here: "
    "https://www.ups.com/track?tracknum=1Z999AA10123456784 Items: 1 x Premium Boxing Gloves. Total: $89.94."
)


def test_an_order_becomes_a_lead_and_a_card_with_only_allowed_tracking_links() -> None:
    blocks = blocks_of(ORDER_TEXT, [_tool("get_order_information", ORDER)], "offline", POLICY)
    assert blocks[0] == Paragraph(text="Order #12345 is Shipped. Shipping to Austin, Texas.")
    card = blocks[1]
    assert isinstance(card, OrderBlock)
    assert (card.number, card.status, card.carrier, card.total) == (12345, "Shipped", "UPS", "$89.94")
    assert card.tracking_link == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert card.items[0].name == "Premium Boxing Gloves" and card.items[0].options == "Size: 12oz"
    others = blocks[2]
    assert isinstance(others, ListBlock) and others.items[0].text == "Evil EV1"
    assert others.items[0].link is None  # not a carrier's tracking host
    assert not any("http" in b.text for b in blocks if isinstance(b, Paragraph))


def test_an_llm_keeps_its_words_as_paragraphs_and_gets_the_same_card() -> None:
    words = "Good news: it's on its way!\n\nAnything else?"
    blocks = blocks_of(words, [_tool("get_order_information", ORDER)], "llm", POLICY)
    assert blocks[:2] == [Paragraph(text="Good news: it's on its way!"), Paragraph(text="Anything else?")]
    assert isinstance(blocks[2], OrderBlock) and blocks[2].tracking_number == "1Z999AA10123456784"


PRODUCT = {
    "status": "ok",
    "message": "Premium Boxing Gloves: $79.99 (on sale, regularly $89.99); in stock.",
    "id": 1,
    "name": "Premium Boxing Gloves",
    "price": "$89.99",
    "sale_price": "$79.99",
    "current_price": "$79.99",
    "stock": "in stock",
    "options": {"Size": ["10oz", "12oz"], "Colour": ["Red", "Black"]},
    "url": "https://knockout-fitness.example/premium-boxing-gloves/",
    "image": "https://cdn11.bigcommerce.com/s-demostore/images/gloves.jpg",
}


def test_a_product_answer_keeps_its_sentences_without_the_raw_url_and_gets_a_card() -> None:
    text = "The Premium Boxing Gloves come in size 10oz and 12oz. More: https://knockout-fitness.example/premium-boxing-gloves/"
    blocks = blocks_of(text, [_tool("get_product_information", PRODUCT)], "offline", POLICY)
    assert blocks[0] == Paragraph(text="The Premium Boxing Gloves come in size 10oz and 12oz.")
    card = blocks[1]
    assert isinstance(card, ProductBlock)
    assert (card.price, card.sale_price, card.stock) == ("$89.99", "$79.99", "in stock")
    assert card.options == "Size: 10oz, 12oz; Colour: Red, Black"
    assert card.link == PRODUCT["url"] and card.image == PRODUCT["image"]


def test_links_and_images_off_the_store_are_dropped() -> None:
    hostile = {
        **PRODUCT,
        "url": "javascript:alert(1)",
        "image": "https://cdn11.bigcommerce.com/s-otherstore/x.jpg",
    }
    card = blocks_of("x", [_tool("get_product_information", hostile)], "offline", POLICY)[1]
    assert isinstance(card, ProductBlock) and card.link is None and card.image is None
    for bad in (
        "http://knockout-fitness.example/a/",
        "https://knockout-fitness.example.evil.com/",
        "https://user:pw@knockout-fitness.example/",
        "https://knockout-fitness.example:8443/",
        "https://knock out.example/",
    ):
        assert POLICY.page(bad) is None, bad
    assert POLICY.page("https://www.knockout-fitness.example/a/") == "https://www.knockout-fitness.example/a/"
    assert POLICY.tracking("https://tools.usps.com/go/TrackConfirmAction?tLabels=1") is not None
    assert POLICY.tracking("https://evil.example/?ups.com") is None


def test_a_shortlist_is_a_list_with_links_a_question_and_chips() -> None:
    candidates = {
        "status": "ambiguous",
        "message": "Which one?",
        "candidates": [
            {
                "id": 1,
                "name": "Premium Boxing Gloves",
                "price": "$79.99",
                "stock": "in stock",
                "url": "https://knockout-fitness.example/premium-boxing-gloves/",
            },
            {"id": 2, "name": "Pro Sparring Gloves", "price": "$59.99", "url": "https://evil.example/"},
        ],
    }
    blocks = blocks_of(
        "Here is what we have: 1. ...", [_tool("get_product_information", candidates)], "offline", POLICY
    )
    kinds = [b.type for b in blocks]
    assert kinds == ["paragraph", "list", "paragraph", "actions"]
    assert blocks[0] == Paragraph(text="Here is what we have:")  # the list, not the composed rows with URLs
    listed = blocks[1]
    assert isinstance(listed, ListBlock)
    assert [i.text for i in listed.items] == ["Premium Boxing Gloves", "Pro Sparring Gloves"]
    assert listed.items[0].detail == "$79.99, in stock" and listed.items[1].link is None
    chips = blocks[3]
    assert isinstance(chips, ActionsBlock)
    assert chips.actions[1].label == "Pro Sparring Gloves"
    assert chips.actions[1].message == "Tell me about the Pro Sparring Gloves"


def test_promotions_are_a_bulleted_list() -> None:
    offers = {
        "status": "ok",
        "message": "2 offers",
        "promotions": [
            {"name": "Spring sale", "gives": "15% off", "code": "SPRING15", "ends": "June 1, 2027"},
            {"name": "Free shipping over $150", "how": "applied at checkout"},
        ],
    }
    blocks = blocks_of("Running now: ...", [_tool("list_active_promotions", offers)], "offline", POLICY)
    assert blocks[0] == Paragraph(text="Running now:")
    listed = blocks[1]
    assert isinstance(listed, ListBlock)
    assert listed.items[0].text == "Spring sale (15% off)"
    assert listed.items[0].detail == "Use code SPRING15; until June 1, 2027"
    assert listed.items[1].detail == "applied at checkout"


def test_an_unreachable_store_is_a_notice_and_a_refusal_offers_a_person() -> None:
    down = {
        "status": "unavailable",
        "message": "I can't reach the store right now, please try again in a minute.",
    }
    blocks = blocks_of(down["message"], [_tool("get_order_information", down)], "offline", POLICY)
    assert blocks == [Notice(text=down["message"], tone="warning")]
    locked = {"status": "locked", "message": "Too many tries.", "offer_human": True}
    blocks = blocks_of("Too many tries.", [_tool("get_order_information", locked)], "offline", POLICY)
    assert isinstance(blocks[-1], ActionsBlock) and blocks[-1].actions[0].label == "Talk to a person"


def test_replies_without_structured_results_are_just_paragraphs() -> None:
    gift = {"status": "ok", "message": "GIFT-DEMO-0001 has $62.50 left.", "balance": "$62.50"}
    assert blocks_of(
        "GIFT-DEMO-0001 has $62.50 left.", [_tool("check_gift_card_balance", gift)], "offline", POLICY
    ) == [Paragraph(text="GIFT-DEMO-0001 has $62.50 left.")]
    assert blocks_of("Hi!", [], "offline", POLICY) == [Paragraph(text="Hi!")]
    assert blocks_of("Hi!", [{"name": "x", "content": "not json <b>"}], "llm", POLICY) == [
        Paragraph(text="Hi!")
    ]


def test_blocks_serialise_with_their_type() -> None:
    blocks = blocks_of(ORDER_TEXT, [_tool("get_order_information", ORDER)], "offline", POLICY)
    dumped = json.loads(json.dumps([b.model_dump() for b in blocks]))
    assert [b["type"] for b in dumped] == ["paragraph", "order", "list"]
