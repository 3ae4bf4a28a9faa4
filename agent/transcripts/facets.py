"""What a turn says about its conversation, for finding it again (``bcagent replay list``).

- **Store failures**: what the shopper saw as "I can't reach the store": any 5xx answer, a 429 that was
  the last attempt of its request (retries spent), an attempt with no answer (a timeout, a dropped
  connection) and a tool result with status ``unavailable``.
- **Lockout**: a tool answered ``locked`` (too many failed order lookups or code checks).
- **Keys** a complaining shopper knows: the verified customer (id and email), every email the
  conversation carried (the verified one, one typed, one given to a tool), order numbers (given to a
  tool, asked to confirm, or typed as "#12345" / "order 12345") and codes given to a tool.
- The first message (trimmed) and the slowest turn's milliseconds.

Keys are normalised as the listing's filters compare them: emails lower-cased, codes upper-cased, order
numbers as digits.
"""

from __future__ import annotations

import re
from typing import Any

from .records import TurnRecord

FIRST_MESSAGE_CHARS = 80
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ORDER_IN_TEXT = re.compile(r"(?i)(?:#|\border\s+(?:number\s+|no\.?\s*)?#?)(\d{3,12})\b")
CUSTOMER, EMAIL_KEY, ORDER, CODE = "customer", "email", "order", "code"
KINDS = (CUSTOMER, EMAIL_KEY, ORDER, CODE)


def _result_status(result: Any) -> str | None:
    return str(result.get("status")) if isinstance(result, dict) else None


def store_failures(turn: TurnRecord) -> list[str]:
    """The store failures of a turn, each as a short line ("GET /v2/orders/1 -> 503")."""
    out: list[str] = []
    last_attempt: dict[Any, int] = {}
    for exchange in turn.requests:
        last_attempt[exchange.key()] = exchange.index
    for exchange in turn.requests:
        where = f"{exchange.method} {exchange.path}"
        if exchange.status is None:
            out.append(f"{where} -> {exchange.error or 'no answer'}")
        elif exchange.status >= 500:
            out.append(f"{where} -> {exchange.status}")
        elif exchange.status == 429 and last_attempt.get(exchange.key()) == exchange.index:
            out.append(f"{where} -> 429 (retries spent)")
    for call in turn.tool_calls:
        if call.status == "ok" and _result_status(call.result) == "unavailable":
            out.append(f"{call.name}: the store was unavailable")
    return out


def has_store_failure(turn: TurnRecord) -> bool:
    return bool(store_failures(turn))


def is_lockout(turn: TurnRecord) -> bool:
    return any(_result_status(call.result) == "locked" for call in turn.tool_calls)


def first_message(turn: TurnRecord) -> str | None:
    """The shopper's words, on one line, trimmed to ``FIRST_MESSAGE_CHARS``."""
    if not turn.text:
        return None
    text = " ".join(turn.text.split())
    return text if len(text) <= FIRST_MESSAGE_CHARS else text[: FIRST_MESSAGE_CHARS - 3] + "..."


def customer_email(turn: TurnRecord) -> str | None:
    """The verified customer's email, else the first email given to a tool (lower-cased)."""
    verified = (turn.verified_customer or {}).get("email")
    if isinstance(verified, str) and verified.strip():
        return verified.strip().lower()
    for call in turn.tool_calls:
        given = call.args.get("email")
        if isinstance(given, str) and EMAIL.fullmatch(given.strip()):
            return given.strip().lower()
    return None


def _order_number(value: Any) -> str | None:
    digits = re.sub(r"\D", "", str(value)) if value is not None else ""
    return digits.lstrip("0") or None if digits else None


def normalise(kind: str, value: str) -> str:
    """A filter's value as the keys store it."""
    value = value.strip()
    if kind == EMAIL_KEY:
        return value.lower()
    if kind == CODE:
        return value.upper()
    if kind == ORDER:
        return _order_number(value) or value
    return value


def turn_keys(turn: TurnRecord) -> set[tuple[str, str]]:
    """(kind, value) pairs of this turn a conversation can be found by."""
    keys: set[tuple[str, str]] = set()
    customer = turn.verified_customer or {}
    if isinstance(customer.get("id"), int):
        keys.add((CUSTOMER, str(customer["id"])))
    if isinstance(customer.get("email"), str) and customer["email"].strip():
        keys.add((CUSTOMER, normalise(EMAIL_KEY, customer["email"])))
        keys.add((EMAIL_KEY, normalise(EMAIL_KEY, customer["email"])))
    for email in EMAIL.findall(turn.text or ""):
        keys.add((EMAIL_KEY, normalise(EMAIL_KEY, email)))
    for number in ORDER_IN_TEXT.findall(turn.text or ""):
        if order := _order_number(number):
            keys.add((ORDER, order))
    for call in turn.tool_calls:
        for name, value in call.args.items():
            if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
                continue
            if name == "email" and EMAIL.fullmatch(str(value).strip()):
                keys.add((EMAIL_KEY, normalise(EMAIL_KEY, str(value))))
            elif name == "order_id" and (order := _order_number(value)):
                keys.add((ORDER, order))
            elif name == "code":
                keys.add((CODE, normalise(CODE, str(value))))
    asked = turn.confirmation_asked or {}
    if (order := _order_number(asked.get("order_id"))) is not None:
        keys.add((ORDER, order))
    return keys


__all__ = [
    "CODE",
    "CUSTOMER",
    "EMAIL_KEY",
    "FIRST_MESSAGE_CHARS",
    "KINDS",
    "ORDER",
    "customer_email",
    "first_message",
    "has_store_failure",
    "is_lockout",
    "normalise",
    "store_failures",
    "turn_keys",
]
