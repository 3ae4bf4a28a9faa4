"""A question stays asked: the request the assistant could not finish for want of a detail.

When a tool answers ``needs_info`` (the order number, the email used at checkout, a code), the request is
*pending*: the shopper's next message that supplies the missing detail answers it, whatever that message
looks like on its own ("can I change the address on order 12346?" then "jane.doe@example.com" answers
the question about order 12346, not a generic menu). The pending request is read from the conversation
itself (the tool call and its result are in the checkpointed messages), so it survives restarts and
replicas, and the router keeps a copy in the graph state (``AgentState["pending"]``) for routing and the
transcript.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from .entities import Entities

# the detail a tool asks for when its result names none (``missing``)
DETAIL_OF_TOOL: Mapping[str, str] = {
    "get_order_information": "order_number",
    "cancel_order": "order_number",
    "check_gift_card_balance": "code",
    "lookup_discount_code": "code",
}
ARGUMENT_OF_DETAIL: Mapping[str, str] = {"order_number": "order_id", "email": "email", "code": "code"}
LOOK_BACK = 3  # exchanges
SHORT_ANSWER = 12  # words: a message this short that supplies the detail answers the question


@dataclass(frozen=True)
class PendingRequest:
    """A tool call that asked the shopper for ``missing`` details; ``question`` is what the shopper asked."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    question: str = ""

    def as_state(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "args": dict(self.args),
            "missing": list(self.missing),
            "question": self.question,
        }

    @classmethod
    def from_state(cls, value: object) -> PendingRequest | None:
        if not isinstance(value, dict) or not isinstance(value.get("tool"), str):
            return None
        args = value.get("args") if isinstance(value.get("args"), dict) else {}
        missing = tuple(str(m) for m in value.get("missing") or () if isinstance(m, str))
        return cls(str(value["tool"]), dict(args or {}), missing, str(value.get("question") or ""))

    def details(self, entities: Entities) -> dict[str, str]:
        """The tool arguments ``entities`` supply for the missing details (empty: none supplied)."""
        found: dict[str, str] = {}
        for detail in self.missing:
            if detail == "order_number" and entities.order_ids:
                found["order_id"] = str(entities.order_ids[0])
            elif detail == "email" and entities.emails:
                found["email"] = entities.emails[0]
            elif detail == "code" and entities.codes:
                found["code"] = entities.codes[0]
        return found

    def answered_with(self, entities: Entities) -> dict[str, Any] | None:
        """The call's arguments completed with the details in ``entities``; None when they supply none."""
        found = self.details(entities)
        if not found:
            return None
        args = {**self.args, **found}
        if "order_id" in found and entities.emails and "email" not in found:
            args["email"] = entities.emails[0]  # "12345, jane@example.com": both at once
        return args


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def _result(message: ToolMessage) -> dict[str, Any] | None:
    try:
        value = json.loads(_text(message))
    except (json.JSONDecodeError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def pending_request(messages: Sequence[BaseMessage]) -> PendingRequest | None:
    """The request the last exchange that used a tool, before the shopper's latest message, left asking for
    a detail (looking back over at most ``LOOK_BACK`` exchanges)."""
    humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
    for k in range(len(humans) - 1, max(0, len(humans) - 1 - LOOK_BACK), -1):
        start, end = humans[k - 1], humans[k]
        if any(isinstance(m, AIMessage) and m.tool_calls for m in messages[start:end]):
            return _asked(messages, start, end)  # the last exchange that used a tool decides
    return None  # exchanges without tools in between ("hmm", "hi") leave the question asked


def left_open(messages: Sequence[BaseMessage]) -> PendingRequest | None:
    """The request the exchange after the shopper's latest message left asking for a detail."""
    last = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=None)
    return None if last is None else _asked(messages, last, len(messages))


def _asked(messages: Sequence[BaseMessage], human: int, end: int) -> PendingRequest | None:
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    asked: PendingRequest | None = None
    for message in messages[human + 1 : end]:
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                calls[str(call.get("id"))] = (call["name"], dict(call.get("args") or {}))
        elif isinstance(message, ToolMessage):
            result = _result(message)
            name, args = calls.get(str(message.tool_call_id), (message.name or "", {}))
            if result is None or result.get("status") != "needs_info" or not name:
                continue
            missing = tuple(str(m) for m in result.get("missing") or () if isinstance(m, str))
            if not missing and name in DETAIL_OF_TOOL:
                missing = (DETAIL_OF_TOOL[name],)
            if isinstance(result.get("order_id"), int | str) and "order_id" not in args:
                args = {**args, "order_id": str(result["order_id"])}
            if missing:
                asked = PendingRequest(name, args, missing, _text(messages[human]))
    return asked
