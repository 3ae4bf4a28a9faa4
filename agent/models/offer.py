"""What the assistant says it can do: only the tools that are on for this store, and always a person.

Every reply that cannot help ends with this ("Sorry, that's not something I can help with" never ends a
turn alone): a switched-off tool is never advertised, and the shopper is told how to reach the team
(``transfer_to_human``)."""

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
PERSON = "I can also connect you with a member of our team: just ask for a person."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def can_do(tools: Iterable[str] | None = None, *, person: bool = True) -> str:
    """ "I can help with ..." for the ``tools`` that are on (None: every tool), then the offer of a person."""
    names = set(ABILITIES) if tools is None else set(tools)
    said = [phrase for tool, phrase in ABILITIES.items() if tool in names]
    text = f"I can help with {_join(said)}." if said else ""
    if person:
        text = f"{text} {PERSON}".strip()
    return text or PERSON


def cannot_help(tools: Iterable[str] | None = None) -> str:
    """The reply to a request the assistant has no tool for."""
    return f"Sorry, I can't help with that myself. {can_do(tools)}"
