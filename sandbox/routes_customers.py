"""Sandbox routes for customer groups (v2), customers (v3), gift certificates and coupons (v2) and
promotions with their coupon codes (v3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .checks import Check, equals, text_equals, truthy_equals
from .formats import SandboxError, json_response, v3_object
from .query import Query
from .routing import not_found, sort_key_and_direction, store_of, v2_list, v2_query, v3_page, v3_query

router = APIRouter()
V2 = "/stores/{store_hash}/v2"
V3 = "/stores/{store_hash}/v3"


def _equals(query: Query, names: tuple[str, ...], numeric: tuple[str, ...] = ()) -> list[Check]:
    """Exact-match filters: text compared as given, numbers parsed (a bad number is the API's error)."""
    checks: list[Check] = []
    for name in names:
        text = query.text(name)
        if text is not None:
            checks.append(text_equals(name, text))
    for name in numeric:
        number = query.integer(name)
        if number is not None:
            checks.append(equals(name, number))
    return checks


def _id_range(query: Query) -> list[Check]:
    checks: list[Check] = []
    low, high = query.integer("min_id"), query.integer("max_id")
    if low is not None:
        checks.append(lambda item: item["id"] >= low)
    if high is not None:
        checks.append(lambda item: item["id"] <= high)
    return checks


def _select(items: dict[int, dict[str, Any]], checks: list[Check]) -> list[dict[str, Any]]:
    return [item for _, item in sorted(items.items()) if all(check(item) for check in checks)]


# ---- customer groups and customers ----


def _group_checks(query: Query) -> list[Check]:
    checks = _equals(query, ("name",))
    for name in ("is_default", "is_group_for_guests"):
        flag = query.flag(name)
        if flag is not None:
            checks.append(truthy_equals(name, flag))
    like = query.text("name:like")
    if like is not None:
        checks.append(lambda g: like.lower() in g["name"].lower())
    return checks


@router.get(V2 + "/customer_groups")
async def list_customer_groups(request: Request) -> Response:
    query = v2_query(request)
    return v2_list(_select(store_of(request).customer_groups, _group_checks(query)), query)


@router.get(V2 + "/customer_groups/count")
async def count_customer_groups(request: Request) -> Response:
    query = v2_query(request)
    return json_response({"count": len(_select(store_of(request).customer_groups, _group_checks(query)))})


@router.get(V2 + "/customer_groups/{group_id:int}")
async def get_customer_group(request: Request, group_id: int) -> Response:
    group = store_of(request).customer_groups.get(group_id)
    if group is None:
        raise not_found("v2")
    return json_response(group)


@router.get(V3 + "/customers")
async def list_customers(request: Request) -> Response:
    query = v3_query(request)
    checks: list[Check] = []
    ids = query.int_list("id:in")
    if ids is not None:
        checks.append(lambda c: c["id"] in ids)
    emails = query.csv("email:in")
    if emails is not None:
        wanted = {e.lower() for e in emails}
        checks.append(lambda c: str(c["email"]).lower() in wanted)
    groups = query.int_list("customer_group_id:in")
    if groups is not None:
        checks.append(lambda c: c["customer_group_id"] in groups)
    names = query.csv("name:like")
    if names is not None:
        checks.append(
            lambda c: any(n.lower() in f"{c['first_name']} {c['last_name']}".lower() for n in names)
        )
    includes = set(query.csv("include") or [])

    def render(customer: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in customer.items() if k != "addresses"}
        out["address_count"] = len(customer["addresses"])
        if "addresses" in includes:
            out["addresses"] = customer["addresses"]
        return out

    return v3_page(_select(store_of(request).customers, checks), query, render)


# ---- gift certificates and legacy coupons ----


def _certificate_checks(query: Query) -> list[Check]:
    names = ("code", "to_name", "to_email", "from_name", "from_email")
    return _equals(query, names, ("order_id",)) + _id_range(query)


@router.get(V2 + "/gift_certificates")
async def list_gift_certificates(request: Request) -> Response:
    query = v2_query(request)
    certificates = _select(store_of(request).gift_certificates, _certificate_checks(query))
    if (query.text("direction") or "asc").lower() == "desc":
        certificates.reverse()
    return v2_list(certificates, query)


@router.get(V2 + "/gift_certificates/{certificate_id:int}")
async def get_gift_certificate(request: Request, certificate_id: int) -> Response:
    certificate = store_of(request).gift_certificates.get(certificate_id)
    if certificate is None:
        raise not_found("v2")
    return json_response(certificate)


def _coupon_checks(query: Query) -> list[Check]:
    checks = _equals(query, ("code", "name", "type"), ("id",)) + _id_range(query)
    excluded = query.text("exclude_type")
    if excluded is not None:
        checks.append(lambda c: c["type"] != excluded)
    return checks


@router.get(V2 + "/coupons")
async def list_coupons(request: Request) -> Response:
    query = v2_query(request)
    return v2_list(_select(store_of(request).coupons, _coupon_checks(query)), query)


@router.get(V2 + "/coupons/count")
async def count_coupons(request: Request) -> Response:
    return json_response(
        {"count": len(_select(store_of(request).coupons, _coupon_checks(v2_query(request))))}
    )


# ---- promotions ----

PROMOTION_SORTS = ("id", "name", "priority", "start_date")


def _render_promotion(promotion: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in promotion.items() if k != "codes"}


def _promotion_checks(query: Query) -> list[Check]:
    checks = _equals(query, ("name",), ("id",))
    code = query.text("code")
    if code is not None:
        checks.append(lambda p: any(c["code"].lower() == code.lower() for c in p["codes"]))
    redemption = query.text("redemption_type")
    if redemption is not None:
        if redemption.lower() not in ("automatic", "coupon"):
            raise SandboxError(422, "The filter 'redemption_type' is invalid: use automatic or coupon.", "v3")
        checks.append(lambda p: p["redemption_type"] == redemption.upper())
    status = query.text("status")
    if status is not None:
        checks.append(lambda p: p["status"] == status.upper())
    currency = query.text("currency_code")
    if currency is not None:
        checks.append(lambda p: p["currency_code"] in (currency, "*"))
    channels = query.int_list("channels")
    if channels is not None:
        checks.append(lambda p: not p["channels"] or any(c.get("id") in channels for c in p["channels"]))
    text = query.text("query")
    if text:
        needle = text.lower()
        checks.append(
            lambda p: needle in p["name"].lower() or any(needle in c["code"].lower() for c in p["codes"])
        )
    return checks


@router.get(V3 + "/promotions")
async def list_promotions(request: Request) -> Response:
    query = v3_query(request)
    promotions = _select(store_of(request).promotions, _promotion_checks(query))
    field, descending = sort_key_and_direction(query, PROMOTION_SORTS)
    promotions.sort(key=lambda p: (p.get(field) is None, p.get(field) or 0), reverse=descending)
    return v3_page(promotions, query, _render_promotion)


@router.get(V3 + "/promotions/codes")
async def find_promotion_codes(request: Request) -> Response:
    query = v3_query(request)
    code = (query.text("code") or "").strip().lower()
    if not code:
        raise SandboxError(422, "The filter 'code' is required.", "v3", {"code": "required"})
    codes = [
        c for p in store_of(request).promotions.values() for c in p["codes"] if c["code"].lower() == code
    ]
    return v3_page(codes, query)


@router.get(V3 + "/promotions/{promotion_id:int}")
async def get_promotion(request: Request, promotion_id: int) -> Response:
    promotion = store_of(request).promotions.get(promotion_id)
    if promotion is None:
        raise not_found("v3", "promotion")
    return json_response(v3_object(_render_promotion(promotion)))


@router.get(V3 + "/promotions/{promotion_id:int}/codes")
async def promotion_codes(request: Request, promotion_id: int) -> Response:
    promotion = store_of(request).promotions.get(promotion_id)
    if promotion is None:
        raise not_found("v3", "promotion")
    query = v3_query(request)
    code = query.text("code")
    codes = [c for c in promotion["codes"] if code is None or c["code"].lower() == code.strip().lower()]
    return v3_page(codes, query)
