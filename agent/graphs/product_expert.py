"""The Product Expert subgraph: product details, price and stock, discount codes, promotions, and the
store's own facts (its pages, shipping zones, payment methods and contact details)."""

from __future__ import annotations

from .state import ProductState
from .subgraph import build_subgraph

TOOLS = (
    "get_product_information",
    "lookup_discount_code",
    "list_active_promotions",
    "search_store_info",
    "get_shipping_options",
    "get_payment_methods",
    "get_store_contact",
    "transfer_to_human",
)

graph = build_subgraph(ProductState, "product_expert", TOOLS)
