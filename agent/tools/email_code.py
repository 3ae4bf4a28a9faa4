"""The ``email_code`` policy: a one-time code emailed to the order's billing address proves the shopper
reads that inbox, which an order number and an email typed in a chat do not.

``send_code`` runs when a cancellation is proposed: it keeps a new 6-digit code (``secrets``, hashed in
``agent.persistence.email_codes``) and emails it through the handoff's SMTP settings
(``BCAGENT_SMTP_URL``), unless a code is already kept for this conversation and order. LangGraph
re-runs the tool from its start when the shopper answers, so a re-run sends nothing: one email per
confirmation. ``check_code`` compares the shopper's answer: ten minutes, three tries. The code itself
appears in the email only: never in a reply, a log line, an audit detail or a transcript.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from dataclasses import dataclass
from email.message import EmailMessage

from bigcommerce.types.orders import Order

from ..notify.email import EmailFailed, SmtpSender
from ..persistence.email_codes import Check
from .context import Conversation, ToolContext
from .inputs import email_address, mask_email
from .results import ToolResult, result

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_MINUTES = 10
CODE_TRIES = 3
HUMAN = "I can connect you with a member of our team who can help."
NO_EMAIL = (
    "This store confirms cancellations with a code sent by email, and email is not set up right now, so I "
    f"can't cancel orders here. {HUMAN}"
)
CODE_IN_TEXT = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})(?![\d-])")


def code_in(text: str) -> str | None:
    """The 6-digit code in a shopper's message ("123456", "123 456", "my code is 123-456"), if one."""
    found = CODE_IN_TEXT.search(text)
    return found.group(1) + found.group(2) if found else None


def without_code(text: str) -> str:
    """The message as a transcript may keep it: any 6-digit code masked."""
    return CODE_IN_TEXT.sub("******", text)


def can_send(ctx: ToolContext) -> bool:
    return bool(ctx.handoff.smtp_url)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


@dataclass(frozen=True)
class CodeSent:
    """A code waiting for the shopper: where it went (masked) and how long it has left."""

    to: str
    minutes_left: int
    tries_left: int


def _billing_email(order: Order) -> str | None:
    return email_address(order.billing_address.email if order.billing_address else None)


def _message(ctx: ToolContext, sender: SmtpSender, to: str, order_id: int, code: str) -> EmailMessage:
    store = ctx.connection.name or "the store"
    text = (
        f"Your code to cancel order #{order_id} at {store} is {code}\n\n"
        f"Type it in the chat to confirm the cancellation. It expires in {CODE_MINUTES} minutes.\n\n"
        "If you did not ask to cancel this order, ignore this email: nothing changes without the code, "
        "and no one from the store will ask you for it.\n"
    )
    return sender.message(to, f"Your code to cancel order #{order_id}", text)


async def send_code(ctx: ToolContext, conversation: Conversation, order: Order) -> CodeSent | ToolResult:
    """Email a code for cancelling ``order`` to its billing address, or find the one already sent; a
    refusal (offering a person) when there is no address or the email cannot be sent."""
    order_id = int(order.id or 0)
    codes = ctx.records.email_codes
    now = ctx.clock().timestamp()
    to = _billing_email(order)
    if not can_send(ctx) or to is None:
        return result("refused", NO_EMAIL, offer_human=True, order_id=order_id)
    kept = await codes.find(conversation.thread_id, order_id)
    if kept is not None:
        if kept.expired(now):  # asked long ago, or answered after it expired: the answer is refused
            await codes.delete(conversation.thread_id, order_id)
            await ctx.records.audit(
                ctx.store_hash,
                conversation.thread_id,
                "cancel_order",
                "refused",
                order_id,
                detail="code expired",
            )
            return expired(order_id)
        minutes = max(1, math.ceil((kept.expires_at - now) / 60))
        return CodeSent(mask_email(to), minutes, kept.tries_left)
    code = new_code()
    kept_now = await codes.issue(
        conversation.thread_id, order_id, code, expires_at=now + CODE_MINUTES * 60, tries=CODE_TRIES
    )
    if not kept_now:  # another run of this step kept one a moment ago: that one was (or is being) sent
        return CodeSent(mask_email(to), CODE_MINUTES, CODE_TRIES)
    assert ctx.handoff.smtp_url is not None
    try:
        sender = SmtpSender.from_url(ctx.handoff.smtp_url, ctx.handoff.email_from, timeout=15.0)
        await sender.send(_message(ctx, sender, to, order_id, code))
    except (EmailFailed, ValueError) as exc:
        await codes.delete(conversation.thread_id, order_id)
        log.warning("The cancellation code for order %s was not emailed: %s", order_id, exc)
        await ctx.records.audit(
            ctx.store_hash,
            conversation.thread_id,
            "cancel_order",
            "failed",
            order_id,
            detail="code not emailed",
        )
        return result(
            "unavailable",
            f"I couldn't send the confirmation code to the order's email address just now, so I can't cancel "
            f"order #{order_id} here. {HUMAN}",
            offer_human=True,
            order_id=order_id,
        )
    log.info("Emailed a cancellation code for order %s to %s", order_id, mask_email(to))
    return CodeSent(mask_email(to), CODE_MINUTES, CODE_TRIES)


def expired(order_id: int) -> ToolResult:
    return result(
        "refused",
        f"The code I emailed has expired (codes last {CODE_MINUTES} minutes), so I have not cancelled order "
        f"#{order_id}. Ask me again to get a new code, or {HUMAN[0].lower()}{HUMAN[1:]}",
        offer_human=True,
        order_id=order_id,
    )


async def check_code(
    ctx: ToolContext, conversation: Conversation, order_id: int, code: str, answer_index: int
) -> Check:
    return await ctx.records.email_codes.check(
        conversation.thread_id, order_id, code, now=ctx.clock().timestamp(), answer_index=answer_index
    )


def question(order_id: int, summary: str, sent: CodeSent) -> str:
    return (
        f"To cancel order #{order_id} ({summary}), type the {CODE_DIGITS}-digit code I emailed to {sent.to}. "
        f"It expires in {sent.minutes_left} minute{'s' if sent.minutes_left != 1 else ''}. "
        "This cannot be undone; say no to keep the order."
    )


def wrong_code_question(order_id: int, tries_left: int, to: str) -> str:
    tries = f"{tries_left} {'try' if tries_left == 1 else 'tries'}"
    return (
        f"That code is not right, so order #{order_id} is not cancelled. You have {tries} left: type the "
        f"{CODE_DIGITS}-digit code from the email sent to {to}, or say no to keep the order."
    )


def ask_for_code(order_id: int, to: str) -> str:
    return (
        f"To cancel order #{order_id}, type the {CODE_DIGITS}-digit code from the email sent to {to}, or say "
        "no to keep the order."
    )


def too_many_tries(order_id: int) -> ToolResult:
    return result(
        "refused",
        f"That code is not right, and that was the last try, so I have not cancelled order #{order_id}. {HUMAN}",
        offer_human=True,
        order_id=order_id,
    )


def no_code(order_id: int) -> ToolResult:
    return result(
        "refused",
        f"There is no code waiting for order #{order_id} any more, so I have not cancelled it. Ask me again "
        f"to get a new code, or {HUMAN[0].lower()}{HUMAN[1:]}",
        offer_human=True,
        order_id=order_id,
    )
