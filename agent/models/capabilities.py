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


PERSON = "I can also connect you with a member of our team: just ask for a person."
CAPABILITIES: dict[str, str] = {  # tool -> the capability, as the start of a sentence (refusals)
    "get_order_information": "Looking up orders",
    "cancel_order": "Cancelling orders",
    "get_product_information": "Product details",
    "lookup_discount_code": "Checking discount codes",
    "check_gift_card_balance": "Checking gift card balances",
    "list_active_promotions": "Listing current promotions",
}


def can_do(tools: Iterable[str] | None = None, *, person: bool = True) -> str:
    """ "I can help with ..." for the ``tools`` that are on (None: every tool), then the offer of a person."""
    text = capabilities_sentence(tools)
    if person:
        text = f"{text} {PERSON}".strip()
    return text or PERSON


def refusal(tool: str, enabled: Iterable[str]) -> str:
    """The reply to a request for ``tool`` while it is off (switched off by the merchant, or its scope
    missing or lost): one sentence saying so, what is still on for this store, and the offer of a person.
    Both brains use it: the offline model's replies and the tools' ``disabled`` result."""
    what = CAPABILITIES.get(tool, "That").lower()
    still = [t for t in enabled if t != tool]
    return f"Sorry, {what} isn't available in this store's chat. {can_do(still)}"


def prompt_lines(enabled: Iterable[str]) -> str:
    """For an LLM's system prompt: what is off, and how to answer a request for it."""
    on = set(enabled)
    off = [CAPABILITIES[t] for t in CAPABILITIES if t not in on]
    if not off:
        return ""
    return (
        f"- Not available in this store: {', '.join(w.lower() for w in off)}. If the shopper asks for one, "
        f"say in one sentence that it isn't available here, say what you can do ({can_do(on, person=False)}) "
        "and offer to connect them with a member of the team. Never promise it."
    )
