"""Honest refusals (issue 22): a capability that is off is named as off in one sentence, followed by
what is on for the store (never what is off) and the offer of a person; the offline model says it for
a request no bound tool serves, and an LLM's prompt carries the same rule."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage

from agent.models.capabilities import (
    ABILITIES,
    OFFER_PERSON,
    can_do,
    cannot_help_sentence,
    capabilities_sentence,
    prompt_lines,
    refusal,
)
from agent.models.offer import PERSON
from agent.models.offline import OfflineChatModel

LIMITED = ["get_order_information", "get_product_information", "transfer_to_human"]


def test_refusal_names_the_capability_what_is_on_and_a_person() -> None:
    text = refusal("lookup_discount_code", LIMITED)
    assert text.startswith("Sorry, checking discount codes isn't available in this store's chat.")
    assert "order status and tracking" in text and "product details" in text and text.endswith(PERSON)
    for off in ("gift card balances", "current promotions", "cancelling an order"):
        assert off not in text
    assert refusal("cancel_order", [*LIMITED, "cancel_order"]).count("cancel") == 1  # never offered back
    assert can_do([]) == PERSON


def test_llm_prompt_lines_list_only_what_is_off() -> None:
    lines = prompt_lines(LIMITED)
    assert (
        "checking discount codes" in lines and "cancelling orders" in lines and "member of the team" in lines
    )
    assert "looking up orders" not in lines.split("(")[0]
    assert (
        prompt_lines(
            [
                "get_order_information",
                "cancel_order",
                "get_product_information",
                "lookup_discount_code",
                "check_gift_card_balance",
                "list_active_promotions",
            ]
        )
        == ""
    )


def test_offline_model_refuses_a_switched_off_capability(nlu: Any) -> None:
    model = OfflineChatModel(nlu=nlu).bind_tools([], store_tools=LIMITED)
    reply = model.invoke([HumanMessage("Is the code SAVE20 still valid?")]).content
    assert isinstance(reply, str) and reply == refusal("lookup_discount_code", LIMITED)
    everything = OfflineChatModel(nlu=nlu).bind_tools([])  # not told the store's tools: the full line
    assert "discount codes" in str(everything.invoke([HumanMessage("hello there")]).content)


# The "what I can do" sentence and the cannot-help reply (issue 23)


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
