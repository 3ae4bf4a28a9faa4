"""The router graph's side of handing off to a person, for both brains alike.

``before_routing`` answers, before any model runs, the two questions the handoff asked: the contact
("What email should our team reply to?") and the offer ("Would you like me to pass this to our team?").
``offer`` runs after the grounding guard and adds the offer, as a question with quick replies, to a turn
that calls for one (``agent.handoff.offer``): frustration, a complaint, a damaged or wrong item, a payment
problem, fraud or legal words, a lookup lockout, or the second turn in a row the assistant could not help.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.config import get_config
from langgraph.runtime import Runtime

from ..context import AgentContext
from ..handoff.flow import answer_contact
from ..handoff.offer import (
    OFFER_REPLIES,
    accepts_offer,
    complaint_kind,
    declines_offer,
    offer_reason,
    unhelped,
    with_offer,
)
from ..models.offline import text_of
from ..tools.context import Conversation, VerifiedCustomer
from .state import AgentState

NOT_NOW = "No problem. Is there anything else I can help with?"
SORRY = "I'm sorry about that. Our team can look into it with you."
CANCEL_WORDS = re.compile(r"\b(?:cancel\w*|call (?:it|the order) off|stop (?:the|my) order)\b", re.I)


def trouble_not_a_cancel(text: str, intent: str) -> bool:
    """A payment problem, a damaged or wrong item or fraud that the intent model read as a cancellation
    the shopper never asked for ("charged twice for 12345, pls fix")."""
    return intent == "order_cancel" and complaint_kind(text) is not None and not CANCEL_WORDS.search(text)


def thread_of() -> str:
    return str(get_config().get("configurable", {}).get("thread_id", "default"))


def conversation_of(state: AgentState, thread_id: str) -> Conversation:
    customer = state.get("verified_customer")
    verified = None
    if isinstance(customer, dict) and customer.get("id") is not None and customer.get("email"):
        verified = VerifiedCustomer(int(customer["id"]), str(customer["email"]), customer.get("group_id"))
    said = tuple(text_of(m) for m in state.get("messages", []) if isinstance(m, HumanMessage))
    return Conversation(thread_id, verified, state.get("product_id"), said or None)


async def before_routing(state: AgentState, context: AgentContext, text: str) -> tuple[str, str] | None:
    """(intent, reply) when this message answers the handoff's question: ``handoff`` (make it),
    ``handoff_said`` (the reply is ready); None to route the message as usual."""
    tools = getattr(context, "tools", None)
    if tools is None:
        return None
    active = await tools.records.handoff_requests.active(thread_of())
    if active is not None and active.contact_state in ("asked", "asked_again"):
        reply = await answer_contact(tools, active, text)
        if reply is not None:
            return "handoff_said", reply
    if state.get("person_offered") and active is None:
        if accepts_offer(text):
            return "handoff", ""
        if declines_offer(text):
            return "handoff_said", NOT_NOW
    return None


def _turn(state: AgentState) -> tuple[list[BaseMessage], int]:
    messages: list[BaseMessage] = list(state.get("messages", []))
    start = state.get("turn_start", 0)
    return messages, start


def _statuses(turn: Sequence[BaseMessage]) -> list[str]:
    found = []
    for message in turn:
        if isinstance(message, ToolMessage):
            try:
                parsed = json.loads(text_of(message))
            except ValueError:
                continue
            if isinstance(parsed, dict) and isinstance(parsed.get("status"), str):
                found.append(parsed["status"])
    return found


async def offer(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    messages, start = _turn(state)
    if not messages or start >= len(messages):
        return {}
    turn = messages[start:]
    handed = any(
        isinstance(m, AIMessage) and any(c["name"] == "transfer_to_human" for c in m.tool_calls) for m in turn
    )
    intent = state.get("requests", {}).get("respond_intent")
    replies = [m for m in turn if isinstance(m, AIMessage) and not m.tool_calls and text_of(m)]
    count = state.get("unhelped_turns", 0)
    now_unhelped = unhelped([text_of(m) for m in replies])
    update: dict[str, Any] = {"unhelped_turns": count + 1 if now_unhelped else 0}
    if handed or intent in ("handoff", "handoff_said") or not replies:
        update["unhelped_turns"] = 0
        return update
    text = text_of(messages[start])
    earlier = [text_of(m) for m in messages[:start] if isinstance(m, HumanMessage)]
    reason = offer_reason(text, earlier, [text_of(m) for m in replies], _statuses(turn), count)
    if reason is None:
        return update
    tools = getattr(runtime.context, "tools", None)
    if tools is not None and await tools.records.handoff_requests.active(thread_of()) is not None:
        return update  # the team has it already
    last = replies[-1]
    note = dict((last.response_metadata or {}).get("bcagent", {}))
    note["offer_person"] = reason
    note["quick_replies"] = list(OFFER_REPLIES)
    update["messages"] = [
        AIMessage(
            content=with_offer(text_of(last), reason),
            id=last.id,
            response_metadata={**(last.response_metadata or {}), "bcagent": note},
            usage_metadata=last.usage_metadata,
        )
    ]
    update["person_offered"] = True
    update["offer_reason"] = reason
    return update
