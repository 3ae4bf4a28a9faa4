"""What was refunded on an order, when and to what (``GET /v3/orders/{id}/payment_actions/refunds``).

Read only for an order BigCommerce marks refunded (a ``refunded_amount`` above zero, or the Refunded and
Partially Refunded statuses), so an ordinary order lookup costs no extra request. A refund list in a shape
the client cannot read, or a scope the token lacks, leaves the order answer as it was and says so.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from bigcommerce import APIResponseValidationError, PermissionDeniedError
from bigcommerce.types.orders import Order

from .context import ToolContext
from .results import RefundLine

log = logging.getLogger(__name__)

REFUNDED_STATUSES = frozenset({4, 14})
_PROVIDERS = {"storecredit": "store credit", "bankdeposit": "a bank transfer", "custom": "the store"}


def was_refunded(order: Order) -> bool:
    amount = order.refunded_amount if isinstance(order.refunded_amount, Decimal) else Decimal(0)
    return amount > 0 or order.status_id in REFUNDED_STATUSES


async def refund_lines(ctx: ToolContext, order: Order) -> list[RefundLine] | None:
    """The order's refunds ([] when none), or None when they could not be read."""
    if not was_refunded(order) or order.id is None:
        return []
    try:
        refunds = await ctx.client.orders.refunds(order.id)
    except (APIResponseValidationError, PermissionDeniedError) as exc:
        log.warning("order %s: refunds not read: %s", order.id, type(exc).__name__)
        return None
    lines: list[RefundLine] = []
    for refund in refunds:
        if refund.total_amount is None:
            continue
        declined = any(p.is_declined for p in refund.payments)
        providers = [p.provider_id for p in refund.payments if p.provider_id and not p.is_declined]
        to = _PROVIDERS.get(providers[0], "the original payment method") if providers else None
        line: RefundLine = {"amount": ctx.money(refund.total_amount), "declined": declined}
        if refund.created is not None:
            line["on"] = ctx.date(refund.created) or ""
        if to:
            line["to"] = to
        lines.append(line)
    if not lines:
        log.warning("order %s is marked refunded but no refund could be read", order.id)
        return None  # marked refunded, yet nothing readable: say so rather than "no refund"
    return lines
