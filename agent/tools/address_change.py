"""change_shipping_address, in two steps around the shopper's confirmation, with cancel_order's safety.

1. ``propose_address_change``: the order passes the identity rules (order number + billing email, or a
   signed-in owner), has not shipped (not even in part), and is in a status the merchant allows (the
   cancellable statuses by default); the new address has a street, a city and a ZIP or postal code. The
   answer carries the confirmation: old and new address side by side and a proposal id bound to this
   conversation, order, address and the new address itself.
2. ``execute_address_change``: only with a "yes" for the same order and proposal. The order is read again
   (shipped since? refused), an address already equal to the new one is reported as done (idempotent
   across retries), else ``PUT /v2/orders/{id}/shipping_addresses/{address_id}`` and the address is read
   back: the shopper is told it is done only when BigCommerce shows the new address. Every outcome is
   audited. BigCommerce does not recompute shipping cost or tax after the change (said to the shopper
   when the country changes: a person must check it).

The merchant's "who may cancel" decides who may change an address too: ``verified_only`` refuses a
shopper who is not signed in, ``email_code`` emails a one-time code to the order's billing address
(``agent.tools.email_code``) that must be typed to confirm.

The tool is off without Orders modify, and the merchant can switch it off
(``bcagent tools disable change_shipping_address``).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping

from bigcommerce import APIConnectionError, APITimeoutError
from bigcommerce.types.orders import Order, ShippingAddress, ShippingAddressUpdate

from . import email_code
from .cancel import REASONS, confirmed
from .context import Conversation, ToolContext
from .orders import verify_order
from .results import AddressConfirmation, ToolResult, ok, result, store_call
from .where_we_ship import find_place

FIELDS = ("street_1", "street_2", "city", "state", "zip", "country")
REQUIRED = ("street_1", "city", "zip")
HUMAN = "I can connect you with a member of our team who can help."
SIGNED_IN_ONLY = (
    "This store lets signed-in shoppers change an order's address here: sign in to your account on the store "
    f"and ask again. {HUMAN}"
)
ASK_ADDRESS = (
    "What is the new shipping address? Please give the street, city, state and ZIP code "
    "(for example: 12 Oak Street, Dallas, TX 75201). If you'd rather, a person on our team can change it for you."
)


def one_line(address: Mapping[str, object] | ShippingAddress) -> str:
    values = address.model_dump() if isinstance(address, ShippingAddress) else dict(address)
    parts = [
        str(values.get(f) or "").strip() for f in ("street_1", "street_2", "city", "state", "zip", "country")
    ]
    return ", ".join(p for p in parts if p)


def cleaned(new: Mapping[str, object]) -> dict[str, str]:
    return {f: " ".join(str(new[f]).split())[:120] for f in FIELDS if new.get(f) and str(new[f]).strip()}


def _proposal_id(conversation: Conversation, order: Order, address_id: int, new: Mapping[str, str]) -> str:
    created = order.date_created.isoformat() if order.date_created else ""
    seed = f"{conversation.thread_id}|{order.id}|{created}|{address_id}|{one_line(new)}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def _refusal(ctx: ToolContext, order: Order) -> ToolResult | None:
    status = order.status_id if order.status_id is not None else -1
    if status in (2, 3, 10) or (order.items_shipped or 0) > 0:
        return result(
            "refused",
            f"Order #{order.id} has already shipped, so its address can't be changed here. "
            f"The carrier may be able to redirect it. {HUMAN}",
            offer_human=True,
        )
    if status in REASONS or status == 5 or status not in ctx.policy.cancellable_status_ids:
        label = order.custom_status or order.status or "its current status"
        return result(
            "refused",
            f"Order #{order.id}'s address can't be changed while it is {label}. {HUMAN}",
            offer_human=True,
        )
    return None


def _who_may_change(ctx: ToolContext, conversation: Conversation) -> ToolResult | None:
    """The merchant's "who may cancel", for address changes too."""
    if ctx.policy.who_may_cancel == "verified_only" and conversation.verified_customer is None:
        return result("refused", SIGNED_IN_ONLY, offer_human=True)
    if email_code.needs_code(ctx, conversation) and not email_code.can_send(ctx):
        return result("refused", email_code.NO_EMAIL, offer_human=True)
    return None


def _same(address: ShippingAddress, new: Mapping[str, str]) -> bool:
    current = address.model_dump()
    return all(str(current.get(k) or "").strip().lower() == v.strip().lower() for k, v in new.items())


def _update(new: Mapping[str, str], address: ShippingAddress) -> ShippingAddressUpdate:
    fields = dict(new)
    country = fields.pop("country", None)
    body: dict[str, str] = {k: v for k, v in fields.items() if k != "street_2"}
    body["street_2"] = fields.get("street_2", "")  # the old second line must not survive a new street
    if country:
        place = find_place(country)
        if place is not None:
            body["country_iso2"] = place.country_iso2
        body["country"] = country
    elif address.country:
        body["country"] = address.country
    return ShippingAddressUpdate.model_validate(body)


@store_call
async def propose_address_change(
    ctx: ToolContext, conversation: Conversation, order_id: object, email: object, new: Mapping[str, object]
) -> ToolResult:
    not_allowed = _who_may_change(ctx, conversation)
    if not_allowed is not None:
        return not_allowed
    verified = await verify_order(ctx, conversation, order_id, email)
    if verified.order is None:
        assert verified.refusal is not None
        return verified.refusal
    order = verified.order
    refusal = _refusal(ctx, order)
    audit = ctx.records.audit
    if refusal is not None:
        await audit(
            ctx.store_hash,
            conversation.thread_id,
            "change_shipping_address",
            "refused",
            order.id,
            order.status,
        )
        return refusal
    addresses = await ctx.client.orders.shipping_addresses(order.id or 0)
    if len(addresses) != 1 or addresses[0].id is None:
        return result(
            "refused",
            f"Order #{order.id} ships to {len(addresses)} addresses, so a person needs to change it. {HUMAN}",
            offer_human=True,
        )
    address = addresses[0]
    address_id = address.id
    assert address_id is not None
    wanted = cleaned(new)
    missing = [f for f in REQUIRED if f not in wanted]
    if missing:
        return result("needs_info", ASK_ADDRESS, missing=["new_address"], order_id=order.id)
    old, proposed = (
        one_line(address),
        one_line({**wanted, "country": wanted.get("country") or address.country or ""}),
    )
    question = (
        f"Change the shipping address of order #{order.id} from {old or 'the current address'} to {proposed}?"
    )
    sent: email_code.CodeSent | None = None
    if email_code.needs_code(ctx, conversation):
        code_outcome = await email_code.send_code(ctx, conversation, order, email_code.ADDRESS)
        if not isinstance(code_outcome, email_code.CodeSent):
            return code_outcome
        sent = code_outcome
        summary = f"from {old or 'the current address'} to {proposed}"
        question = email_code.question(email_code.ADDRESS, int(order.id or 0), summary, sent)
    confirmation: AddressConfirmation = {
        "type": "confirm_address_change",
        "order_id": order.id or 0,
        "address_id": address_id,
        "proposal_id": _proposal_id(conversation, order, address_id, wanted),
        "old_address": old,
        "new_address": wanted,
        "question": question,
    }
    if sent is not None:
        confirmation["verify"] = "email_code"
        confirmation["sent_to"] = sent.to
        confirmation["tries_left"] = sent.tries_left
    await audit(ctx.store_hash, conversation.thread_id, "change_shipping_address", "proposed", order.id, old)
    return result("confirm", question, address_confirmation=confirmation)


async def _read_back(ctx: ToolContext, order_id: int, address_id: int) -> ShippingAddress | None:
    try:
        addresses = await ctx.client.orders.shipping_addresses(order_id)
    except (APIConnectionError, APITimeoutError):
        return None
    return next((a for a in addresses if a.id == address_id), None)


@store_call
async def execute_address_change(
    ctx: ToolContext,
    conversation: Conversation,
    confirmation: AddressConfirmation,
    answer: object,
    answer_index: int = 0,
) -> ToolResult:
    """The shopper's ``answer`` (the ``answer_index``-th to this confirmation, as for cancelling)."""
    order_id, address_id = int(confirmation["order_id"]), int(confirmation["address_id"])
    new = dict(confirmation["new_address"])
    tool, thread = "change_shipping_address", conversation.thread_id
    audit = ctx.records.audit
    abandoned = f"Okay, I have not changed the address of order #{order_id}."
    if confirmation.get("verify") == "email_code":
        yes = confirmed(answer, confirmation)
        step = await email_code.check_answer(
            ctx, conversation, email_code.ADDRESS, confirmation, answer, answer_index, yes
        )
        if isinstance(step, email_code.Declined):
            await audit(ctx.store_hash, thread, tool, "abandoned", order_id)
            return result("refused", abandoned, order_id=order_id)
        if isinstance(step, email_code.Retry):
            return result("confirm", step.question, address_confirmation=step.asked_again(confirmation))
        if step is not None:
            return step
    elif not confirmed(answer, confirmation):
        await audit(ctx.store_hash, thread, tool, "abandoned", order_id)
        return result("refused", abandoned, order_id=order_id)
    not_allowed = _who_may_change(ctx, conversation)  # the policy may have changed since the proposal
    if not_allowed is None and email_code.needs_code(ctx, conversation) and "verify" not in confirmation:
        not_allowed = result(
            "refused",
            f"This store now confirms address changes with a code sent by email, so I have not changed order "
            f"#{order_id}. Ask me again and I will send you one.",
            order_id=order_id,
        )
    if not_allowed is not None:
        await audit(ctx.store_hash, thread, tool, "refused", order_id, detail="policy")
        return not_allowed
    state = await ctx.conversation_state(conversation)
    if order_id not in state.verified_orders:
        await audit(ctx.store_hash, thread, tool, "refused", order_id, detail="not verified")
        return result("refused", "I can only change an order you have verified in this conversation.")
    order = await ctx.client.orders.get(order_id)
    current = await _read_back(ctx, order_id, address_id)
    if current is not None and _same(current, new):
        await audit(
            ctx.store_hash, thread, tool, "already_changed", order_id, one_line(current), one_line(current)
        )
        return ok(f"Order #{order_id} now ships to {one_line(current)}.", order_id=order_id)
    if (
        current is None
        or _refusal(ctx, order) is not None
        or _proposal_id(conversation, order, address_id, new) != confirmation["proposal_id"]
    ):
        await audit(
            ctx.store_hash, thread, tool, "refused", order_id, confirmation["old_address"], detail="changed"
        )
        return result(
            "refused", f"Order #{order_id} changed since I asked, so I have not changed its address. {HUMAN}"
        )
    with contextlib.suppress(APIConnectionError, APITimeoutError):
        await ctx.client.orders.update_shipping_address(order_id, address_id, _update(new, current))
    after = await _read_back(ctx, order_id, address_id)
    if after is not None and _same(after, {k: v for k, v in new.items() if k != "country"}):
        line = one_line(after)
        await audit(ctx.store_hash, thread, tool, "changed", order_id, confirmation["old_address"], line)
        note = ""
        if new.get("country") and (current.country or "").lower() != new["country"].lower():
            note = " Shipping to another country may cost a different amount: our team will check it."
        return ok(f"Done: order #{order_id} now ships to {line}.{note}", order_id=order_id)
    await audit(ctx.store_hash, thread, tool, "failed", order_id, confirmation["old_address"])
    return result(
        "unavailable",
        f"I couldn't confirm that the address of order #{order_id} was changed. Please try again in a minute, "
        "or I can connect you with our team.",
    )
