"""The grounding guard: every money amount, code, date and tracking number in a reply must appear in
this conversation's tool results; otherwise the reply is replaced by one built from those results."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from ..models.offline import text_of
from ..models.replies import Focus, compose

MONEY = re.compile(r"(?:[$€£]\s?\d[\d,.]*\d|\d[\d,.]*\d?\s?(?:€|£|USD|EUR|GBP)\b)")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(?:(?:{MONTHS}) \d{{1,2}}, \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b")
CODE = re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{3,}\b")
NUMBER = re.compile(r"\d[\d,.]*")
NAMED_CODE = re.compile(r"\b(?:code|coupon|voucher)\s+\"?([A-Z][A-Z0-9-]{3,})\b")
DECIMAL = re.compile(r"\d[\d,]*[.,]\d{2}\b")


def _amount(text: str) -> Decimal | None:
    digits = NUMBER.search(text)
    if digits is None:
        return None
    raw = digits.group(0).rstrip(".,")
    if re.search(r",\d{2}$", raw) and "." not in raw[-3:]:  # 1.234,50 style
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", "")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Check:
    grounded: bool
    unsupported: tuple[str, ...]


def check_reply(reply: str, evidence: str) -> Check:
    """Which facts of ``reply`` are not in ``evidence`` (the tool results, as text)."""
    lowered = evidence.lower()
    money_like = MONEY.findall(evidence) + DECIMAL.findall(evidence)  # not "12" of "12oz"
    amounts = {a for a in (_amount(m) for m in money_like) if a is not None}
    missing: list[str] = []
    for match in MONEY.findall(reply):
        value = _amount(match)
        if value is not None and value not in amounts:
            missing.append(match.strip())
    for pattern in (DATE, CODE, NAMED_CODE):
        for match in pattern.findall(reply):
            if match.lower() not in lowered:
                missing.append(match)
    return Check(not missing, tuple(dict.fromkeys(missing)))


def evidence_of(messages: Sequence[BaseMessage]) -> str:
    return "\n".join(text_of(m) for m in messages if isinstance(m, ToolMessage))


def fallback_reply(messages: Sequence[BaseMessage], question: str) -> str:
    """A reply built from the latest tool results (or a safe sentence when there are none)."""
    call = next((m for m in reversed(messages) if isinstance(m, AIMessage) and m.tool_calls), None)
    if call is None:
        return (
            "Sorry, I can only share details I have looked up in the store. What would you like me to check?"
        )
    names = {c["id"]: c["name"] for c in call.tool_calls}
    replies = []
    for message in messages:
        if isinstance(message, ToolMessage) and message.tool_call_id in names:
            try:
                result = json.loads(text_of(message))
            except json.JSONDecodeError:
                continue
            if isinstance(result, dict):
                replies.append(compose(names[message.tool_call_id], result, Focus.of(question)))
    return " ".join(replies) or "Sorry, I can only share details I have looked up in the store."
