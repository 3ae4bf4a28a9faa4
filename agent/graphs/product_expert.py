"""The Product Expert subgraph: product details, price and stock, discount codes, promotions."""

from __future__ import annotations

from .state import ProductState
from .subgraph import build_subgraph

TOOLS = ("get_product_information", "lookup_discount_code", "list_active_promotions", "transfer_to_human")

graph = build_subgraph(ProductState, "product_expert", TOOLS)
