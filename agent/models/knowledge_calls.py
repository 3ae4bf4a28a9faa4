"""The offline model's tool calls for questions about the store (``knowledge_intents.py``).

Each knowledge intent has its tool; this module builds the call's arguments from what the shopper said:
the question itself (for the pages and payment methods), the destination named (for shipping), and for an
address change the order, the email and the new address ("12 Oak Street, Dallas, TX 75201"). When the
tool is off for this store (no scope, or switched off) the shopper is told so and offered a person.
"""

from __future__ import annotations

import re
from typing import Any

from ..tools.where_we_ship import find_place
from .knowledge_intents import ADDRESS_GIVEN
from .offer import PERSON

TOOL_OF_KNOWLEDGE = {
    "shipping_info": "get_shipping_options",
    "payment_methods": "get_payment_methods",
    "store_policy": "search_store_info",
    "contact_info": "get_store_contact",
    "address_change": "change_shipping_address",
    "refund_status": "get_order_information",
}
TOPIC = {
    "shipping_info": "shipping",
    "payment_methods": "payment methods",
    "store_policy": "the store's policies",
    "contact_info": "the store's contact details",
    "address_change": "changing an order's address",
    "refund_status": "refunds",
}


def unavailable(intent: str) -> str:
    """The reply when the store's scopes or switches turn the intent's tool off."""
    return f"I can't look up {TOPIC.get(intent, 'that')} in this store myself. {PERSON}"


def new_address(humans: list[str]) -> dict[str, str]:
    """The last address the shopper typed, as BigCommerce's address fields (empty: none yet)."""
    for text in reversed(humans):
        match = ADDRESS_GIVEN.search(text)
        if match:
            fields = {k: v.strip().rstrip(".") for k, v in match.groupdict().items() if v and v.strip()}
            if "state_code" in fields:  # "Durham NC 27701"
                fields["state"] = fields.pop("state_code")
            # "for 50007 to 77 Pine Ave, ...": the street starts after the order number
            fields["street_1"] = re.split(r"\s+to\s+(?=\d)", fields["street_1"])[-1]
            return fields
    return {}


def knowledge_args(intent: str, humans: list[str], order_id: Any, email: Any) -> dict[str, Any]:
    """The arguments of the intent's tool call."""
    question = humans[-1]
    if intent == "shipping_info":
        place = find_place(question)
        return {"destination": (place.state or place.country) if place else None}
    if intent == "payment_methods":
        return {"question": question}
    if intent == "store_policy":
        return {"question": question}
    if intent == "contact_info":
        return {}
    order = str(order_id) if order_id is not None else None
    if intent == "address_change":
        return {"order_id": order, "email": email, **new_address(humans)}
    return {"order_id": order, "email": email}
