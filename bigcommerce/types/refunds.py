"""Models for refunds (orders.v3.yml, Payment Actions): what was refunded, when, and to what."""

from __future__ import annotations

from pydantic import Field

from ._base import BCModel, DateTime, Money

__all__ = ["Refund", "RefundItem", "RefundPayment"]


class RefundItem(BCModel):
    """``item_type`` ``PRODUCT`` (``item_id`` a line item), ``SHIPPING``/``HANDLING`` (an order address),
    ``ORDER``, ``GIFT_WRAPPING`` or ``FEE``; ``quantity`` for products only."""

    item_type: str | None = None
    item_id: int | None = None
    quantity: int | None = None
    reason: str | None = None
    requested_amount: Money = None


class RefundPayment(BCModel):
    """Where the money went: ``provider_id`` (a gateway, or ``storecredit``), ``offline`` when paid back
    outside the gateway, ``is_declined`` with ``declined_message`` when the provider refused."""

    id: int | None = None
    provider_id: str | None = None
    amount: Money = None
    offline: bool | None = None
    is_declined: bool | None = None
    declined_message: str | None = None
    transaction_id: str | None = None


class Refund(BCModel):
    id: int | None = None
    order_id: int | None = None
    user_id: int | None = None
    created: DateTime = None
    reason: str | None = None
    total_amount: Money = None
    total_tax: Money = None
    uses_merchant_override_values: bool | None = None
    items: list[RefundItem] = Field(default_factory=list)
    payments: list[RefundPayment] = Field(default_factory=list)
