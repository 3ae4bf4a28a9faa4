"""Honest words about what the assistant can do in this store: pure functions of the enabled tools.

A request for a capability that is off (switched off by the merchant, or its scope missing or lost)
gets one sentence saying so, what the assistant can still do here (only the tools that are on), and
the offer of a person: :func:`refusal`. ``capabilities_sentence`` is the "I can help with ..." line
alone, for the generic "can't help" replies. Both brains use these: the offline model's replies, the
tools' ``disabled`` result (what an LLM reads when it calls a tool that is off) and the LLM's prompt.
"""

from __future__ import annotations

from collections.abc import Iterable

from .offer import can_do

CAPABILITIES: dict[str, str] = {  # tool -> the capability, as the start of a sentence
    "get_order_information": "Looking up orders",
    "cancel_order": "Cancelling orders",
    "get_product_information": "Product details",
    "lookup_discount_code": "Checking discount codes",
    "check_gift_card_balance": "Checking gift card balances",
    "list_active_promotions": "Listing current promotions",
}


def capabilities_sentence(enabled: Iterable[str]) -> str:
    """ "I can help with ..." for the enabled tools (and the offer of a person)."""
    return can_do(list(enabled))


def refusal(tool: str, enabled: Iterable[str]) -> str:
    """The reply to a request for ``tool`` while it is off: one sentence saying so, what is still on
    for this store, and the offer of a person."""
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
