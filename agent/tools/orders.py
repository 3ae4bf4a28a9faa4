"""get_order_information, with the identity rules enforced here, in code.

- An order is shown only when its number and billing email match (case and whitespace insensitive), or
  when the conversation carries a verified customer who owns it. Every mismatch gets the same answer,
  so the tool is no oracle for which order numbers exist.
- Listing "my orders" by email alone is for verified customers only.
- A conversation is bound to one shopper: after a successful lookup, other emails are refused.
- After ``policy.max_failed_lookups`` failures the conversation is locked for order lookups.
- Across conversations (``lockouts``): failures per order number lock that order for everyone but its
  signed-in owner; failures per client lock that client's lookups.

An order verified in a conversation is read once for it (``agent.tools.order_cache``): the identity
rules run again on every question, on the kept order. Shipments are read only for an order that has
shipped something.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bigcommerce import NotFoundError
from bigcommerce.types.orders import (
    Order,
    OrderAddress,
    OrderProduct,
    ShippingAddress,
    ShippingConsignment,
)
from bigcommerce.types.orders import Shipment as BCShipment

from ..persistence.records import ConversationState
from .context import Conversation, ToolContext
from .inputs import email_address, mask_email, order_number
from .links import tracking_link
from .lockouts import Limit, count_failure, locked_by, order_limits, order_locked_message
from .order_cache import CachedOrder
from .refunds import refund_lines
from .results import OrderDetails, OrderSummary, Shipment, ToolResult, ok, result, store_call

NO_MATCH = "I couldn't find an order with that number and email. Please check both and try again."
LOCKED = (
    "For your security, order lookups are paused in this conversation after several unsuccessful tries. "
    "I can connect you with a member of our team."
)
ASK = "To look up an order I need the order number and the email address used at checkout."
NOT_SHIPPED = frozenset({0, 1, 7, 8, 9, 11, 12})


@dataclass
class Verified:
    """An order the conversation may see, or the answer to give instead."""

    order: Order | None
    refusal: ToolResult | None
    state: ConversationState
    cached: CachedOrder | None = None  # where its details are kept for this conversation


def _status_label(order: Order) -> str:
    return order.custom_status or order.status or "Unknown"


def _order_email(order: Order) -> str | None:
    return email_address(order.billing_address.email if order.billing_address else None)


async def _fetch(ctx: ToolContext, number: int) -> Order | None:
    try:
        order = await ctx.client.orders.get(number, consignments=True)  # its items and addresses too
    except NotFoundError:
        return None
    return None if order.is_deleted else order


def _consigned(order: Order) -> tuple[list[OrderProduct], list[ShippingConsignment]] | None:
    """The order's line items and shipping addresses from the consignments read with it, or None when
    they do not hold them all (a pickup, a digital download or a gift certificate, a line missing):
    then they are read on their own."""
    found = order.consignments
    if found is None or not found.shipping or found.pickups or found.downloads or any(found.email.values()):
        return None
    items = sorted((item for c in found.shipping for item in c.line_items), key=lambda i: i.id or 0)
    if not items or any(item.id is None or not item.name for item in items):
        return None
    if order.items_total is not None and sum(item.quantity or 0 for item in items) != order.items_total:
        return None
    return items, list(found.shipping)


async def _fail(ctx: ToolContext, conversation: Conversation, limits: list[Limit]) -> Verified:
    limit = ctx.policy.max_failed_lookups

    def count(state: ConversationState) -> None:  # atomic: replicas counting at once both count
        state.failed_lookups += 1
        if state.failed_lookups >= limit:
            state.locked = True

    state = await ctx.update_state(conversation, count)
    spent = await count_failure(ctx, conversation, limits)
    if state.locked:
        return Verified(None, result("locked", LOCKED), state)
    if spent is not None:
        return Verified(None, result("locked", order_locked_message(spent), offer_human=True), state)
    return Verified(None, result("not_found", NO_MATCH), state)


def _bound_elsewhere(bound_email: str | None) -> str:
    return (
        f"This conversation is about orders for {mask_email(bound_email or '')}. For another shopper's "
        "order, please start a new conversation."
    )


async def verify_order(
    ctx: ToolContext, conversation: Conversation, order_id: object, email: object, *, fresh: bool = False
) -> Verified:
    """Apply the identity rules; return the order only when this conversation may see it. The order is
    the one this conversation verified within the cache's window, unless ``fresh`` (read it now)."""
    state = await ctx.conversation_state(conversation)
    if state.locked:
        return Verified(None, result("locked", LOCKED), state)
    number = order_number(order_id)
    if order_id is None or (isinstance(order_id, str) and not order_id.strip()):
        return Verified(None, result("needs_info", ASK, missing=["order_number"]), state)
    if number is None:
        return Verified(None, result("invalid", "Order numbers are digits, like 12345."), state)
    verified = conversation.verified_customer
    given = email_address(email) if email not in (None, "") else None
    if email not in (None, "") and given is None:
        return Verified(None, result("invalid", "That doesn't look like an email address."), state)
    vouched = verified is not None and given == verified.email.lower()
    if given is not None and not vouched and not conversation.shopper_gave(given):  # planted in a tool result
        ask = f"What email address did you use at checkout for order #{number}?"
        return Verified(None, result("needs_info", ask, missing=["email"], order_id=number), state)
    shopper = given or (verified.email.lower() if verified else None)
    if shopper is None:
        ask = f"Thanks! What email address did you use at checkout for order #{number}?"
        return Verified(None, result("needs_info", ask, missing=["email"], order_id=number), state)
    if verified is not None and shopper != verified.email.lower():
        refusal = result(
            "refused",
            f"You're signed in as {mask_email(verified.email.lower())}, so I can only look up your own orders here.",
        )
        return Verified(None, refusal, state)
    if state.bound_email and shopper != state.bound_email:
        return Verified(None, result("refused", _bound_elsewhere(state.bound_email)), state)
    limits = order_limits(ctx, conversation, number)
    held = await locked_by(ctx, limits)
    if held is not None and (held.scope != "order" or verified is None):
        return Verified(None, result("locked", order_locked_message(held), offer_human=True), state)
    cached = None if fresh else await ctx.orders.fetch(conversation.thread_id, number)
    order = cached.order if cached is not None else await _fetch(ctx, number)
    if held is not None:  # a locked order: only its signed-in owner, by customer id, may see it
        owns = order is not None and verified is not None and order.customer_id == verified.id
    else:
        owns = order is not None and (
            _order_email(order) == shopper
            or (
                verified is not None
                and shopper == verified.email.lower()
                and order.customer_id == verified.id
            )
        )
    if order is None or not owns:
        return await _fail(ctx, conversation, limits)

    def bind(state: ConversationState) -> None:  # atomic: a concurrent lookup may have bound it first
        if state.locked or (state.bound_email and state.bound_email != shopper):
            return
        state.bound_email = shopper
        if number not in state.verified_orders:
            state.verified_orders.append(number)

    state = await ctx.update_state(conversation, bind)
    if state.locked:
        return Verified(None, result("locked", LOCKED), state)
    if state.bound_email != shopper:
        return Verified(None, result("refused", _bound_elsewhere(state.bound_email)), state)
    if cached is None:
        cached = await ctx.orders.keep(conversation.thread_id, order)
    return Verified(order, None, state, cached)


def _options(options: list[Any]) -> str | None:
    parts = [f"{o.display_name}: {o.display_value}" for o in options if o.display_name and o.display_value]
    return ", ".join(parts) or None


def has_shipped(order: Order) -> bool:
    """Whether the order may have shipments: it shipped items (a shipment always holds some, so
    ``items_shipped`` 0 means none, whatever the status: a refunded or cancelled order that never
    shipped), or, when the count is missing, its status is not a not-shipped one (an order is moved
    to Shipped or Partially Shipped when a shipment is created)."""
    if order.items_shipped is not None:
        return order.items_shipped > 0
    return order.status_id not in NOT_SHIPPED


async def describe_order(ctx: ToolContext, order: Order, cached: CachedOrder | None = None) -> OrderDetails:
    """The shopper-facing facts of an order: no street address, no payment card details. Kept with
    ``cached`` (the conversation's copy of the order) once read."""
    if cached is not None and cached.details is not None and cached.order is order:
        return cached.details
    details = await _read_details(ctx, order)
    if cached is not None and cached.order is order:
        cached.details = details
        await ctx.orders.keep_details(cached)
    return details


def _shipment(ctx: ToolContext, shipment: BCShipment, items: list[OrderProduct]) -> Shipment:
    """A shipment as shoppers read it, with what it holds (its items, by their order line)."""
    carrier = (
        shipment.shipping_provider_display_name or shipment.tracking_carrier or shipment.shipping_provider
    )
    answer: Shipment = {
        "carrier": carrier or None,
        "tracking_number": shipment.tracking_number or None,
        "tracking_link": tracking_link(shipment.tracking_link)
        or tracking_link(shipment.generated_tracking_link),
        "shipped_on": ctx.date(shipment.date_created),
        "method": shipment.shipping_method or None,
    }
    lines = {item.id: item for item in items if item.id is not None}
    held = []
    for part in shipment.items:
        line = lines.get(part.order_product_id) if part.order_product_id is not None else None
        if line is not None and line.name:
            options = _options(line.product_options)
            held.append(f"{part.quantity or 1} x {line.name}" + (f" ({options})" if options else ""))
    if held:
        answer["items"] = held
    return answer


async def _read_details(ctx: ToolContext, order: Order) -> OrderDetails:
    number = order.id or 0
    addresses: Sequence[OrderAddress | ShippingAddress]
    shipments: list[BCShipment]
    items: list[OrderProduct]
    consigned = _consigned(order)
    if consigned is not None:  # items and addresses came with the order: its shipments, if any, only
        items, addresses = consigned
        shipments = await ctx.client.orders.shipments(number) if has_shipped(order) else []
    elif has_shipped(order):  # a shipment names the address it went to: one address needs no other read
        items, shipments = await asyncio.gather(
            ctx.client.orders.products(number), ctx.client.orders.shipments(number)
        )
        sent_to = [s.shipping_address for s in shipments if s.shipping_address is not None]
        if sent_to and (order.shipping_address_count or 1) <= 1:
            addresses = sent_to[:1]
        else:
            addresses = await ctx.client.orders.shipping_addresses(number)
    else:  # independent reads: one round trip
        items, addresses = await asyncio.gather(
            ctx.client.orders.products(number), ctx.client.orders.shipping_addresses(number)
        )
        shipments = []
    ship_to = [", ".join(p for p in (a.city, a.state, a.country) if p) for a in addresses]
    details: OrderDetails = {
        "order_id": number,
        "status": _status_label(order),
        "status_id": order.status_id,
        "placed_on": ctx.date(order.date_created),
        "shipped_on": ctx.date(order.date_shipped),
        "payment_status": order.payment_status or None,
        "payment_method": order.payment_method or None,
        "items": [
            {
                "name": item.name,
                "options": _options(item.product_options),
                "quantity": item.quantity,
                "price": ctx.money(item.price_inc_tax if item.price_inc_tax is not None else item.base_price),
                "shipped": item.quantity_shipped or 0,
            }
            for item in items
        ],
        "subtotal": ctx.money(order.subtotal_inc_tax),
        "shipping": ctx.money(order.shipping_cost_inc_tax),
        "discount": ctx.money(order.discount_amount) if order.discount_amount else None,
        "tax": ctx.money(order.total_tax),
        "total": ctx.money(order.total_inc_tax),
        "currency": order.currency_code or ctx.connection.money.currency,
        "shipments": [_shipment(ctx, s, items) for s in shipments],
        "ship_to": [place for place in ship_to if place],
    }
    refunds = await refund_lines(ctx, order)
    if refunds is None:
        details["refunds_unreadable"] = True
    elif refunds:
        details["refunds"] = refunds
    return details


async def _recent_orders(ctx: ToolContext, conversation: Conversation) -> ToolResult:
    customer = conversation.verified_customer
    if customer is None:
        return result(
            "refused",
            "I can list orders only for shoppers signed in to the store. Give me an order number and the email "
            "used at checkout, and I'll look it up.",
        )
    page = await ctx.client.orders.list(
        customer_id=customer.id, sort="date_created:desc", limit=ctx.policy.recent_orders
    )
    email = customer.email.lower()

    def bind(state: ConversationState) -> None:
        state.bound_email = email

    await ctx.update_state(conversation, bind)
    orders: list[OrderSummary] = [
        {
            "order_id": o.id,
            "placed_on": ctx.date(o.date_created),
            "status": _status_label(o),
            "total": ctx.money(o.total_inc_tax),
        }
        for o in page.items
    ]
    if not orders:
        return ok("You have no orders with us yet.", orders=[])
    return ok(f"Your {len(orders)} most recent orders.", orders=orders)


@store_call
async def get_order_information(
    ctx: ToolContext, conversation: Conversation, order_id: object = None, email: object = None
) -> ToolResult:
    """Order status, items, totals and shipment tracking, for the shopper who placed it."""
    if order_id in (None, "") and conversation.verified_customer is not None:
        return await _recent_orders(ctx, conversation)
    if order_id in (None, "") and email not in (None, ""):
        return await _recent_orders(ctx, conversation)
    verified = await verify_order(ctx, conversation, order_id, email)
    if verified.order is None:
        assert verified.refusal is not None
        return verified.refusal
    details = await describe_order(ctx, verified.order, verified.cached)
    return ok(f"Order #{details['order_id']} is {details['status']}.", order=details)
