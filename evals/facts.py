"""An independent count of facts in replies that no tool result backs.

The product's grounding guard (``agent/graphs/grounding.py``) replaces replies it finds ungrounded, so
counting with the guard's own code would always find nothing. This checker is written separately and
more simply, token by token: every number of three or more digits, money amount, percentage, email,
URL, phone number, street address, order-status word and stock phrase in a reply must appear in this
conversation's tool results (identifiers also in what the shopper typed). It is deliberately blunt:
it may count a fact the guard would let pass, never the other way round for these kinds.
"""

from __future__ import annotations

import re
from typing import Final

_NUMBERISH: Final = re.compile(r"[$€£]?\d[\d,.\-/]*\d%?|[$€£]\d|\d%")
_EMAIL: Final = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
_URL: Final = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_STREET: Final = re.compile(
    r"\b\d+\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct)\b"
)
_STATUS_WORDS: Final = (
    "pending",
    "awaiting payment",
    "awaiting fulfillment",
    "awaiting shipment",
    "awaiting pickup",
    "partially shipped",
    "shipped",
    "completed",
    "cancelled",
    "canceled",
    "declined",
    "refunded",
    "partially refunded",
    "disputed",
    "delivered",
    "out for delivery",
    "in transit",
    "processing",
)
_STOCK_WORDS: Final = ("in stock", "out of stock", "sold out", "back in stock")
_GENERIC: Final = (  # sentences that state what the assistant can do, not a fact about an order
    "can help",
    "i can",
    "orders that",
    "order that",
    "hasn't shipped",
    "not shipped",
    "if it",
    "once it",
)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _strip(token: str) -> str:
    return token.rstrip(".,;:!?)").lower()


def unbacked_facts(reply: str, evidence: str, typed: str = "") -> list[str]:
    """The facts of ``reply`` that ``evidence`` (tool results as text) does not hold."""
    source = evidence.lower()
    shopper = typed.lower()
    both = source + "\n" + shopper
    found: list[str] = []
    rest = reply
    for match in _URL.findall(reply):
        url = _strip(match)
        if url not in source:
            found.append(url)
        rest = rest.replace(match, " ")
    for match in _EMAIL.findall(rest):
        if _strip(match) not in both:
            found.append(match)
        rest = rest.replace(match, " ")
    for match in _STREET.findall(rest):
        if match.lower() not in both:
            found.append(match)
    all_digits = _digits(both)
    for token in _NUMBERISH.findall(rest):
        digits = _digits(token)
        if token.endswith("%"):
            if token.lower() not in source:
                found.append(token)
        elif token[0] in "$€£":
            plain = token[1:].replace(",", "")
            if plain not in source.replace(",", "") and token.lower() not in source:
                found.append(token)
        elif len(digits) >= 3 and digits not in all_digits:
            found.append(token)
    for sentence in re.split(r"(?<=[.!?])\s+", reply):
        lowered = sentence.lower()
        if any(g in lowered for g in _GENERIC):
            continue
        if re.search(r"\b(?:order|package|parcel|shipment|it)\b", lowered):
            for word in _STATUS_WORDS:
                if re.search(rf"\b(?:not|n't|never)\s+(?:been\s+|yet\s+)?{word}\b", lowered):
                    continue  # "I have not cancelled it": no claim that it is
                if re.search(rf"\b{word}\b", lowered) and word not in source:
                    if word == "shipped" and ('"shipments": [{' in source or '"shipments":[{' in source):
                        continue
                    found.append(word)
        for phrase in _STOCK_WORDS:
            if phrase in lowered and phrase not in source:
                found.append(phrase)
    return list(dict.fromkeys(found))
