"""Shortlists and picking from them."""

from __future__ import annotations

import pytest

from agent.tools.shortlist import ordinal, pick, shortlist

LISTED = [
    {"id": 10, "name": "Competition Kettlebell", "stock": "in stock"},
    {"id": 12, "name": "Titan Combat Classic Kettlebell", "stock": "in stock"},
    {"id": 13, "name": "Apex Kettlebell", "stock": "in stock"},
]


def test_in_stock_first_and_at_most_five() -> None:
    entries = [{"id": i, "name": f"P{i}", "stock": "out of stock" if i % 2 else "in stock"} for i in range(8)]
    listed = shortlist(entries)
    assert [e["id"] for e in listed] == [0, 2, 4, 6, 1]


@pytest.mark.parametrize(
    ("text", "position"),
    [("the second one", 1), ("ok the first one. 4k, how much", 0), ("the last one", -1), ("number 3", 2),
     ("how much is it", None)],
)  # fmt: skip
def test_ordinal(text: str, position: int | None) -> None:
    assert ordinal(text) == position


def test_pick_by_position_or_by_a_distinct_name_word() -> None:
    assert pick(LISTED, "ok the second one. how much in 16kg?") == LISTED[1]
    assert pick(LISTED, "the titan one") == LISTED[1]
    assert pick(LISTED, "the kettlebell") is None  # every name has it
    assert pick(LISTED, "the fifth one") is None
    assert pick([], "the first one") is None
