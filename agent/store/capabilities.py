"""Which tools and features a store's OAuth scopes allow, and the merchant's switches on top.

Scope levels per family are "modify", "read" or "none" (what `bcagent connect` probed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["modify", "read", "none"]
FAMILIES: tuple[str, ...] = (
    "information",
    "orders",
    "transactions",
    "products",
    "customers",
    "marketing",
    "content",
    "payments",
)
FAMILY_LABELS = {
    "information": "Information & Settings",
    "orders": "Orders",
    "transactions": "Order Transactions",
    "products": "Products",
    "customers": "Customers",
    "marketing": "Marketing",
    "content": "Content",
    "payments": "Payment Methods",
}


@dataclass(frozen=True)
class Requirement:
    name: str
    family: str | None
    level: Level
    description: str
    is_tool: bool = True


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("get_order_information", "orders", "read", "order status, items and tracking"),
    Requirement("cancel_order", "orders", "modify", "cancel an unshipped order"),
    Requirement("check_gift_card_balance", "marketing", "read", "gift certificate balances"),
    Requirement("lookup_discount_code", "marketing", "read", "coupon and promotion code checks"),
    Requirement("list_active_promotions", "marketing", "read", "active promotions"),
    Requirement("get_product_information", "products", "read", "product details, price and stock"),
    Requirement(
        "search_store_info", "content", "read", "answers from the store's pages (shipping, returns, FAQ)"
    ),
    Requirement("get_shipping_options", "information", "read", "where the store ships, methods and costs"),
    Requirement("get_payment_methods", "payments", "read", "which payment methods the store accepts"),
    Requirement("get_store_contact", "information", "read", "the store's published email, phone and address"),
    Requirement("change_shipping_address", "orders", "modify", "change the address of an unshipped order"),
    Requirement("transfer_to_human", None, "none", "hand the conversation to a person"),
    Requirement("catalog sync", "products", "read", "crawl the catalog into the vector store", False),
    Requirement(
        "wholesale filtering", "customers", "read", "hide products restricted to customer groups", False
    ),
    Requirement("verified customer lookups", "customers", "read", "orders of a logged-in shopper", False),
    Requirement("store auto-detection", "information", "read", "store name, URL and currency", False),
    Requirement(
        "refund details", "transactions", "read", "what was refunded on an order, when and to what", False
    ),
)
TOOL_NAMES = tuple(r.name for r in REQUIREMENTS if r.is_tool)
_RANK = {"none": 0, "read": 1, "modify": 2}
FULL_ACCESS: dict[str, str] = {family: "read" for family in FAMILIES} | {"orders": "modify"}
"""Every scope the product uses, at the level it needs: what a full demo or eval token is probed to have."""


@dataclass(frozen=True)
class Capability:
    requirement: Requirement
    enabled: bool
    reason: str


def evaluate(scopes: dict[str, str], disabled: list[str] | tuple[str, ...] = ()) -> list[Capability]:
    """Every tool and feature, enabled or not, with the reason in words."""
    out = []
    for req in REQUIREMENTS:
        if req.family is None:
            allowed, reason = True, "needs no scope"
        else:
            have = scopes.get(req.family, "none")
            allowed = _RANK[have] >= _RANK[req.level]
            wanted = f"{FAMILY_LABELS[req.family]} {'modify' if req.level == 'modify' else 'read-only'}"
            reason = f"scope {wanted}: ok" if allowed else f"needs the {wanted} scope (token has {have})"
        if allowed and req.name in disabled:
            allowed, reason = False, "disabled by the merchant (`bcagent tools enable` to turn it back on)"
        out.append(Capability(req, allowed, reason))
    return out


def enabled_tools(scopes: dict[str, str], disabled: list[str] | tuple[str, ...] = ()) -> list[str]:
    return [c.requirement.name for c in evaluate(scopes, disabled) if c.enabled and c.requirement.is_tool]


def scope_problems(scopes: dict[str, str]) -> list[str]:
    """One "Access forbidden" line per scope the product would use but the token lacks, naming the scope
    and what it turns off, in the words BigCommerce's troubleshooting uses (for connect, status, readyz)."""
    problems = []
    for family in FAMILIES:
        have = scopes.get(family, "none")
        wanting = [
            r
            for r in REQUIREMENTS
            if r.family == family and _RANK[have] < _RANK[r.level] and r.level != "none"
        ]
        if not wanting or _read_only_by_choice(have, wanting):
            continue
        level = "modify" if any(r.level == "modify" for r in wanting) else "read-only"
        names = ", ".join(r.name for r in wanting)
        problems.append(
            f"Access forbidden: the token lacks the {FAMILY_LABELS[family]} {level} scope "
            f"(it has {have}), so these are off: {names}. Add the scope to the store-level API account "
            "(Settings > API > API Accounts) and run `bcagent connect` again."
        )
    return problems


def _read_only_by_choice(have: str, wanting: list[Requirement]) -> bool:
    """Read access where only the writing tools need more: the integration page calls Orders read-only
    enough for lookups, so it is a merchant's choice, not a problem."""
    return have == "read" and all(r.level == "modify" for r in wanting)


def scope_notes(scopes: dict[str, str]) -> list[str]:
    """What a read-only scope leaves off when that is the merchant's choice (Orders read-only: lookups
    work, cancelling and address changes do not), and the least-privilege advice."""
    notes = []
    for family in FAMILIES:
        have = scopes.get(family, "none")
        wanting = [r for r in REQUIREMENTS if r.family == family and _RANK[have] < _RANK[r.level]]
        if wanting and _read_only_by_choice(have, wanting):
            label = FAMILY_LABELS[family]
            notes.append(
                f"{label} is read-only: that is enough for lookups; {', '.join(r.name for r in wanting)} "
                f"stay off (they need {label} modify). Keep it so if the assistant should not change "
                "anything; otherwise give the API account the modify scope and run `bcagent connect` again."
            )
    notes.append(LEAST_PRIVILEGE)
    return notes


LEAST_PRIVILEGE = (
    "Least privilege: this product needs Orders modify (or read-only, without cancelling and address "
    "changes) and read-only for every other scope. Scopes are probed for reading only, so one granted with "
    "modify shows as read-only here: grant read-only there."
)
