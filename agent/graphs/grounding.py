"""The grounding guard: every fact a reply asserts must be backed by this conversation's tool results;
otherwise the reply is replaced by one built from those results (counted and recorded by the router).

The facts checked: money amounts, dates and codes here; order and shipment statuses, order and tracking
numbers (all-digit too), percentages, URLs (only ones from tool results, the store's own and carriers'
tracking links), phone numbers and emails, street addresses, quantities and stock claims in
``claims.py``. Identifiers the shopper typed may be echoed back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from ..models.offline import text_of
from ..models.replies import Focus, compose
from . import claims

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


def _blank(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def check_reply(
    reply: str, evidence: str | claims.Evidence, said: str = "", hosts: Sequence[str] = ()
) -> Check:
    """Which facts of ``reply`` are not backed by ``evidence`` (the tool results, as text); ``said`` is
    what the shopper typed (identifiers may be echoed), ``hosts`` the store's own web hosts."""
    facts = evidence if isinstance(evidence, claims.Evidence) else claims.Evidence.of(evidence, said, hosts)
    raw = facts.structured_raw  # amounts only from structured fields, never merchant free text
    money_like = MONEY.findall(raw) + DECIMAL.findall(raw)  # not "12" of "12oz"
    amounts = {a for a in (_amount(m) for m in money_like) if a is not None}
    missing: list[str] = []
    for match in MONEY.findall(reply):
        value = _amount(match)
        if value is not None and value not in amounts:
            missing.append(match.strip())
    for match in DATE.findall(reply):
        if match.lower() not in facts.text:
            missing.append(match)
    for pattern in (CODE, NAMED_CODE):
        for match in pattern.findall(reply):
            if not facts.echoes(match):
                missing.append(match)
    prose = _blank(reply, (claims.URL, claims.EMAIL))
    plain = _blank(prose, (MONEY, DATE))
    missing += claims.status_claims(reply, facts)
    missing += claims.percent_claims(plain, facts)
    missing += claims.url_claims(reply, facts)
    missing += claims.email_claims(reply, facts)
    missing += claims.phone_claims(plain, facts)
    missing += claims.address_claims(prose, facts)
    bare = _blank(plain, (claims.PHONE, CODE))
    missing += claims.number_claims(bare, facts)
    missing += claims.stock_claims(bare, facts)
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
            if isinstance(result, dict):  # without merchant free text: it may be what was not backed
                plain = claims.without_free_text(result)
                replies.append(compose(names[message.tool_call_id], plain, Focus.of(question)))
    return " ".join(replies) or "Sorry, I can only share details I have looked up in the store."
