"""Typed predicate builders for list filters, so each route states its filters in one line each."""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from typing import Any

Item = dict[str, Any]
Check = Callable[[Item], bool]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "min": operator.ge,
    "max": operator.le,
    "greater": operator.gt,
    "less": operator.lt,
}


def equals(field: str, value: Any) -> Check:
    return lambda item: bool(item.get(field) == value)


def text_equals(field: str, text: str) -> Check:
    return lambda item: str(item.get(field) or "") == text


def compare(field: str, op: str, bound: Any) -> Check:
    """``op`` is min, max, greater or less, as in BigCommerce's ``field:op`` filters."""
    test = COMPARISONS[op]
    return lambda item: test(item[field], bound)


def within(field: str, allowed: Collection[Any]) -> Check:
    return lambda item: item[field] in allowed


def outside(field: str, refused: Collection[Any]) -> Check:
    return lambda item: item[field] not in refused


def truthy_equals(field: str, flag: bool) -> Check:
    return lambda item: bool(item[field]) == flag
