"""What the catalog sync keeps: visible, purchasable products in stock that any shopper may see.

Rules, in order (the first that fails is the reason a product is left out):

1. ``hidden``: ``is_visible`` is false.
2. ``disabled``: ``availability`` is ``disabled`` (listed but cannot be bought).
3. ``out_of_stock``: inventory tracked by product with ``inventory_level <= 0``; or tracked by variant
   with no variant that is purchasable and has stock. Untracked inventory counts as in stock.
4. ``restricted``: (only when the Customers scope is present) none of the product's categories is open
   to the guest customer group, or, when no group is for guests, to the default group, according to the
   groups' ``category_access``. With neither group, nothing is restricted. A product in no category at
   all is not restricted: no category keeps it from anyone (the integration page's rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bigcommerce.types.catalog import Product
from bigcommerce.types.customers import CustomerGroup

Reason = Literal["hidden", "disabled", "out_of_stock", "restricted"]
REASON_TEXT: dict[str, str] = {
    "hidden": "it is hidden (is_visible is false)",
    "disabled": "it cannot be purchased (availability is disabled)",
    "out_of_stock": "it has no stock (no purchasable variant with inventory above 0)",
    "restricted": "its categories are open only to restricted customer groups (e.g. wholesale)",
}


@dataclass(frozen=True)
class Verdict:
    included: bool
    reason: Reason | None = None

    @property
    def text(self) -> str:
        return "included" if self.reason is None else REASON_TEXT[self.reason]


def open_categories(groups: Iterable[CustomerGroup]) -> set[int] | None:
    """Category ids open to shoppers outside restricted groups; None means every category is open."""
    groups = list(groups)
    group = next((g for g in groups if g.is_group_for_guests), None) or next(
        (g for g in groups if g.is_default), None
    )
    if group is None or group.category_access is None:
        return None
    access = group.category_access
    if access.type == "all" or access.type is None:
        return None
    if access.type == "none":
        return set()
    return set(access.categories or [])


def in_stock(product: Product) -> bool:
    tracking = product.inventory_tracking or "none"
    if tracking == "product":
        return (product.inventory_level or 0) > 0
    if tracking == "variant":
        if not product.variants:  # listed without variants: the product level is their sum
            return (product.inventory_level or 0) > 0
        return any(not v.purchasing_disabled and (v.inventory_level or 0) > 0 for v in product.variants)
    return True


def judge(product: Product, open_category_ids: set[int] | None) -> Verdict:
    """Whether the product belongs in the index, and if not, the first rule it fails."""
    if product.is_visible is False:
        return Verdict(False, "hidden")
    if product.availability == "disabled":
        return Verdict(False, "disabled")
    if not in_stock(product):
        return Verdict(False, "out_of_stock")
    if (
        open_category_ids is not None
        and product.categories
        and not open_category_ids.intersection(product.categories)
    ):
        return Verdict(False, "restricted")
    return Verdict(True)
