"""Sandbox routes for refunds (orders.v3.yml, Payment Actions): an order's refunds, every refund of the
store (filters ``order_id:in``, ``id:in``, ``created:min|max``, ``transaction_id``; paged), and one refund.

Refunds live in the fixture under each order (``orders[].refunds``). Answers are ``{data, meta}``; the
per-order list is not paged (the spec gives it no paging parameters) and answers ``meta: {}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .formats import json_response, parse_any_date
from .routing import not_found, store_of, v3_page, v3_query
from .state import SandboxStore

router = APIRouter()
V3 = "/stores/{store_hash}/v3/orders"
Check = Callable[[dict[str, Any]], bool]


def _all_refunds(store: SandboxStore) -> list[dict[str, Any]]:
    refunds = [refund for order in store.orders.values() for refund in order["refunds"]]
    return sorted(refunds, key=lambda r: r["id"])


def _paid_by(transaction_id: str | None) -> Check:
    if transaction_id is None:
        return lambda refund: True
    return lambda refund: any(str(p.get("transaction_id")) == transaction_id for p in refund["payments"])


def _one_of(key: str, wanted: frozenset[int]) -> Check:
    return lambda refund: refund[key] in wanted


def _created(moment: datetime, minimum: bool) -> Check:
    def check(refund: dict[str, Any]) -> bool:
        created = parse_any_date(refund["created"])
        return created >= moment if minimum else created <= moment

    return check


@router.get(V3 + "/{order_id:int}/payment_actions/refunds")
async def order_refunds(request: Request, order_id: int) -> Response:
    order = store_of(request).orders.get(order_id)
    if order is None:
        raise not_found("v3", "order")
    paid_by = _paid_by(v3_query(request).text("transaction_id"))
    refunds = sorted((r for r in order["refunds"] if paid_by(r)), key=lambda r: r["id"])
    return json_response({"data": refunds, "meta": {}})


@router.get(V3 + "/payment_actions/refunds")
async def all_refunds(request: Request) -> Response:
    query = v3_query(request)
    checks: list[Check] = [_paid_by(query.text("transaction_id"))]
    for name, key in (("order_id:in", "order_id"), ("id:in", "id")):
        wanted = query.int_list(name)
        if wanted is not None:
            checks.append(_one_of(key, frozenset(wanted)))
    for name in ("created:min", "created:max"):
        moment = query.date(name)
        if moment is not None:
            checks.append(_created(moment, name.endswith("min")))
    refunds = [r for r in _all_refunds(store_of(request)) if all(check(r) for check in checks)]
    return v3_page(refunds, query)


@router.get(V3 + "/payment_actions/refunds/{refund_id:int}")
async def one_refund(request: Request, refund_id: int) -> Response:
    for refund in _all_refunds(store_of(request)):
        if refund["id"] == refund_id:
            return json_response({"data": refund, "meta": {}})
    raise not_found("v3", "refund")
