"""The Order Management subgraph: order status, tracking and refunds, cancellation, changing the shipping
address of an unshipped order, gift-card balances."""

from __future__ import annotations

from .state import OrderState
from .subgraph import build_subgraph

TOOLS = (
    "get_order_information",
    "cancel_order",
    "change_shipping_address",
    "check_gift_card_balance",
    "transfer_to_human",
)

graph = build_subgraph(OrderState, "order_management", TOOLS)
