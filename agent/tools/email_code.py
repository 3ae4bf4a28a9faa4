"""The ``email_code`` policy: a one-time code emailed to the order's billing address proves the shopper
reads that inbox, which an order number and an email typed in a chat do not. It guards cancelling an
order and changing its shipping address (``CANCEL``, ``ADDRESS``), for shoppers who are not signed in.

``send_code`` runs when the change is proposed: it keeps a new 6-digit code (``secrets``, hashed in
``agent.persistence.email_codes``) and emails it through the handoff's SMTP settings
(``BCAGENT_SMTP_URL``), unless a code is already kept for this conversation, order and action.
LangGraph re-runs the tool from its start when the shopper answers, so a re-run sends nothing: one
email per confirmation. ``check_answer`` reads the shopper's answer: ten minutes, three tries, a wrong
code asks again (``Retry``). The code itself appears in the email only: never in a reply, a log line,
an audit detail or a transcript.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, TypeVar, cast

from bigcommerce.types.orders import Order

from ..notify.email import EmailFailed, SmtpSender
from .context import Conversation, ToolContext
from .inputs import email_address, mask_email
from .results import ToolResult, result

log = logging.getLogger(__name__)
C = TypeVar("C", bound=Mapping[str, Any])  # a confirmation (cancellation or address change)

CODE_DIGITS = 6
CODE_MINUTES = 10
CODE_TRIES = 3
HUMAN = "I can connect you with a member of our team who can help."
ASK_AGAIN = "Ask me again to get a new code, or I can connect you with a member of our team."
NO_EMAIL = (
    "This store confirms order changes with a code sent by email, and email is not set up right now, so I "
    f"can't make them here. {HUMAN}"
)
CODE_IN_TEXT = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})(?![\d-])")


@dataclass(frozen=True)
class Action:
    """What a code allows: the tool (the audit's action), the code's purpose, and the words for it."""

    tool: str
    purpose: str
    what: str  # "cancel order #{id}"
    not_done: str  # "I have not cancelled order #{id}"

    def doing(self, order_id: int) -> str:
        return self.what.format(id=order_id)

    def refused(self, order_id: int) -> str:
        return self.not_done.format(id=order_id)


CANCEL = Action("cancel_order", "cancel", "cancel order #{id}", "I have not cancelled order #{id}")
ADDRESS = Action(
    "change_shipping_address",
    "address",
    "change the shipping address of order #{id}",
    "I have not changed the address of order #{id}",
)


def code_in(text: str) -> str | None:
    """The 6-digit code in a shopper's message ("123456", "123 456", "my code is 123-456"), if one."""
    found = CODE_IN_TEXT.search(text)
    return found.group(1) + found.group(2) if found else None


def without_code(text: str) -> str:
    """The message as a transcript may keep it: any 6-digit code masked."""
    return CODE_IN_TEXT.sub("******", text)


def given_code(answer: object) -> str | None:
    """The code an answer carries: ``{"confirm": true, "code": "123456", ...}`` (or a bare "123456")."""
    if isinstance(answer, dict):
        code = answer.get("code")
        return code_in(code) if isinstance(code, str) else None
    return code_in(answer) if isinstance(answer, str) else None


def can_send(ctx: ToolContext) -> bool:
    return ctx.code_mailer is not None or bool(ctx.handoff.smtp_url)


def needs_code(ctx: ToolContext, conversation: Conversation) -> bool:
    """Whether a change needs an emailed code: ``email_code``, for a shopper who is not signed in (a
    signed-in owner is vouched for by the storefront, as under ``verified_only``)."""
    return ctx.policy.who_may_cancel == "email_code" and conversation.verified_customer is None


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


@dataclass(frozen=True)
class CodeSent:
    """A code waiting for the shopper: where it went (masked) and how long it has left."""

    to: str
    minutes_left: int
    tries_left: int


@dataclass(frozen=True)
class Retry:
    """Ask again: the question to show and the tries left."""

    question: str
    tries_left: int

    def asked_again(self, confirmation: C) -> C:
        """``confirmation`` as it is asked again: this question, these tries left."""
        return cast(C, {**confirmation, "question": self.question, "tries_left": self.tries_left})


@dataclass(frozen=True)
class Declined:
    """The shopper said no (or moved on): the caller abandons as it does without a code."""


DECLINED = Declined()


def _billing_email(order: Order) -> str | None:
    return email_address(order.billing_address.email if order.billing_address else None)


async def _send(ctx: ToolContext, action: Action, to: str, order_id: int, code: str) -> None:
    """Email the code (EmailFailed, ValueError: it was not sent)."""
    smtp_url = ctx.handoff.smtp_url
    sender = SmtpSender.from_url(smtp_url, ctx.handoff.email_from, timeout=15.0) if smtp_url else None
    message = _message(
        ctx, sender or SmtpSender("localhost", 25, "bcagent@localhost"), action, to, order_id, code
    )
    if ctx.code_mailer is not None:
        await ctx.code_mailer(message)
    elif sender is not None:
        await sender.send(message)


def _message(
    ctx: ToolContext, sender: SmtpSender, action: Action, to: str, order_id: int, code: str
) -> EmailMessage:
    store = ctx.connection.name or "the store"
    doing = action.doing(order_id)
    text = (
        f"Your code to {doing} at {store} is {code}\n\n"
        f"Type it in the chat to confirm. It expires in {CODE_MINUTES} minutes.\n\n"
        f"If you did not ask to {doing}, ignore this email: nothing changes without the code, and no one "
        "from the store will ask you for it.\n"
    )
    return sender.message(to, f"Your code to {doing}", text)


async def _audit(
    ctx: ToolContext, conversation: Conversation, action: Action, outcome: str, order_id: int, detail: str
) -> None:
    await ctx.records.audit(
        ctx.store_hash, conversation.thread_id, action.tool, outcome, order_id, detail=detail
    )


async def send_code(
    ctx: ToolContext, conversation: Conversation, order: Order, action: Action = CANCEL
) -> CodeSent | ToolResult:
    """Email a code for ``action`` on ``order`` to its billing address, or find the one already sent; a
    refusal (offering a person) when there is no address, the code expired, or the email cannot be sent."""
    order_id = int(order.id or 0)
    codes, thread, purpose = ctx.records.email_codes, conversation.thread_id, action.purpose
    now = ctx.clock().timestamp()
    to = _billing_email(order)
    if not can_send(ctx) or to is None:
        return result("refused", NO_EMAIL, offer_human=True, order_id=order_id)
    kept = await codes.find(thread, order_id, purpose)
    if kept is not None:
        if kept.expired(now):  # asked long ago, or answered after it expired: the answer is refused
            await codes.delete(thread, order_id, purpose)
            await _audit(ctx, conversation, action, "refused", order_id, "code expired")
            return expired(action, order_id)
        minutes = max(1, math.ceil((kept.expires_at - now) / 60))
        return CodeSent(mask_email(to), minutes, kept.tries_left)
    code = new_code()
    expires_at = now + CODE_MINUTES * 60
    if not await codes.issue(
        thread, order_id, code, expires_at=expires_at, tries=CODE_TRIES, purpose=purpose
    ):
        return CodeSent(mask_email(to), CODE_MINUTES, CODE_TRIES)  # another run kept (and sends) one
    try:
        await _send(ctx, action, to, order_id, code)
    except (EmailFailed, ValueError) as exc:
        await codes.delete(thread, order_id, purpose)
        log.warning("The %s code for order %s was not emailed: %s", action.purpose, order_id, exc)
        await _audit(ctx, conversation, action, "failed", order_id, "code not emailed")
        return result(
            "unavailable",
            f"I couldn't send the confirmation code to the order's email address just now, so I can't "
            f"{action.doing(order_id)} here. {HUMAN}",
            offer_human=True,
            order_id=order_id,
        )
    log.info("Emailed a %s code for order %s to %s", action.purpose, order_id, mask_email(to))
    return CodeSent(mask_email(to), CODE_MINUTES, CODE_TRIES)


def question(action: Action, order_id: int, summary: str, sent: CodeSent) -> str:
    minutes = f"{sent.minutes_left} minute{'s' if sent.minutes_left != 1 else ''}"
    return (
        f"To {action.doing(order_id)} ({summary}), type the {CODE_DIGITS}-digit code I emailed to "
        f"{sent.to}. It expires in {minutes}. Say no to leave the order as it is."
    )


def expired(action: Action, order_id: int) -> ToolResult:
    return result(
        "refused",
        f"The code I emailed has expired (codes last {CODE_MINUTES} minutes), so {action.refused(order_id)}. "
        + ASK_AGAIN,
        offer_human=True,
        order_id=order_id,
    )


async def check_answer(
    ctx: ToolContext,
    conversation: Conversation,
    action: Action,
    confirmation: Mapping[str, Any],
    answer: object,
    answer_index: int,
    confirmed: bool,
) -> Retry | Declined | ToolResult | None:
    """The ``email_code`` step of an answer (``confirmed``: it is a yes for this order and proposal):
    None when it carries the right code; ``Retry`` for a yes without the code or a wrong code with
    tries left; ``DECLINED`` for a no (or a new question: the code is dropped, the caller abandons as
    usual); else the refusal (the last wrong try, an expired code)."""
    order_id = int(confirmation["order_id"])
    code = given_code(answer)
    sent_to = str(confirmation.get("sent_to") or "the order's email address")
    if code is None and confirmed:  # "yes", but no code
        return Retry(
            f"To {action.doing(order_id)}, type the {CODE_DIGITS}-digit code from the email sent to "
            f"{sent_to}, or say no to leave the order as it is.",
            int(confirmation.get("tries_left") or CODE_TRIES),
        )
    if code is None or (isinstance(answer, dict) and not confirmed):
        await ctx.records.email_codes.delete(conversation.thread_id, order_id, action.purpose)
        return DECLINED
    now = ctx.clock().timestamp()
    check = await ctx.records.email_codes.check(
        conversation.thread_id, order_id, code, now=now, answer_index=answer_index, purpose=action.purpose
    )
    if check.outcome == "right":
        return None
    if check.outcome == "wrong":
        if not check.replayed:  # counted now (not an earlier answer replayed as the tool re-runs)
            await _audit(ctx, conversation, action, "wrong_code", order_id, f"tries left: {check.tries_left}")
        tries = f"{check.tries_left} {'try' if check.tries_left == 1 else 'tries'}"
        return Retry(
            f"That code is not right, so {action.refused(order_id)}. You have {tries} left: type the "
            f"{CODE_DIGITS}-digit code from the email sent to {sent_to}, or say no to leave the order as it is.",
            check.tries_left,
        )
    details = {"exhausted": "wrong code, no tries left", "expired": "code expired", "missing": "no code"}
    await _audit(ctx, conversation, action, "refused", order_id, details[check.outcome])
    if check.outcome == "expired":
        return expired(action, order_id)
    if check.outcome == "exhausted":
        message = f"That code is not right, and that was the last try, so {action.refused(order_id)}. {HUMAN}"
    else:
        message = (
            f"There is no code waiting for order #{order_id} any more, so {action.refused(order_id)}. "
            + ASK_AGAIN
        )
    return result("refused", message, offer_human=True, order_id=order_id)
