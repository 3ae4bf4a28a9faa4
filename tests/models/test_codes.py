"""The one code extractor: codes as stores write them and shoppers type them."""

from __future__ import annotations

import pytest

from agent.models.entities import extract_entities


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("code summer-sale", ("summer-sale",)),
        ("Is the coupon SHIP5 valid?", ("SHIP5",)),  # the marker's plural s is no part of the code
        ("codes: SAVE20", ("SAVE20",)),
        ("can I use the code summer-sale on gloves?", ("summer-sale",)),
        ("the code is Spring Fling", ("Spring Fling",)),
        ("THE CODE IS SPRING FLING", ("SPRING FLING",)),
        ("does 'summer-sale' work as a code?", ("summer-sale",)),
        ("GIFT DEMO 0001 balance?", ("GIFT-DEMO-0001",)),
        ("my gift card is GIFT DEMO 0006", ("GIFT-DEMO-0006",)),
        ("gift card lowergc-22", ("lowergc-22",)),
        ("gift card GiftMix-01 balance", ("GiftMix-01",)),
        ("is save20 still valid", ("save20",)),
        ("is SAVE20 valid?", ("SAVE20",)),
        ("CLEARANCE25 code?", ("CLEARANCE25",)),
        ("balance on GIFT-DEMO-0001", ("GIFT-DEMO-0001",)),
        ("what's the balance on gift certificate KQZ-KFY-E2J-G6M", ("KQZ-KFY-E2J-G6M",)),
    ],
)
def test_codes_are_read_as_written(text: str, codes: tuple[str, ...]) -> None:
    assert extract_entities(text).codes == codes


@pytest.mark.parametrize(
    "text",
    [
        "i have a discount code can u check if its still good",  # no code given yet
        "a message with xss1 in it",  # not marked, and no code's shape in lower case
        "the code is not working",
        "where is order 12345",
    ],
)
def test_words_that_are_no_code(text: str) -> None:
    assert extract_entities(text).codes == ()


def test_a_spaced_gift_code_is_not_also_an_order_number() -> None:
    entities = extract_entities("GIFT DEMO 0001 balance?")
    assert entities.order_ids == ()
    assert "DEMO" not in entities.codes
