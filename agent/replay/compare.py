"""Comparing a replayed conversation with its recording, turn by turn.

For each turn: the route(s), the tool calls (names in order, then each call's arguments and its
result status), whether a confirmation was asked (and for which order), the facts in the replies
(amounts, codes, order numbers, tracking numbers, statuses, dates), the reply text, and the requests
the recording could not answer. Each difference is a ``Divergence`` that prints as
``turn 2: get_order_information email: recorded jane@..., now (missing)``. Reply text that differs
while the facts agree is ``tolerable``: with ``--tolerate-wording`` it is shown, not counted.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..transcripts.records import TurnRecord
from .transport import Unanswered

MISSING = "(missing)"
NONE = "(none)"
STATUSES = (
    "awaiting fulfillment|awaiting shipment|awaiting payment|awaiting pickup|partially shipped|"
    "partially refunded|manual verification required|pending|shipped|refunded|cancelled|canceled|"
    "declined|completed|disputed|incomplete|in stock|out of stock|expired|active|disabled"
)
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("amount", re.compile(r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d.,]*\s?(?:USD|EUR|GBP|CAD|AUD|kr|zł)\b")),
    ("order", re.compile(r"(?i)(?:#|\border\s+(?:number\s+)?#?)(\d{3,})")),
    ("tracking", re.compile(r"\b1Z[0-9A-Z]{16}\b|\b\d{12,22}\b")),
    ("code", re.compile(r"\b(?=[A-Z0-9-]*[0-9])(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{3,}\b")),
    ("status", re.compile(rf"(?i)\b(?:{STATUSES})\b")),
    ("date", re.compile(rf"(?i)\b(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}\b")),
)


def facts(text: str) -> Counter[tuple[str, str]]:
    """The facts a reply states, as (kind, value) counts; case-folded where case carries no meaning."""
    found: Counter[tuple[str, str]] = Counter()
    for kind, pattern in FACTS:
        for match in pattern.finditer(text):
            value = match.group(1) if pattern.groups else match.group(0)
            if kind == "tracking" and value.startswith("1Z"):
                found[("tracking", value)] += 1
                continue
            if kind == "code" and value.startswith("1Z") and len(value) == 18:
                continue  # a UPS tracking number, counted as tracking
            found[(kind, value.lower() if kind in ("status", "date") else value)] += 1
    return found


@dataclass(frozen=True)
class Divergence:
    turn: int  # 1-based
    what: str
    recorded: str
    now: str
    tolerable: bool = False  # reply wording only, the facts agree
    detail: tuple[str, ...] = ()
    expected: bool = False  # an expectation of the recording's header (``recorded`` is what it asks)

    def line(self) -> str:
        if self.expected:
            return f"turn {self.turn}: expected {self.recorded}, got {self.now}"
        return f"turn {self.turn}: {self.what}: recorded {self.recorded}, now {self.now}"


def short(value: Any, limit: int = 60) -> str:
    if value is None:
        return "null"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _names(values: list[str]) -> str:
    return ", ".join(values) if values else NONE


def _result_status(result: Any) -> str | None:
    return str(result.get("status")) if isinstance(result, dict) and "status" in result else None


def _fact_text(counts: Counter[tuple[str, str]]) -> str:
    return ", ".join(f"{v} ({k}){f' x{n}' if n > 1 else ''}" for (k, v), n in sorted(counts.items())) or NONE


def compare_turn(number: int, recorded: TurnRecord, now: TurnRecord) -> list[Divergence]:
    out: list[Divergence] = []

    def add(what: str, was: str, is_: str, **extra: Any) -> None:
        out.append(Divergence(number, what, was, is_, **extra))

    if recorded.kind != now.kind:
        add("kind", recorded.kind, now.kind)
    if recorded.routes != now.routes:
        add("route", _names(recorded.routes), _names(now.routes))
    if recorded.tool_names != now.tool_names:
        add("tools", _names(recorded.tool_names), _names(now.tool_names))
    else:
        for was, is_ in zip(recorded.tool_calls, now.tool_calls, strict=True):
            for key in sorted(set(was.args) | set(is_.args)):
                a, b = was.args.get(key, MISSING), is_.args.get(key, MISSING)
                if a != b:
                    add(
                        f"{was.name} {key}",
                        short(a) if a is not MISSING else a,
                        short(b) if b is not MISSING else b,
                    )
            if was.status != is_.status:
                add(f"{was.name} call", was.status, is_.status)
            elif _result_status(was.result) != _result_status(is_.result):
                add(f"{was.name} result", str(_result_status(was.result)), str(_result_status(is_.result)))
    asked_was, asked_now = recorded.confirmation_asked, now.confirmation_asked
    if (asked_was is None) != (asked_now is None) or (
        asked_was and asked_now and asked_was.get("order_id") != asked_now.get("order_id")
    ):
        add(
            "confirmation",
            f"asked for order {asked_was.get('order_id')}" if asked_was else "not asked",
            f"asked for order {asked_now.get('order_id')}" if asked_now else "not asked",
        )
    if (recorded.error is None) != (now.error is None):
        add(
            "error",
            recorded.error["type"] if recorded.error else NONE,
            now.error["type"] if now.error else NONE,
        )
    was_text, now_text = "\n".join(recorded.replies), "\n".join(now.replies)
    was_facts, now_facts = facts(was_text), facts(now_text)
    if was_facts != now_facts:
        add("facts", _fact_text(was_facts - now_facts), _fact_text(now_facts - was_facts))
    if was_text != now_text:
        detail = tuple(
            line
            for line in difflib.unified_diff(
                recorded.replies, now.replies, "recorded", "now", lineterm="", n=0
            )
            if not line.startswith(("---", "+++", "@@"))
        )
        add("reply", short(was_text), short(now_text), tolerable=was_facts == now_facts, detail=detail)
    return out


def compare(
    recorded: list[list[TurnRecord]],
    now: list[list[TurnRecord]],
    unanswered: list[Unanswered],
) -> list[Divergence]:
    """Compare per shopper action (a message that abandons a confirmation records two turns)."""
    out: list[Divergence] = []
    number = 0
    for was_group, now_group in zip(recorded, now, strict=True):
        first = number + 1
        for index, was in enumerate(was_group):
            number += 1
            if index >= len(now_group):
                out.append(Divergence(number, "turn", f"{was.kind} turn", "no such turn"))
                continue
            out.extend(compare_turn(number, was, now_group[index]))
        for extra in now_group[len(was_group) :]:
            out.append(Divergence(first, "turn", "no such turn", f"an extra {extra.kind} turn"))
    for missing in unanswered:  # ``turn`` is the 0-based index of the action's first turn
        out.append(Divergence(missing.turn + 1, "BigCommerce request", "not made", missing.describe()))
    return sorted(out, key=lambda d: d.turn)
