"""Masking shoppers' personal details for sharing a conversation (``show --redact``).

Emails become ``j***@example.com``; the values of name, company, street, city, postcode and phone
fields anywhere in the recorded responses become ``<redacted>``, and those names and streets are also
masked wherever they appear in the shopper's words, the replies and the tool results.
"""

from __future__ import annotations

import re
from typing import Any

from ..transcripts.records import TurnRecord

EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
PERSONAL = frozenset(
    {
        "first_name",
        "last_name",
        "full_name",
        "company",
        "street_1",
        "street_2",
        "address1",
        "address2",
        "city",
        "zip",
        "postal_code",
        "phone",
        "email",
        "recipient_name",
        "purchaser_name",
        "recipient_email",
        "purchaser_email",
        "to_name",
        "from_name",
        "to_email",
        "from_email",
    }
)
MASK = "<redacted>"


def mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}***@{match.group(2)}"


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PERSONAL and key != "email" and isinstance(item, str) and len(item.strip()) > 1:
                found.add(item.strip())
            else:
                _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


class Redactor:
    def __init__(self, turns: list[TurnRecord]) -> None:
        found: set[str] = set()
        for turn in turns:
            for exchange in turn.requests:
                _collect(exchange.response, found)
                _collect(exchange.request_body, found)
        words = sorted(found, key=len, reverse=True)
        self._words = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in words)) if words else None

    def text(self, text: str) -> str:
        text = EMAIL.sub(mask_email, text)
        return self._words.sub(MASK, text) if self._words is not None else text

    def value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            if key in PERSONAL and "email" not in key and value.strip():
                return MASK
            return self.text(value)
        return value

    def turn(self, turn: TurnRecord) -> TurnRecord:
        return TurnRecord.from_json(self.value(turn.to_json()))
