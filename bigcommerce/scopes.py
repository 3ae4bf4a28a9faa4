"""Which OAuth scope each BigCommerce endpoint needs (section 13 of the API digest).

Used to name the missing scope in a 403 error, and by anything that wants to probe scopes. Every scope
has a ``_read_only`` twin that allows GET and HEAD only; a write needs the full scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SCOPE_TABLE", "ScopeRule", "accepted_scopes", "required_scope"]

_READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class ScopeRule:
    """Paths matching ``pattern`` (from the start) need ``scope``, or its ``_read_only`` twin for reads;
    ``alternatives`` are other scopes (with their twins) that allow the same paths."""

    pattern: re.Pattern[str]
    scope: str
    read_only_allowed: bool = True
    alternatives: tuple[str, ...] = ()

    def matches(self, path: str) -> bool:
        return self.pattern.match(path) is not None


def _rule(
    prefix: str, scope: str, *, read_only_allowed: bool = True, alternatives: tuple[str, ...] = ()
) -> ScopeRule:
    # "{id}" in a prefix matches one path segment; the prefix must end at a segment boundary.
    regex = re.escape(prefix).replace(re.escape("{id}"), "[^/]+")
    return ScopeRule(re.compile(regex + r"(?:/|$)"), scope, read_only_allowed, alternatives)


SCOPE_TABLE: tuple[ScopeRule, ...] = (
    _rule("/v2/store", "store_v2_information"),
    _rule("/v2/time", "store_v2_information"),
    _rule("/v2/orders", "store_v2_orders"),
    _rule("/v2/order_statuses", "store_v2_orders"),
    _rule("/v3/orders/{id}/transactions", "store_v2_transactions"),
    _rule("/v3/orders/{id}/payment_actions", "store_v2_transactions", alternatives=("store_v2_orders",)),
    _rule("/v3/orders/payment_actions", "store_v2_transactions", alternatives=("store_v2_orders",)),
    _rule("/v3/content", "store_v2_content"),
    _rule("/v2/shipping", "store_v2_information"),
    _rule("/v2/payments/methods", "store_payments_methods_read", read_only_allowed=False),
    _rule("/v3/catalog", "store_v2_products"),
    _rule("/v2/customer_groups", "store_v2_customers"),
    _rule("/v2/customers", "store_v2_customers"),
    _rule("/v3/customers", "store_v2_customers"),
    _rule("/v2/gift_certificates", "store_v2_marketing"),
    _rule("/v2/coupons", "store_v2_marketing"),
    _rule("/v3/promotions", "store_v2_marketing"),
)
"""Path prefix (relative to ``/stores/{hash}``, including the version) -> scope. First match wins."""


def accepted_scopes(method: str, path: str) -> tuple[str, ...]:
    """All scopes that allow ``method path``: the read-only scope first for reads; () when unknown."""
    path = path.split("?", 1)[0]
    for rule in SCOPE_TABLE:
        if rule.matches(path):
            scopes = (rule.scope, *rule.alternatives)
            if method.upper() in _READ_METHODS and rule.read_only_allowed:
                return tuple(name for scope in scopes for name in (f"{scope}_read_only", scope))
            return scopes
    return ()


def required_scope(method: str, path: str) -> str | None:
    """The least-privileged scope that allows ``method path``, e.g. ``store_v2_orders_read_only``."""
    scopes = accepted_scopes(method, path)
    return scopes[0] if scopes else None
