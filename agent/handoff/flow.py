"""Making a handoff and settling the contact the team replies to.

``make_handoff`` records the request with the shopper's own words, the facts the assistant found (order
numbers, the product), the conversation as it stood (only what the shopper typed and what the assistant
replied: no tool output), and a contact: the verified email when there is one (the storefront's signed-in
shopper, or the email that matched an order in this conversation), else the shopper is asked. Delivery
waits a little for the answer (``CONTACT_WAIT_SECONDS``) and goes at once when the contact is settled:
given, declined, or not an email twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from ..persistence.handoffs import Handoff
from ..tools.context import Conversation, ToolContext
from . import delivery
from .hours import parse_hours, reply_sentence

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
ASK_CONTACT = "What email should our team reply to? You can also stay here."
ASK_AGAIN = (
    "That doesn't look like an email address. What email should our team reply to? "
    "(Or say no, and they'll reply here.)"
)
DECLINE = re.compile(
    r"^\s*(?:no|nope|nah|no thanks?|no thank you|skip|stay here|i'?ll stay|here is fine|here|"
    r"(?:i'?d )?rather not|don'?t have one|none)\b",
    re.I,
)
ORDER_TOOLS = ("get_order_information", "cancel_order")
MAX_TRANSCRIPT = 60
MAX_TEXT = 2000


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def transcript_of(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    """What the shopper typed and what the assistant replied, oldest first (tool calls and tool results,
    which may hold text the store did not write, are left out)."""
    said: list[dict[str, str]] = []
    for message in messages:
        if isinstance(message, HumanMessage):
            said.append({"role": "shopper", "text": _text(message)[:MAX_TEXT]})
        elif isinstance(message, AIMessage) and not message.tool_calls and _text(message).strip():
            said.append({"role": "assistant", "text": _text(message)[:MAX_TEXT]})
    return said[-MAX_TRANSCRIPT:]


def facts_of(messages: Sequence[BaseMessage], product_id: int | None = None) -> dict[str, Any]:
    """What the assistant already found: the order numbers and products the tools were asked about."""
    orders: list[str] = []
    products: list[str] = []
    for message in messages:
        if not isinstance(message, AIMessage):
            continue
        for call in message.tool_calls:
            args = call.get("args") or {}
            if call["name"] in ORDER_TOOLS and args.get("order_id"):
                value = str(args["order_id"]).lstrip("#").strip()
                if value.isdigit() and value not in orders:
                    orders.append(value)
            if call["name"] == "get_product_information":
                value = str(args.get("product") or args.get("product_id") or args.get("name") or "").strip()
                if value and value not in products:
                    products.append(value[:120])
    facts: dict[str, Any] = {}
    if orders:
        facts["order_numbers"] = orders
    if products:
        facts["products"] = products
    if product_id:
        facts["page_product_id"] = product_id
    return facts


async def known_contact(ctx: ToolContext, conversation: Conversation) -> str | None:
    if conversation.verified_customer is not None:
        return conversation.verified_customer.email
    state = await ctx.conversation_state(conversation)
    return state.bound_email  # the email that matched an order in this conversation


def when_the_team_replies(ctx: ToolContext) -> str:
    settings = ctx.handoff
    hours = parse_hours(settings.business_hours, settings.reply_hours) if settings.business_hours else None
    return reply_sentence(hours, ctx.clock())


@dataclass(frozen=True)
class Made:
    handoff: Handoff
    reply: str


async def make_handoff(
    ctx: ToolContext,
    conversation: Conversation,
    summary: str,
    reason: str | None,
    messages: Sequence[BaseMessage] = (),
) -> Made:
    """Record the handoff, queue its delivery, and say what happens next."""
    email = await known_contact(ctx, conversation)
    handoff = await ctx.records.handoff_requests.add(
        ctx.store_hash,
        conversation.thread_id,
        summary,
        reason,
        contact_email=email,
        contact_state="verified" if email else "asked",
        facts=facts_of(messages, conversation.product_id),
        transcript=transcript_of(messages),
    )
    await delivery.enqueue_handoff(ctx.records, ctx.handoff, handoff, wait_for_contact=email is None)
    reply = f"I've passed this to our team (request #{handoff.id}). {when_the_team_replies(ctx)}"
    if email:
        reply += f" They'll reply to {mask(email)}, and here if this chat is open."
    else:
        reply += f" {ASK_CONTACT}"
    return Made(handoff, reply)


def mask(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


async def answer_contact(ctx: ToolContext, handoff: Handoff, text: str) -> str | None:
    """The shopper's answer to "What email should our team reply to?"; the reply, or None when the
    message is a new question (the contact is then left out and the question answered as usual)."""
    desk = ctx.records.handoff_requests
    found = EMAIL.search(text)
    if found:
        email = found.group(0)
        await desk.set_contact(handoff.id, "given", email)
        await ctx.records.outbox.due_now(handoff.id, "handoff.created")
        return f"Thanks! Our team will reply to {email}, and here if this chat is open."
    if DECLINE.search(text):
        await desk.set_contact(handoff.id, "declined")
        await ctx.records.outbox.due_now(handoff.id, "handoff.created")
        return "No problem: our team will reply here in this chat. You can close it and come back later."
    if "@" not in text and len(text.split()) > 3:
        await desk.set_contact(handoff.id, "declined")
        await ctx.records.outbox.due_now(handoff.id, "handoff.created")
        return None
    if handoff.contact_state == "asked":
        await desk.set_contact(handoff.id, "asked_again")
        return ASK_AGAIN
    await desk.set_contact(handoff.id, "declined")
    await ctx.records.outbox.due_now(handoff.id, "handoff.created")
    return "I still can't read an email address there, so our team will reply here in this chat."
