"""The "what I can do" sentence and the cannot-help reply (agent/models/capabilities.py)."""

from __future__ import annotations

from agent.models.capabilities import ABILITIES, OFFER_PERSON, cannot_help_sentence, capabilities_sentence


def test_only_enabled_tools_are_said() -> None:
    said = capabilities_sentence(["get_order_information", "check_gift_card_balance"])
    assert said == "I can help with order status and tracking and gift card balances."
    assert capabilities_sentence(["list_active_promotions"]) == "I can help with current promotions."
    assert capabilities_sentence([]) == "" and capabilities_sentence(["no_such_tool"]) == ""
    assert all(phrase in capabilities_sentence() for phrase in ABILITIES.values())


def test_cannot_help_says_what_it_can_do_and_offers_a_person() -> None:
    reply = cannot_help_sentence(["get_product_information"])
    assert reply == (
        "Sorry, I can't help with that myself. I can help with product details, prices and stock. "
        + OFFER_PERSON
    )
    assert cannot_help_sentence([]) == f"Sorry, I can't help with that myself. {OFFER_PERSON}"
    assert "not something I can help with" not in cannot_help_sentence()
