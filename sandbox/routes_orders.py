"""Sandbox routes for store information, orders (v2), order statuses and order transactions (v3), and the
two order writes: a status change and a shipping-address change."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .checks import COMPARISONS, compare, equals, text_equals
from .formats import SandboxError, json_response, no_content, now_utc, parse_v2_date, rfc2822, v3_list
from .query import Query
from .routing import json_body, not_found, store_of, v2_list, v2_query, v3_query
from .state import ORDER_STATUSES, SandboxStore

router = APIRouter()
V2 = "/stores/{store_hash}/v2"
V3 = "/stores/{store_hash}/v3"
ORDER_NESTED = ("products", "shipments", "shipping_addresses", "transactions", "coupons", "refunds")
ORDER_SORTS = ("id", "customer_id", "date_created", "date_modified", "status_id", "channel_id", "external_id")
WRITABLE_ORDER_FIELDS = ("status_id", "staff_notes", "customer_message")
ADDRESS_TEXT = (  # an order's shipping address, as its address routes and its consignments give it
    "first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip", "country",
    "country_iso2", "phone", "email",
)  # fmt: skip
# shippingAddress_Put of orders.v2.oas2.yml: the address, the shipping method's name and form fields.
WRITABLE_ADDRESS_TEXT = (*ADDRESS_TEXT, "shipping_method")


@router.get(V2 + "/store")
async def get_store(request: Request) -> Response:
    return json_response(store_of(request).info)


@router.get(V2 + "/time")
async def get_time(request: Request) -> Response:
    return json_response({"time": int(time.time())})


# ---- orders ----


def _status_row(status_id: int) -> dict[str, Any]:
    name, order = ORDER_STATUSES[status_id]
    return {
        "id": status_id,
        "name": name,
        "system_label": name,
        "custom_label": name,
        "system_description": f"The order is {name.lower()}.",
        "order": order,
    }


def _v2_base(request: Request) -> str:
    """The absolute URL of the store's v2 API, as BigCommerce spells its resource links."""
    return f"{request.base_url}stores/{store_of(request).store_hash}/v2"


def _render_order(request: Request, order: dict[str, Any]) -> dict[str, Any]:
    base = _v2_base(request)
    out = {key: value for key, value in order.items() if key not in ORDER_NESTED}
    for key in ("products", "shipping_addresses", "coupons"):
        resource = f"/orders/{order['id']}/{key}"
        out[key] = {"url": base + resource, "resource": resource}
    out["shipping_address_count"] = len(order["shipping_addresses"])
    return out


def _order_filters(query: Query) -> list[Callable[[dict[str, Any]], bool]]:
    checks: list[Callable[[dict[str, Any]], bool]] = []

    def add(check: Callable[[dict[str, Any]], bool]) -> None:
        checks.append(check)

    for name, op in (("min_id", "min"), ("max_id", "max")):
        bound = query.integer(name)
        if bound is not None:
            add(compare("id", op, bound))
    for name, op in (("min_total", "min"), ("max_total", "max")):
        limit = query.number(name)
        if limit is not None:
            add(_total_check(op, Decimal(str(limit))))
    for name in ("customer_id", "status_id", "channel_id"):
        number = query.integer(name)
        if number is not None:
            add(equals(name, number))
    email = query.text("email")
    if email is not None:
        wanted = email.strip().lower()
        add(lambda o: str(o["billing_address"].get("email", "")).strip().lower() == wanted)
    for name in ("payment_method", "cart_id", "external_order_id"):
        text = query.text(name)
        if text is not None:
            add(text_equals(name, text))
    for name, field in (
        ("min_date_created", "date_created"),
        ("max_date_created", "date_created"),
        ("min_date_modified", "date_modified"),
        ("max_date_modified", "date_modified"),
    ):
        moment = query.date(name)
        if moment is not None:
            add(_date_check(field, moment, name.startswith("min_")))
    return checks


def _total_check(op: str, bound: Decimal) -> Callable[[dict[str, Any]], bool]:
    test = COMPARISONS[op]
    return lambda order: test(Decimal(order["total_inc_tax"]), bound)


def _date_check(field: str, moment: datetime, minimum: bool) -> Callable[[dict[str, Any]], bool]:
    def check(order: dict[str, Any]) -> bool:
        value = parse_v2_date(order[field])
        return value >= moment if minimum else value <= moment

    return check


def _matching_orders(store: SandboxStore, query: Query) -> list[dict[str, Any]]:
    checks = _order_filters(query)
    archived = query.flag("is_deleted") or False
    orders = [o for o in store.orders.values() if o["is_deleted"] == archived and all(c(o) for c in checks)]
    sort = query.text("sort")
    if sort:
        field, _, direction = sort.partition(":")
        if field not in ORDER_SORTS or direction not in ("", "asc", "desc"):
            raise SandboxError(400, "The field 'sort' is invalid.", "v2")
        if field.startswith("date_"):
            orders.sort(key=lambda o: parse_v2_date(o[field]), reverse=direction == "desc")
        else:
            orders.sort(key=lambda o: str(o.get(field) or "").zfill(20), reverse=direction == "desc")
    else:
        orders.sort(key=lambda o: int(o["id"]))
    return orders


def _order(store: SandboxStore, order_id: int) -> dict[str, Any]:
    order = store.orders.get(order_id)
    if order is None or order["is_deleted"]:
        raise not_found("v2")
    return order


@router.get(V2 + "/orders")
async def list_orders(request: Request) -> Response:
    query = v2_query(request)
    orders = _matching_orders(store_of(request), query)
    return v2_list(orders, query, lambda o: _render_order(request, o))


@router.get(V2 + "/orders/count")
async def count_orders(request: Request) -> Response:
    orders = _matching_orders(store_of(request), v2_query(request))
    statuses = []
    for status_id in sorted(ORDER_STATUSES, key=lambda s: ORDER_STATUSES[s][1]):
        row = _status_row(status_id)
        row["sort_order"] = row.pop("order")
        row["count"] = sum(1 for o in orders if o["status_id"] == status_id)
        statuses.append(row)
    return json_response({"statuses": statuses, "count": len(orders)})


CONSIGNMENT_INCLUDES = frozenset({"consignments", "consignments.line_items"})
CONSIGNMENT_ADDRESS = (*ADDRESS_TEXT, "form_fields")  # shippingConsignment_Base


def _consignments(request: Request, order: dict[str, Any], inline_items: bool) -> dict[str, Any]:
    """``consignments`` as ``include=consignments[.line_items]&consignment_structure=object`` gives
    them (orders.v2 ``orderConsignment_Get``): one shipping consignment per shipping address, holding
    its address, its line items (whole with ``consignments.line_items``, else links) and its counts.
    The demo orders are all shipped, so pickups, downloads and gift-certificate emails are empty."""
    base = _v2_base(request)
    shipping = []
    for address in order["shipping_addresses"]:
        items = [p for p in order["products"] if p.get("order_address_id") == address["id"]]
        consignment: dict[str, Any] = {"id": address["id"]}
        consignment.update({key: address[key] for key in CONSIGNMENT_ADDRESS if key in address})
        consignment["line_items"] = (
            items
            if inline_items
            else [
                {"url": f"{base}/orders/{order['id']}/products/{p['id']}", "resource": f"/orders/{order['id']}/products/{p['id']}"}
                for p in items
            ]
        )  # fmt: skip
        consignment["items_total"] = sum(int(p.get("quantity") or 0) for p in items)
        consignment["items_shipped"] = sum(int(p.get("quantity_shipped") or 0) for p in items)
        consignment["shipping_method"] = address.get("shipping_method")
        shipping.append(consignment)
    return {"pickups": [], "shipping": shipping, "downloads": [], "email": {"gift_certificates": []}}


@router.get(V2 + "/orders/{order_id:int}")
async def get_order(request: Request, order_id: int) -> Response:
    """``include=consignments`` or ``consignments.line_items`` with ``consignment_structure=object``
    adds the order's consignments (without the object structure BigCommerce's legacy array shape is
    not modelled: the include is then ignored)."""
    order = _order(store_of(request), order_id)
    out = _render_order(request, order)
    included = {part.strip() for part in request.query_params.get("include", "").split(",")}
    if included & CONSIGNMENT_INCLUDES and request.query_params.get("consignment_structure") == "object":
        out["consignments"] = _consignments(request, order, "consignments.line_items" in included)
    return json_response(out)


@router.put(V2 + "/orders/{order_id:int}")
async def update_order(request: Request, order_id: int) -> Response:
    store = store_of(request)
    _order(store, order_id)
    body = await json_body(request, "v2")
    status_id = body.get("status_id")
    if "status_id" in body and (
        not isinstance(status_id, int) or isinstance(status_id, bool) or status_id not in ORDER_STATUSES
    ):
        raise SandboxError(400, "The field 'status_id' is invalid.", "v2")
    with store.lock:
        order = store.orders[order_id]
        for field in ("staff_notes", "customer_message"):
            if field in body:
                order[field] = str(body[field])
        if isinstance(status_id, int):
            order = store.update_order_status(order_id, status_id)
    return json_response(_render_order(request, order))


def _sub_list(request: Request, order_id: int, key: str) -> Response:
    order = _order(store_of(request), order_id)
    return v2_list(order[key], v2_query(request))


def _sub_item(request: Request, order_id: int, key: str, item_id: int) -> Response:
    order = _order(store_of(request), order_id)
    for item in order[key]:
        if item["id"] == item_id:
            return json_response(item)
    raise not_found("v2")


@router.get(V2 + "/orders/{order_id:int}/products")
async def order_products(request: Request, order_id: int) -> Response:
    return _sub_list(request, order_id, "products")


@router.get(V2 + "/orders/{order_id:int}/products/{item_id:int}")
async def order_product(request: Request, order_id: int, item_id: int) -> Response:
    return _sub_item(request, order_id, "products", item_id)


@router.get(V2 + "/orders/{order_id:int}/shipments")
async def order_shipments(request: Request, order_id: int) -> Response:
    return _sub_list(request, order_id, "shipments")


@router.get(V2 + "/orders/{order_id:int}/shipments/count")
async def order_shipments_count(request: Request, order_id: int) -> Response:
    return json_response({"count": len(_order(store_of(request), order_id)["shipments"])})


@router.get(V2 + "/orders/{order_id:int}/shipments/{shipment_id:int}")
async def order_shipment(request: Request, order_id: int, shipment_id: int) -> Response:
    return _sub_item(request, order_id, "shipments", shipment_id)


@router.get(V2 + "/orders/{order_id:int}/shipping_addresses")
async def order_shipping_addresses(request: Request, order_id: int) -> Response:
    return _sub_list(request, order_id, "shipping_addresses")


@router.get(V2 + "/orders/{order_id:int}/shipping_addresses/{address_id:int}")
async def order_shipping_address(request: Request, order_id: int, address_id: int) -> Response:
    return _sub_item(request, order_id, "shipping_addresses", address_id)


def _address_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The fields of a shipping-address PUT; 400 naming a field that cannot be written or is invalid."""
    for field, value in body.items():
        if field not in WRITABLE_ADDRESS_TEXT and field != "form_fields":
            message = (
                f"The field '{field}' cannot be written to. "
                "Please remove it from your request before trying again."
            )
            raise SandboxError(400, message, "v2")
        if field == "form_fields":
            valid = isinstance(value, list) and all(isinstance(f, dict) and "name" in f for f in value)
        else:
            valid = isinstance(value, str)
        if not valid:
            raise SandboxError(400, f"The field '{field}' is invalid.", "v2")
    return body


@router.put(V2 + "/orders/{order_id:int}/shipping_addresses/{address_id:int}")
async def update_shipping_address(request: Request, order_id: int, address_id: int) -> Response:
    """Changes the address only: shipping cost and tax are not recomputed (as the spec warns)."""
    store = store_of(request)
    order = _order(store, order_id)
    if not any(a["id"] == address_id for a in order["shipping_addresses"]):
        raise not_found("v2")
    changes = _address_changes(await json_body(request, "v2"))
    with store.lock:
        address = next(a for a in order["shipping_addresses"] if a["id"] == address_id)
        address.update(changes)
        order["date_modified"] = rfc2822(now_utc())
    return json_response(address)


@router.get(V2 + "/orders/{order_id:int}/coupons")
async def order_coupons(request: Request, order_id: int) -> Response:
    return _sub_list(request, order_id, "coupons")


@router.get(V2 + "/order_statuses")
async def order_statuses(request: Request) -> Response:
    return json_response([_status_row(status_id) for status_id in sorted(ORDER_STATUSES)])


@router.get(V2 + "/order_statuses/{status_id:int}")
async def order_status(request: Request, status_id: int) -> Response:
    if status_id not in ORDER_STATUSES:
        raise not_found("v2")
    return json_response(_status_row(status_id))


@router.get(V3 + "/orders/{order_id:int}/transactions")
async def order_transactions(request: Request, order_id: int) -> Response:
    order = store_of(request).orders.get(order_id)
    if order is None:
        raise not_found("v3", "order")
    query = v3_query(request)
    page = query.page()
    transactions = order["transactions"]
    if not transactions:
        return no_content()
    chunk = transactions[page.start : page.start + page.limit]
    return json_response(v3_list(chunk, len(transactions), page.page, page.limit))
