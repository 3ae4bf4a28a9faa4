"""What the assistant can do for this store, in one sentence, and the offer of a person.

Pure functions of the enabled tools' names, so every part that has to say "I can't help with that"
(the router's direct replies, honest refusals of a switched-off tool, the handoff offer) says the same
thing: what the assistant *can* do here (only the tools that are on) and that a person can take over.
"""

from __future__ import annotations

from collections.abc import Iterable

ABILITIES: dict[str, str] = {  # tool -> what it lets the assistant do, in the order they are said
    "get_order_information": "order status and tracking",
    "cancel_order": "cancelling an order that hasn't shipped",
    "get_product_information": "product details, prices and stock",
    "lookup_discount_code": "discount codes",
    "check_gift_card_balance": "gift card balances",
    "list_active_promotions": "current promotions",
}
OFFER_PERSON = "Would you like me to pass this to our team?"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capabilities_sentence(enabled_tools: Iterable[str] | None = None) -> str:
    """ "I can help with order status and tracking, ... and current promotions." for the tools that are on
    (None: every tool); "" when none of them is on."""
    names = set(ABILITIES) if enabled_tools is None else set(enabled_tools)
    said = [phrase for tool, phrase in ABILITIES.items() if tool in names]
    return f"I can help with {_join(said)}." if said else ""


def cannot_help_sentence(enabled_tools: Iterable[str] | None = None) -> str:
    """The whole reply to a request no enabled tool serves: sorry, what the assistant can do, a person."""
    return " ".join(
        part
        for part in (
            "Sorry, I can't help with that myself.",
            capabilities_sentence(enabled_tools),
            OFFER_PERSON,
        )
        if part
    )
