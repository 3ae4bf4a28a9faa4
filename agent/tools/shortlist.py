"""Shortlists: the products a browsing question ("gloves for a beginner", "do you sell kettlebells")
or an unclear name is answered with, up to five, in stock first, best match first, each with its name,
live price, stock and link; and picking one of them again from a follow-up ("the second one", "the red
ones")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .results import ProductSummary

MAX_SHORTLIST = 5
_ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
}
_ORDINAL = re.compile(
    r"\b(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\b(?:\s+(?:one|ones|option|product|pair|item))?"
    r"|\b(?:number|no\.?|#|option)\s*([1-5])\b",
    re.IGNORECASE,
)


def shortlist(entries: Sequence[ProductSummary]) -> list[ProductSummary]:
    """Up to five entries, those in stock first (the order is otherwise kept: best match first)."""
    ranked = sorted(enumerate(entries), key=lambda pair: (pair[1].get("stock") == "out of stock", pair[0]))
    return [entry for _, entry in ranked][:MAX_SHORTLIST]


def ordinal(text: str) -> int | None:
    """The position a follow-up picks ("the second one" -> 1, "the last one" -> -1), or None."""
    match = _ORDINAL.search(text)
    if match is None:
        return None
    if match.group(2):
        return int(match.group(2)) - 1
    return _ORDINALS[match.group(1).lower()]


def pick(listed: Sequence[Mapping[str, Any]], text: str) -> Mapping[str, Any] | None:
    """The entry of ``listed`` a follow-up names: by position, or by the words of its name ("the
    titan one"); None when it names none or several."""
    if not listed:
        return None
    position = ordinal(text)
    if position is not None and -len(listed) <= position < len(listed):
        return listed[position]
    words = {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}
    if not words:
        return None
    named = [
        entry for entry in listed if words & set(re.findall(r"[a-z0-9]+", str(entry.get("name", "")).lower()))
    ]
    distinct = [e for e in named if any(w not in _common(listed) for w in words & _name_words(e))]
    return distinct[0] if len(distinct) == 1 else None


def _name_words(entry: Mapping[str, Any]) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", str(entry.get("name", "")).lower()))


def _common(listed: Sequence[Mapping[str, Any]]) -> set[str]:
    """Words every listed name shares ("gloves"): they pick none of them."""
    sets = [_name_words(e) for e in listed]
    return set.intersection(*sets) if sets else set()
