"""Direct replies that need no store data: greetings, thanks, goodbyes, out-of-scope questions,
attempts to get at the prompt or the token, clarifying questions, and handing off to a person."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from ..context import AgentContext
from ..handoff.offer import accepts_offer
from ..models.gloss import mostly_foreign
from ..models.offer import PERSON, can_do, cannot_help
from ..models.offline import text_of
from ..tools.context import Conversation
from ..tools.handoff import transfer_to_human
from ..tools.provenance import handoff_summary

WHAT_CAN_YOU_DO = re.compile(
    r"\bwhat (?:can|do|else can) (?:you|u)(?: (?:even|actually|really|guys))? (?:do|help)|"
    r"\bhow can (?:you|u) help\b|\bwhat are (?:you|u) for\b",
    re.I,
)
ARE_YOU_A_BOT = re.compile(
    r"\b(?:are|r)\s+(?:you|u|ya)\s+(?:a\s+|an\s+)?(?:real\s+)?(?:bot|robot|ai|chat\s?bot|human|person|persn|"
    r"machine|computer)\b|\b(?:am\s+i|is\s+this)\s+(?:talking|chatting|speaking)\s+(?:to|with)\s+(?:a\s+)?"
    r"(?:bot|robot|human|person|real)",
    re.IGNORECASE,
)
THANKED = re.compile(r"\b(?:thanks?|thank (?:you|u)|thx|ty|tysm|cheers|appreciate)\b|🙏", re.IGNORECASE)
CHANGE_AN_ORDER = re.compile(
    r"\b(?:mark|set|change|make|update)\b.{0,40}\b(?:refunded|paid|shipped|delivered|free)\b", re.IGNORECASE
)
CLARIFY = "I'm not sure I understood. Is this about an order, a product, or a discount or gift code?"


async def handoff_messages(
    context: AgentContext,
    conversation: Conversation,
    text: str,
    messages: Sequence[BaseMessage] = (),
    reason: str | None = None,
) -> list[BaseMessage]:
    """A request for a person, answered by the router, recorded like a subgraph's ``transfer_to_human``
    call: the call, its result and the reply, so evals and transcripts see every handoff the same way.
    The summary is the shopper's own words: this message, or, for a "yes" to the offer of a person, their
    recent messages before it."""
    summary = text
    if reason is not None and accepts_offer(text):
        words = [m for m in messages if not (isinstance(m, HumanMessage) and accepts_offer(text_of(m)))]
        summary = handoff_summary(words, fallback=text) or text
    args = {"summary": summary, "reason": reason or "the shopper asked for a person"}
    outcome = await transfer_to_human(context.tools, conversation, **args, messages=messages)
    call_id = f"call_handoff_{uuid.uuid4().hex[:12]}"
    return [
        AIMessage(content="", tool_calls=[{"name": "transfer_to_human", "args": args, "id": call_id}]),
        ToolMessage(content=json.dumps(outcome), name="transfer_to_human", tool_call_id=call_id),
        AIMessage(content=str(outcome["message"])),
    ]


async def direct_reply(context: AgentContext, conversation: Conversation, intent: str, text: str) -> str:
    store = context.store_name
    tools = getattr(context, "tools", None)
    enabled = tools.enabled() if tools is not None else None  # only what is on for this store
    abilities = can_do(enabled)
    if not text.strip():
        return f"How can I help? {abilities}"
    if WHAT_CAN_YOU_DO.search(text):
        return f"{abilities} What would you like to know?"
    if ARE_YOU_A_BOT.search(text) and intent not in ("handoff", "handoff_said"):
        return f"I'm {store}'s automated assistant, not a person. {abilities}"
    if mostly_foreign(text) and intent not in ("greeting", "thanks", "goodbye"):
        return f"Sorry, I can only help in English for now. {abilities}"
    if intent == "greeting":
        return f"Hi! Welcome to {store}. {can_do(enabled, person=False)}"
    if intent == "declined":
        return "No problem. Is there anything else I can help with?"
    if intent == "thanks":
        return "You're welcome! Is there anything else I can help with?"
    if intent == "goodbye":
        welcome = "You're welcome! " if THANKED.search(text) else ""
        return f"{welcome}Thanks for visiting {store}. Goodbye!"
    if intent == "prompt_attack" and CHANGE_AN_ORDER.search(text):
        return (
            "I can't change an order's status or payment, or record a refund. If something is wrong with an "
            "order, I can connect you with a member of our team: just ask for a person."
        )
    if intent == "prompt_attack":
        return f"I can't help with that, and I can't share internal instructions, keys or other shoppers' details. {can_do(enabled, person=False)}"
    if intent == "out_of_scope":
        return cannot_help(enabled)
    return f"{CLARIFY} {PERSON}"
