"""The client's pages, shipping zones and methods, payment methods, refunds and shipping-address change,
served by ``MockTransport`` with payloads shaped as BigCommerce's specs document them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from bigcommerce import (
    APIResponseValidationError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    accepted_scopes,
)
from bigcommerce.types import ShippingAddressUpdate

from .conftest import MakeClient
from .helpers import api_path, json_response, v3_page

V3_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


class Recorder:
    """Answers each API path from ``routes`` (a body, a list of bodies in turn, or a Response)."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.routes[api_path(request)]
        if isinstance(answer, list) and answer and isinstance(answer[0], httpx.Response):
            answer = answer.pop(0)
        return answer if isinstance(answer, httpx.Response) else json_response(200, answer)

    def params(self, n: int = 0) -> dict[str, str]:
        return dict(self.requests[n].url.params)


# ---- pages -------------------------------------------------------------------------------------------------

CONTACT = {"id": 5, "channel_id": 1, "name": "Contact Us", "meta_title": "", "email": "", "is_visible": True,
           "parent_id": 0, "sort_order": 3, "meta_keywords": "contact keyword",
           "contact_fields": "fullname,companyname,phone,orderno,rma", "type": "contact_form",
           "meta_description": "contact meta desc", "is_homepage": False, "is_customers_only": True,
           "search_keywords": "contact search keyword", "body": "<p>Write to us</p>"}  # fmt: skip
LINK = {"id": 18, "channel_id": 1, "name": "Carcinogen list", "is_visible": False, "parent_id": 0, "sort_order": 0,
        "link": "https://california.example.com/known-carcinogens", "type": "link", "is_homepage": False,
        "is_customers_only": False}  # fmt: skip
PAGE = {"id": 16, "channel_id": 1, "name": "Powder Detergents", "meta_title": "", "is_visible": False, "parent_id": 0,
        "sort_order": 0, "meta_keywords": None, "type": "page", "meta_description": "", "is_homepage": False,
        "is_customers_only": False, "search_keywords": "", "url": "/powder/", "body": ""}  # fmt: skip


async def test_pages_iter_walks_every_page_with_bodies(make_client: MakeClient) -> None:
    answers = [
        json_response(200, v3_page([CONTACT, LINK], 1, 2, 2)),
        json_response(200, v3_page([PAGE], 2, 2, 2)),
    ]
    recorder = Recorder({"/v3/content/pages": answers})
    async with make_client(recorder) as client:
        pages = await client.pages.iter(limit=2, include_body=True, channel_id=1).collect()
    assert [p.id for p in pages] == [5, 18, 16]
    assert recorder.params(0) == {"include": "body", "channel_id": "1", "limit": "2", "page": "1"}
    assert recorder.params(1)["page"] == "2"
    contact, link, plain = pages
    assert (
        contact.type == "contact_form" and contact.contact_fields == "fullname,companyname,phone,orderno,rma"
    )
    assert contact.has_body and not link.has_body and not plain.has_body  # an empty body has nothing to read
    assert link.link == "https://california.example.com/known-carcinogens" and link.url is None
    assert plain.meta_keywords is None and plain.is_visible is False


async def test_pages_list_sends_the_documented_filters(make_client: MakeClient) -> None:
    recorder = Recorder({"/v3/content/pages": v3_page([], 1, 1)})
    async with make_client(recorder) as client:
        page = await client.pages.list(ids=[2, 4], name_like="ship", name="FAQ")
    assert page.items == []
    assert recorder.params() == {
        "id:in": "2,4",
        "name:like": "ship",
        "name": "FAQ",
        "page": "1",
        "limit": "50",
    }


async def test_one_page_and_a_missing_one(make_client: MakeClient) -> None:
    missing = {"status": 404, "title": "A Page was not found with an ID of 99", "type": V3_TYPE}
    recorder = Recorder({"/v3/content/pages/5": {"data": CONTACT, "meta": {}},
                         "/v3/content/pages/99": json_response(404, missing)})  # fmt: skip
    async with make_client(recorder, max_retries=0) as client:
        page = await client.pages.get(5)
        with pytest.raises(NotFoundError) as info:
            await client.pages.get("99")
    assert page.body == "<p>Write to us</p>" and recorder.params() == {"include": "body"}
    assert "A Page was not found with an ID of 99" in str(info.value)


async def test_pages_422_lists_the_bad_values(make_client: MakeClient) -> None:
    body = {"status": 422, "title": "Invalid Input.", "type": V3_TYPE, "errors": ["bar"]}
    recorder = Recorder({"/v3/content/pages": json_response(422, body)})
    async with make_client(recorder, max_retries=0) as client:
        with pytest.raises(Exception) as info:
            await client.pages.list()
    assert "Invalid Input" in str(info.value)


# ---- shipping ----------------------------------------------------------------------------------------------

ZONES = [
    {"id": 1, "name": "United States", "type": "country", "locations": [{"id": 5, "country_iso2": "US"}],
     "free_shipping": {"enabled": True, "minimum_sub_total": "150.0000", "exclude_fixed_shipping_products": False},
     "enabled": True},
    {"id": 2, "name": "States in the U.S.", "type": "state",
     "locations": [{"id": 3, "country_iso2": "US", "state_iso2": "TX"}],
     "free_shipping": {"enabled": False, "minimum_sub_total": "0", "exclude_fixed_shipping_products": True},
     "handling_fees": {"display_separately": False, "fixed_surcharge": 0}, "enabled": False},
]  # fmt: skip
METHODS = [
    {"id": 1, "name": "Flat Rate", "type": "perorder", "settings": {"rate": 12}, "enabled": True,
     "handling_fees": {"fixed_surcharge": "0"}, "is_fallback": False, "channel_ids": [2, 3]},
    {"id": 2, "name": "Pickup In Store", "type": "total", "settings": {}, "enabled": False,
     "handling_fees": {"fixed_surcharge": "0"}, "is_fallback": False, "channel_ids": [1, 3]},
    {"id": 3, "name": "Ship by Weight", "type": "weight", "settings": {"default_cost": 0,
     "default_cost_type": "fixed_amount", "range": [{"lower_limit": 0, "upper_limit": 20, "shipping_cost": 8}]},
     "enabled": True, "handling_fees": {"fixed_surcharge": "0"}, "is_fallback": False, "channel_ids": [1]},
    {"id": 4, "name": "UPS®", "type": "upsready", "settings": {"carrier_options": {"delivery_services": ["Ground"]}},
     "enabled": True, "handling_fees": {"percentage_surcharge": "0"}, "is_fallback": False, "channel_ids": [1]},
]  # fmt: skip


async def test_zones_and_methods(make_client: MakeClient) -> None:
    recorder = Recorder({
        "/v2/shipping/zones": ZONES,
        "/v2/shipping/zones/1": ZONES[0],
        "/v2/shipping/zones/1/methods": METHODS,
        "/v2/shipping/zones/2/methods": httpx.Response(204),
        "/v2/shipping/zones/1/methods/3": METHODS[2],
    })  # fmt: skip
    async with make_client(recorder) as client:
        zones = await client.shipping_zones.list()
        one = await client.shipping_zones.get(1)
        methods = await client.shipping_zones.methods(1)
        none = await client.shipping_zones.methods(2)
        weight = await client.shipping_zones.method(1, 3)
    us, texas = zones
    assert us.free_shipping is not None and us.free_shipping.minimum_sub_total == Decimal("150.0000")
    assert us.locations[0].country_iso2 == "US" and one.name == "United States"
    assert texas.handling_fees is not None and texas.handling_fees.fixed_surcharge == Decimal(0)
    assert texas.locations[0].state_iso2 == "TX" and texas.enabled is False
    flat, pickup, by_weight, ups = methods
    assert flat.settings.rate == Decimal(12) and not flat.is_carrier
    assert pickup.settings.rate is None  # a method with no rate
    assert (
        by_weight.settings.range[0].shipping_cost == Decimal(8)
        and by_weight.settings.default_cost_type == "fixed_amount"
    )
    assert ups.is_carrier and ups.settings.model_extra == {
        "carrier_options": {"delivery_services": ["Ground"]}
    }
    assert ups.handling_fees is not None and ups.handling_fees.percentage_surcharge == Decimal(0)
    assert none == [] and weight == by_weight


async def test_payment_methods(make_client: MakeClient) -> None:
    methods = [
        {"code": "squarev2", "name": "Square", "test_mode": False},
        {"code": "cod", "name": "Cash on Delivery"},
    ]
    recorder = Recorder({"/v2/payments/methods": methods})
    async with make_client(recorder) as client:
        found = await client.payment_methods.list()
    assert [(m.code, m.name, m.test_mode) for m in found] == [
        ("squarev2", "Square", False),
        ("cod", "Cash on Delivery", None),
    ]
    assert recorder.params() == {"page": "1", "limit": "250"}


async def test_payment_methods_without_the_scope(make_client: MakeClient) -> None:
    body = {"status": 403, "title": "You don't have a required scope to access the endpoint", "type": V3_TYPE}
    recorder = Recorder({"/v2/payments/methods": json_response(403, body)})
    async with make_client(recorder, max_retries=0) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.payment_methods.list()
    assert info.value.accepted_scopes == ("store_payments_methods_read",)


# ---- refunds -----------------------------------------------------------------------------------------------

REFUND = {"id": 12, "order_id": 180, "user_id": 0, "created": "2022-06-16T16:44:15+00:00",
          "reason": "Customer requires a refund.", "total_amount": 50, "total_tax": 5,
          "uses_merchant_override_values": False,
          "payments": [{"id": 13, "provider_id": "storecredit", "amount": 50, "offline": True, "is_declined": False,
                        "declined_message": ""}],
          "items": [{"item_type": "PRODUCT", "item_id": 87, "quantity": 1, "requested_amount": None}]}  # fmt: skip


async def test_order_refunds(make_client: MakeClient) -> None:
    odd = {**REFUND, "id": 13, "total_amount": "lots", "created": "yesterday", "payments": "none"}
    recorder = Recorder({"/v3/orders/180/payment_actions/refunds": {"data": [REFUND, odd], "meta": {}},
                         "/v3/orders/181/payment_actions/refunds": {"data": [], "meta": {}},
                         "/v3/orders/182/payment_actions/refunds": {"data": {"id": 1}, "meta": {}}})  # fmt: skip
    async with make_client(recorder) as client:
        refund, lenient = await client.orders.refunds(180)
        assert await client.orders.refunds("#181") == []
        with pytest.raises(APIResponseValidationError):
            await client.orders.refunds(182)  # an unknown shape is an error, not a crash
    assert refund.created == datetime(2022, 6, 16, 16, 44, 15, tzinfo=UTC)
    assert (refund.total_amount, refund.total_tax) == (Decimal(50), Decimal(5))
    payment = refund.payments[0]
    assert (payment.provider_id, payment.offline, payment.transaction_id) == ("storecredit", True, None)
    assert refund.items[0].item_type == "PRODUCT" and refund.items[0].requested_amount is None
    assert (lenient.id, lenient.total_amount, lenient.created, lenient.payments) == (13, None, None, [])


async def test_all_refunds_with_filters(make_client: MakeClient) -> None:
    recorder = Recorder({"/v3/orders/payment_actions/refunds": v3_page([REFUND], 1, 1),
                         "/v3/orders/payment_actions/refunds/12": {"data": REFUND, "meta": {}}})  # fmt: skip
    since = datetime(2022, 6, 1, tzinfo=UTC)
    async with make_client(recorder) as client:
        refunds = await client.refunds.iter(order_ids=[180, 181], created_min=since).collect()
        one = await client.refunds.get(12)
    assert [r.id for r in refunds] == [12] and one.order_id == 180
    assert recorder.params() == {"order_id:in": "180,181", "created:min": "2022-06-01T00:00:00+00:00",
                                 "limit": "250", "page": "1"}  # fmt: skip


# ---- changing a shipping address ---------------------------------------------------------------------------

ADDRESS = {"id": 1, "order_id": 100, "first_name": "first", "last_name": "last", "street_1": "street 1",
           "city": "Sydney", "zip": "2000", "country": "Australia", "country_iso2": "AU", "state": "New South Wales",
           "items_total": 1, "items_shipped": 0, "shipping_method": "Flat Rate", "base_cost": "15.0000",
           "cost_inc_tax": "15.0000", "shipping_zone_id": 1, "shipping_zone_name": "United States",
           "shipping_quotes": {"url": "https://x.example/q", "resource": "/orders/100/shipping_addresses/1/shipping_quotes"},
           "form_fields": []}  # fmt: skip


async def test_update_shipping_address_sends_only_the_given_fields(make_client: MakeClient) -> None:
    recorder = Recorder({"/v2/orders/100/shipping_addresses/1": ADDRESS})
    update = ShippingAddressUpdate(street_1="street 1", city="Sydney", zip="2000", country_iso2="AU")
    async with make_client(recorder) as client:
        address = await client.orders.update_shipping_address(100, 1, update)
    request = recorder.requests[0]
    assert request.method == "PUT" and request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "street_1": "street 1",
        "city": "Sydney",
        "zip": "2000",
        "country_iso2": "AU",
    }
    assert address.city == "Sydney" and address.base_cost == Decimal("15.0000")


async def test_update_shipping_address_is_not_retried(make_client: MakeClient) -> None:
    recorder = Recorder(
        {"/v2/orders/100/shipping_addresses/1": [httpx.Response(500), json_response(200, ADDRESS)]}
    )
    async with make_client(recorder) as client:
        with pytest.raises(InternalServerError):
            await client.orders.update_shipping_address(100, 1, ShippingAddressUpdate(city="Perth"))
    assert len(recorder.requests) == 1


async def test_update_shipping_address_unknown_address(make_client: MakeClient) -> None:
    body = [{"status": 404, "message": "The requested resource was not found."}]
    recorder = Recorder({"/v2/orders/100/shipping_addresses/9": json_response(404, body)})
    async with make_client(recorder, max_retries=0) as client:
        with pytest.raises(NotFoundError):
            await client.orders.update_shipping_address(100, 9, ShippingAddressUpdate(city="Perth"))


@pytest.mark.parametrize(
    "fields",
    [{}, {"items_total": 3}, {"city": 5}, {"country_iso2": "Australia"}, {"form_fields": [{"name": ""}]}],
)
def test_shipping_address_update_is_strict(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ShippingAddressUpdate.model_validate(fields)


def test_address_update_body_keeps_form_fields() -> None:
    update = ShippingAddressUpdate.model_validate({"form_fields": [{"name": "Gate code", "value": "1234"}]})
    assert update.body() == {"form_fields": [{"name": "Gate code", "value": "1234"}]}


# ---- scopes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "scopes"),
    [
        ("GET", "/v3/content/pages", ("store_v2_content_read_only", "store_v2_content")),
        ("GET", "/v2/shipping/zones/1/methods", ("store_v2_information_read_only", "store_v2_information")),
        ("GET", "/v2/payments/methods", ("store_payments_methods_read",)),
        ("GET", "/v3/orders/5/payment_actions/refunds",
         ("store_v2_transactions_read_only", "store_v2_transactions", "store_v2_orders_read_only", "store_v2_orders")),
        ("GET", "/v3/orders/payment_actions/refunds",
         ("store_v2_transactions_read_only", "store_v2_transactions", "store_v2_orders_read_only", "store_v2_orders")),
        ("PUT", "/v2/orders/5/shipping_addresses/1", ("store_v2_orders",)),
        ("GET", "/v3/orders/5/transactions", ("store_v2_transactions_read_only", "store_v2_transactions")),
    ],
)  # fmt: skip
def test_scopes_of_the_new_endpoints(method: str, path: str, scopes: tuple[str, ...]) -> None:
    assert accepted_scopes(method, path) == scopes
