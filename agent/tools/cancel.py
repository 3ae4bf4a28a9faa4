"""cancel_order, in two steps around the shopper's confirmation.

1. ``propose_cancellation``: the order must pass the identity rules, must not have shipped (not even in
   part), and its status must be one the merchant allows (default: every status before shipping, see
   ``StorePolicy``), within the maximum order age if one is set; with the ``verified_only`` policy the
   shopper must be signed in (a verified Current Customer JWT), an order number and email are not enough;
   with ``email_code`` a shopper who is not signed in is emailed a one-time code at the order's billing
   address (``agent.tools.email_code``) and must type it. The answer carries the confirmation to show:
   order number, items, total and a proposal id bound to this order.
2. ``execute_cancellation``: only with a "yes" that names the same order (and proposal), and under
   ``email_code`` the right code within ten minutes (a wrong one asks again while tries are left). The order is
   read again (an order already cancelled is reported, never written twice, across retries and resumes),
   then ``PUT status_id=5``, then read back: the shopper is told it is done only when BigCommerce shows
   it cancelled. Every outcome is written to the audit log.

The graph's tool wrapper calls LangGraph's ``interrupt()`` between the two steps.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bigcommerce import APIConnectionError, APITimeoutError
from bigcommerce.types.orders import Order

from . import email_code
from .context import Conversation, ToolContext
from .orders import describe_order, verify_order
from .results import CancellationConfirmation, ToolResult, ok, result, store_call

CANCELLED = 5
REASONS = {
    2: "it has already shipped",
    3: "part of it has already shipped",
    10: "it is already completed",
    4: "it has been refunded",
    14: "it has been partly refunded",
    6: "its payment was declined, so it will not be processed",
    13: "it is under a payment dispute",
}
RETURNS = "Once it arrives you can return it under our returns policy, or I can connect you with our team."
HUMAN = "I can connect you with a member of our team who can help."
SIGNED_IN_ONLY = (
    "This store lets signed-in shoppers cancel orders here: sign in to your account on the store and ask "
    f"again. {HUMAN}"
)


def _who_may_cancel(ctx: ToolContext, conversation: Conversation) -> ToolResult | None:
    """The merchant's "who may cancel": ``verified_only`` refuses a shopper who is not signed in;
    ``email_code`` refuses one while the store cannot send email (never a silent ``order_and_email``)."""
    if ctx.policy.who_may_cancel == "verified_only" and conversation.verified_customer is None:
        return result("refused", SIGNED_IN_ONLY)
    if email_code.needs_code(ctx, conversation) and not email_code.can_send(ctx):
        return result("refused", email_code.NO_EMAIL, offer_human=True)
    return None


def proposal_id(conversation: Conversation, order: Order) -> str:
    """Binds a confirmation to one conversation, one order, and the order as it was when proposed."""
    created = order.date_created.isoformat() if order.date_created else ""
    seed = f"{conversation.thread_id}|{order.id}|{created}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def _refusal(ctx: ToolContext, order: Order) -> ToolResult | None:
    status = order.status_id if order.status_id is not None else -1
    label = order.custom_status or order.status or "its current status"
    if status in REASONS:
        next_step = RETURNS if status in (2, 3, 10) else HUMAN
        return result(
            "refused", f"Order #{order.id} can't be cancelled because {REASONS[status]}. {next_step}"
        )
    if (order.items_shipped or 0) > 0:
        return result(
            "refused", f"Order #{order.id} can't be cancelled because part of it has shipped. {RETURNS}"
        )
    if status not in ctx.policy.cancellable_status_ids:
        return result("refused", f"Order #{order.id} can't be cancelled while it is {label}. {HUMAN}")
    limit = ctx.policy.max_order_age_days
    if limit is not None and order.date_created and ctx.clock() - order.date_created > timedelta(days=limit):
        return result(
            "refused",
            f"Order #{order.id} is more than {limit} days old, so it can't be cancelled here. {HUMAN}",
        )
    return None


@store_call
async def propose_cancellation(
    ctx: ToolContext, conversation: Conversation, order_id: object = None, email: object = None
) -> ToolResult:
    refusal = _who_may_cancel(ctx, conversation)
    if refusal is not None:
        return refusal
    verified = await verify_order(ctx, conversation, order_id, email, fresh=True)  # policy on a fresh read
    if verified.order is None:
        assert verified.refusal is not None
        return verified.refusal
    order = verified.order
    if order.status_id == CANCELLED:
        return ok(f"Order #{order.id} is already cancelled.", order_id=order.id, cancelled=True)
    refusal = _refusal(ctx, order)
    if refusal is not None:
        await ctx.records.audit(
            ctx.store_hash, conversation.thread_id, "cancel_order", "refused", order.id, order.status
        )
        return refusal
    sent: email_code.CodeSent | None = None
    if email_code.needs_code(ctx, conversation):
        code_outcome = await email_code.send_code(ctx, conversation, order, email_code.CANCEL)
        if not isinstance(code_outcome, email_code.CodeSent):
            return code_outcome
        sent = code_outcome
    details = await describe_order(ctx, order)
    items = [
        f"{i['quantity']} x {i['name']}" + (f" ({i['options']})" if i["options"] else "")
        for i in details["items"]
    ]
    confirmation: CancellationConfirmation = {
        "type": "confirm_cancellation",
        "order_id": details["order_id"],
        "proposal_id": proposal_id(conversation, order),
        "items": items,
        "total": details["total"],
        "question": f"Cancel order #{order.id} ({len(items)} item(s), {details['total']})? This cannot be undone.",
    }
    if sent is not None:
        summary = f"{len(items)} item(s), {details['total']}"
        confirmation["question"] = email_code.question(email_code.CANCEL, int(order.id or 0), summary, sent)
        confirmation["verify"] = "email_code"
        confirmation["sent_to"] = sent.to
        confirmation["tries_left"] = sent.tries_left
    await ctx.records.audit(
        ctx.store_hash, conversation.thread_id, "cancel_order", "proposed", order.id, order.status
    )
    return result("confirm", confirmation["question"], confirmation=confirmation)


def confirmed(answer: object, confirmation: Mapping[str, Any]) -> bool:
    """A clear yes, for this very order and proposal: ``{"confirm": true, "order_id": N, "proposal_id": P}``
    (a bare True or "yes" counts for the proposal it answers)."""
    if answer is True:
        return True
    if isinstance(answer, str):
        return answer.strip().lower() in ("yes", "y", "confirm")
    if not isinstance(answer, dict) or answer.get("confirm") is not True:
        return False
    if str(answer.get("order_id")) != str(confirmation["order_id"]):
        return False
    given = answer.get("proposal_id")
    return given is None or given == confirmation["proposal_id"]


async def _read_back(ctx: ToolContext, order_id: int) -> Order | None:
    try:
        return await ctx.client.orders.get(order_id)
    except (APIConnectionError, APITimeoutError):
        return None


async def _abandon(ctx: ToolContext, conversation: Conversation, order_id: int) -> ToolResult:
    await ctx.records.audit(ctx.store_hash, conversation.thread_id, "cancel_order", "abandoned", order_id)
    return result(
        "refused", f"Okay, I have not cancelled order #{order_id}. It stays as it is.", order_id=order_id
    )


@store_call
async def execute_cancellation(
    ctx: ToolContext,
    conversation: Conversation,
    confirmation: CancellationConfirmation,
    answer: object,
    answer_index: int = 0,
) -> ToolResult:
    """The shopper's ``answer`` to ``confirmation`` (the ``answer_index``-th answer to it: LangGraph
    replays the earlier ones when the tool re-runs, and an emailed code's wrong tries count once)."""
    order_id = int(confirmation["order_id"])
    audit = ctx.records.audit
    if confirmation.get("verify") == "email_code":
        yes = confirmed(answer, confirmation)
        step = await email_code.check_answer(
            ctx, conversation, email_code.CANCEL, confirmation, answer, answer_index, yes
        )
        if isinstance(step, email_code.Declined):
            return await _abandon(ctx, conversation, order_id)
        if isinstance(step, email_code.Retry):
            return result("confirm", step.question, confirmation=step.asked_again(confirmation))
        if step is not None:
            return step
    elif not confirmed(answer, confirmation):
        return await _abandon(ctx, conversation, order_id)
    elif email_code.needs_code(ctx, conversation):  # the merchant chose email_code since the proposal
        await audit(
            ctx.store_hash, conversation.thread_id, "cancel_order", "refused", order_id, detail="code needed"
        )
        return result(
            "refused",
            f"This store now confirms cancellations with a code sent by email, so I have not cancelled order "
            f"#{order_id}. Ask me again and I will send you one.",
            order_id=order_id,
        )
    signed_out = _who_may_cancel(ctx, conversation)  # the policy may have changed since the proposal
    if signed_out is not None:
        await audit(
            ctx.store_hash,
            conversation.thread_id,
            "cancel_order",
            "refused",
            order_id,
            detail="not signed in",
        )
        return signed_out
    state = await ctx.conversation_state(conversation)
    if order_id not in state.verified_orders:
        await audit(
            ctx.store_hash, conversation.thread_id, "cancel_order", "refused", order_id, detail="not verified"
        )
        return result("refused", "I can only cancel an order you have verified in this conversation.")
    order = await ctx.client.orders.get(order_id)
    before = order.status
    if order.status_id == CANCELLED:
        await audit(
            ctx.store_hash,
            conversation.thread_id,
            "cancel_order",
            "already_cancelled",
            order_id,
            before,
            before,
        )
        return ok(f"Order #{order_id} is cancelled.", order_id=order_id, cancelled=True)
    if proposal_id(conversation, order) != confirmation["proposal_id"] or _refusal(ctx, order) is not None:
        await audit(
            ctx.store_hash,
            conversation.thread_id,
            "cancel_order",
            "refused",
            order_id,
            before,
            detail="changed",
        )
        return result(
            "refused", f"Order #{order_id} changed since I asked, so I have not cancelled it. {HUMAN}"
        )
    await ctx.orders.forget(order_id)  # written now: no conversation answers from a copy read before
    with contextlib.suppress(APIConnectionError, APITimeoutError):
        await ctx.client.orders.update_status(order_id, CANCELLED)  # landed or not: the read-back decides
    after = await _read_back(ctx, order_id)
    if after is not None and after.status_id == CANCELLED:
        await audit(
            ctx.store_hash,
            conversation.thread_id,
            "cancel_order",
            "cancelled",
            order_id,
            before,
            after.status,
        )
        return ok(
            f"Order #{order_id} is now cancelled.",
            order_id=order_id,
            cancelled=True,
            order_status=after.status,
        )
    await audit(
        ctx.store_hash,
        conversation.thread_id,
        "cancel_order",
        "failed",
        order_id,
        before,
        after.status if after else None,
    )
    return result(
        "unavailable",
        f"I couldn't confirm that order #{order_id} was cancelled. Please try again in a minute, or I can connect "
        "you with our team.",
    )
