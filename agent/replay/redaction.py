"""Redacting a recording for committing it (``bcagent replay export --redact``), the way VCR.py filters
cassettes: shoppers' emails, names, companies, phones, streets and postcodes are replaced by stable
placeholders everywhere in the recording (the shopper's words, tool arguments and results, request
queries and bodies, BigCommerce's answers, the replies), so the replay still matches: the shopper
writes ``person1@redacted.example``, the tool asks for it, the recorded order answers with it.

The same value always gets the same placeholder, numbered in the order values are first met, so
exporting the same conversation twice gives the same bytes. Order numbers, amounts, codes, tracking
numbers, product data and dates are kept: they are what a replay checks. The access token is never in
a transcript in the first place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..transcripts.records import TurnRecord
from .redact import EMAIL

# field name -> the kind of placeholder its value gets
FIELDS: dict[str, str] = {
    "first_name": "first",
    "last_name": "last",
    "full_name": "name",
    "name_on_card": "name",
    "recipient_name": "name",
    "purchaser_name": "name",
    "to_name": "name",
    "from_name": "name",
    "company": "company",
    "street_1": "street",
    "street_2": "street",
    "address1": "street",
    "address2": "street",
    "zip": "postcode",
    "postal_code": "postcode",
    "phone": "phone",
}
PHONE = re.compile(r"(?<![\w-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])")
PLACEHOLDERS: dict[str, Callable[[int], str]] = {
    "email": lambda n: f"person{n}@redacted.example",
    "first": lambda n: f"Firstname{n}",
    "last": lambda n: f"Lastname{n}",
    "name": lambda n: f"Person{n} Redacted",
    "company": lambda n: f"Company{n}",
    "street": lambda n: f"{n} Redacted Street",
    "postcode": lambda n: f"{n:05d}",
    "phone": lambda n: f"555-01{n:02d}",
}


class Placeholders:
    """Value -> placeholder, numbered per kind in the order first met."""

    def __init__(self) -> None:
        self.by_value: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def add(self, kind: str, value: str) -> None:
        key = value.strip()
        if kind == "email":
            key = key.lower()
        if len(key) < 2 or key in self.by_value or key in self.by_value.values():
            return
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.by_value[key] = PLACEHOLDERS[kind](self.counts[kind])


def _walk(value: Any, visit: Callable[[str | None, str], None], key: str | None = None) -> None:
    if isinstance(value, dict):
        for k, item in value.items():
            _walk(item, visit, str(k))
    elif isinstance(value, list):
        for item in value:
            _walk(item, visit, key)
    elif isinstance(value, str):
        visit(key, value)


class RecordingRedactor:
    """Collects the personal values of a conversation, then rewrites its turns."""

    def __init__(self, turns: list[TurnRecord]) -> None:
        self.placeholders = Placeholders()
        records = [turn.to_json() for turn in turns]

        def visit(key: str | None, text: str) -> None:
            if key in FIELDS:
                self.placeholders.add(FIELDS[key], text)
            for email in EMAIL.finditer(text):
                self.placeholders.add("email", email.group(0))
            for phone in PHONE.finditer(text):
                self.placeholders.add("phone", phone.group(0))

        for record in records:
            _walk(record, visit)
        values = sorted(self.placeholders.by_value, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in values), re.IGNORECASE)
            if values
            else None
        )

    @property
    def replaced(self) -> dict[str, int]:
        """How many distinct values of each kind were replaced."""
        return dict(sorted(self.placeholders.counts.items()))

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        table = {value.casefold(): placeholder for value, placeholder in self.placeholders.by_value.items()}

        def swap(match: re.Match[str]) -> str:
            return table.get(match.group(0).casefold(), match.group(0))

        return self._pattern.sub(swap, text)

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def turn(self, turn: TurnRecord) -> TurnRecord:
        return TurnRecord.from_json(self.value(turn.to_json()))


def redact_turns(turns: list[TurnRecord]) -> tuple[list[TurnRecord], dict[str, int]]:
    """The turns with shoppers' details replaced, and how many values of each kind were."""
    redactor = RecordingRedactor(turns)
    return [redactor.turn(turn) for turn in turns], redactor.replaced
