"""Argument provenance: a tool argument that identifies something must come from somewhere real.

An order number, an email or a gift or discount code passed to a tool must have been typed by the
shopper in this conversation, come from the verified identity, or appear in an earlier tool result.
Otherwise the model invented it, and the call is refused before it reaches the store, without counting
against the shopper's attempt limits (a model guessing codes must not lock the shopper out).

Handoff summaries are built from what the shopper said, not taken from the model, which may summarise
a conversation that never happened.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Final

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from .context import VerifiedCustomer
from .inputs import code, email_address, order_number
from .results import ToolResult, result

IDENTIFYING: Final = ("order_id", "email", "code")
SUMMARY_MESSAGES: Final = 3
MAX_SUMMARY: Final = 500
ASK: Final[dict[str, str]] = {
    "order_id": "the order number",
    "email": "the email address used at checkout",
    "code": "the code",
}


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _contains(haystack: str, needle: str) -> bool:
    """``needle`` appears in ``haystack`` as a whole token (not inside a longer number or word)."""
    pattern = r"(?<![a-z0-9])" + re.escape(needle.lower()) + r"(?![a-z0-9])"
    return re.search(pattern, haystack) is not None


def _sources(messages: Sequence[BaseMessage]) -> tuple[str, str]:
    said = " \n".join(_normal(_text(m)) for m in messages if isinstance(m, HumanMessage))
    facts = " \n".join(_normal(_text(m)) for m in messages if isinstance(m, ToolMessage))
    return said, facts


def unproven(
    args: Mapping[str, Any], messages: Sequence[BaseMessage], verified: VerifiedCustomer | None
) -> list[str]:
    """The identifying arguments in ``args`` that nothing in the conversation vouches for."""
    said, facts = _sources(messages)
    missing: list[str] = []
    for name in IDENTIFYING:
        value = args.get(name)
        if value in (None, ""):
            continue
        if name == "order_id":
            number = order_number(value)
            token = str(number) if number is not None else None
        elif name == "email":
            token = email_address(value)
            if token and verified is not None and token == verified.email.lower():
                continue
        else:
            token = code(value)
            token = token.lower() if token else None
        if token is None:
            continue  # not even well formed: the tool says so, and counts nothing for it
        if not (_contains(said, token) or _contains(facts, token)):
            missing.append(name)
    return missing


def refusal(missing: Sequence[str]) -> ToolResult:
    """The tool result for a call whose arguments the shopper never gave: ask them for the real ones."""
    wanted = " and ".join(ASK[name] for name in missing)
    return result(
        "needs_info",
        f"I need {wanted} exactly as you have it. Could you type it for me?",
        missing=list(missing),
        reason="unproven_argument",
    )


def handoff_summary(messages: Sequence[BaseMessage], fallback: str = "") -> str:
    """What the shopper needs, in their own words: their last few messages (or ``fallback``)."""
    said = [" ".join(_text(m).split()) for m in messages if isinstance(m, HumanMessage)]
    said = [s for s in said if s][-SUMMARY_MESSAGES:]
    text = " / ".join(said) if said else " ".join(fallback.split())
    return text[:MAX_SUMMARY]
