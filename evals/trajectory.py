"""Tool-call matching: one expected call against the calls made, counts (``times``), ordered sequences
(``strict`` and ``subset``, like agentevals' trajectory match), and precision/recall by name and by
arguments.

A call is ``{"name": ..., "args": {...}}`` as the transcript records it; an expected call names the
tool and the arguments that matter (a subset match: strings compared trimmed and case-insensitively,
other values by their text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Call = Mapping[str, Any]


def args_match(wanted: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    for key, value in wanted.items():
        have = actual.get(key)
        if isinstance(value, str) and isinstance(have, str):
            if value.strip().lower() != have.strip().lower():
                return False
        elif str(value) != str(have):
            return False
    return True


def matches(expected: Call, call: Call) -> bool:
    """The call is to the expected tool, with (at least) the expected arguments."""
    return bool(call.get("name") == expected.get("name")) and args_match(
        expected.get("args") or {}, call.get("args") or {}
    )


def show(call: Call) -> str:
    """``name(arg=value, ...)``: a call as a developer reads it."""
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in (call.get("args") or {}).items())
    return f"{call.get('name')}({args})"


def show_all(calls: Iterable[Call]) -> str:
    shown = [show(c) for c in calls]
    return "; ".join(shown) if shown else "no tool call"


def count(expected: Call, calls: Iterable[Call]) -> int:
    return sum(1 for c in calls if matches(expected, c))


def in_order(expected: Sequence[Call], calls: Sequence[Call], mode: str) -> bool:
    """``strict``: the calls are exactly the expected ones, in order; ``subset``: the expected calls
    appear in this order, other calls allowed before, between and after them."""
    if mode == "strict":
        return len(expected) == len(calls) and all(map(matches, expected, calls))
    position = 0
    for call in calls:
        if position < len(expected) and matches(expected[position], call):
            position += 1
    return position == len(expected)


def _key(call: Call) -> str:
    return json.dumps({"name": call.get("name"), "args": call.get("args") or {}}, sort_keys=True, default=str)


def scores(expected: Sequence[Call], calls: Sequence[Call]) -> dict[str, tuple[int, int]]:
    """(hits, total) for precision and recall, by tool name and by name and arguments.

    By name: of the distinct tools called, those expected; of the tools expected, those called.
    By arguments: of the distinct calls (name and arguments), those matching an expected call; of the
    expected calls, those some call matches."""
    wanted_names = {str(e.get("name")) for e in expected}
    called_names = {str(c.get("name")) for c in calls}
    distinct = list({_key(c): c for c in calls}.values())
    return {
        "precision": (len(called_names & wanted_names), len(called_names)),
        "recall": (len(called_names & wanted_names), len(wanted_names)),
        "precision_args": (sum(1 for c in distinct if any(matches(e, c) for e in expected)), len(distinct)),
        "recall_args": (sum(1 for e in expected if any(matches(e, c) for c in calls)), len(expected)),
    }


def rates(pairs: Iterable[tuple[Sequence[Call], Sequence[Call]]]) -> dict[str, float]:
    """Precision and recall (by name and by arguments) over trials that expect tool calls."""
    totals = {"precision": [0, 0], "recall": [0, 0], "precision_args": [0, 0], "recall_args": [0, 0]}
    for expected, calls in pairs:
        if not expected:
            continue
        for metric, (hits, total) in scores(expected, calls).items():
            totals[metric][0] += hits
            totals[metric][1] += total
    return {m: (h / t if t else float("nan")) for m, (h, t) in totals.items()}
