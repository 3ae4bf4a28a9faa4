"""What the offline model says about an order's refunds, from the order lookup's ``refunds`` field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .offer import PERSON

ASKS_ABOUT_REFUNDS = frozenset({"refund", "refunded", "money", "reimburse", "reimbursed", "credited"})


def refund_sentences(order: Mapping[str, Any], words: frozenset[str]) -> list[str]:
    """A sentence per refund; with none and a question about refunds, that none was made, and a person."""
    refunds: Sequence[Mapping[str, Any]] = order.get("refunds") or []
    asked = bool(words & ASKS_ABOUT_REFUNDS)
    lines = []
    for refund in refunds:
        if refund.get("declined"):
            lines.append(f"A refund of {refund['amount']} was declined by the payment provider. {PERSON}")
            continue
        sentence = f"Refunded: {refund['amount']}"
        if refund.get("on"):
            sentence += f" on {refund['on']}"
        if refund.get("to"):
            sentence += f", to {refund['to']}"
        lines.append(sentence + ".")
    if order.get("refunds_unreadable") and asked:
        lines.append(f"I can't read the refund details right now. {PERSON}")
    elif not refunds and asked:
        lines.append(f"No refund has been made on order #{order['order_id']} so far. {PERSON}")
    return lines
