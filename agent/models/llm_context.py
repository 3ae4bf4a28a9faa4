"""What the offline reader understood of the shopper's message, told to the LLM with its tools.

The LLM reads the shopper's words already normalised (text-speak expanded, misspellings corrected
against the store's vocabulary: the router passes the read text to the subgraphs). This note adds what
the NLU found in them, typed, so the LLM's tool calls use the same details the offline model would: the
product page the shopper is on ("this", "these" mean it), order numbers, emails, discount codes and gift
certificate codes kept apart (a discount code is never a gift certificate, nor the reverse), option
values, and the product reference left once the question words are removed. It is advice, not
instructions: the tools still check everything, and the safety net resolves products the same way.
"""

from __future__ import annotations

import re

from .entities import Entities
from .offline import split_codes

_UNSAFE = re.compile(r"[^A-Za-z0-9 .'&+/-]")
MAX_REFERENCE = 60


def _quoted(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f'"{v}"' for v in values)


def context_note(text: str, entities: Entities, product_id: int | None) -> str:
    """The note for the system prompt ("" when there is nothing to say)."""
    lines: list[str] = []
    if product_id is not None:
        lines.append(
            f"The shopper is on the page of product {product_id}: when they say this/it/these or name no "
            f'other product, call get_product_information with product "this".'
        )
    if entities.order_ids:
        lines.append(f"Order numbers: {_quoted([str(o) for o in entities.order_ids])}.")
    if entities.emails:
        lines.append(f"Emails: {_quoted(list(entities.emails))}.")
    gift, discount = split_codes(text, list(entities.codes))
    if discount:
        lines.append(f"Discount codes (lookup_discount_code only): {_quoted(discount)}.")
    if gift:
        lines.append(f"Gift certificate codes (check_gift_card_balance only): {_quoted(gift)}.")
    reference = _UNSAFE.sub("", entities.product or "").strip()[:MAX_REFERENCE]
    if reference and not reference.startswith("product "):  # shopper's words: plain characters, short
        lines.append(f"Product named: {_quoted([reference])}.")
    if entities.options:
        lines.append(f"Option values: {_quoted(list(entities.options))}.")
    if not lines:
        return ""
    head = "What the shopper's latest message holds (read by the store's parser; use these exact values):"
    return "\n".join([head, *(f"- {line}" for line in lines)])
