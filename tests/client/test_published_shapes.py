"""The client accepts every shape BigCommerce's published specs allow: the fields that are null in some
answers and typed otherwise in the specs, and each API's own error body. Served by ``MockTransport``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bigcommerce import APIStatusError, BadRequestError, NotFoundError, UnprocessableEntityError
from bigcommerce.types import Coupon

from .conftest import MakeClient
from .helpers import api_path, json_response, v3_page

V3_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def serving(routes: dict[str, Any]) -> Any:
    """A handler answering each API path with its body (a list or dict, or an httpx.Response)."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = routes[api_path(request)]
        return body if isinstance(body, httpx.Response) else json_response(200, body)

    return handle


async def error_for(make_client: MakeClient, path: str, status: int, body: Any) -> APIStatusError:
    client = make_client(serving({path: json_response(status, body)}), max_retries=0)
    async with client:
        with pytest.raises(APIStatusError) as info:
            await client.request("GET", path)
    return info.value


# ---- error bodies ---------------------------------------------------------------------------------------


async def test_promotions_404_error_list(make_client: MakeClient) -> None:
    body = {"errors": [{"status": 404, "title": "Promotion not found."}]}
    error = await error_for(make_client, "/v3/promotions/99", 404, body)
    assert isinstance(error, NotFoundError)
    assert error.api_message == error.title == "Promotion not found"
    assert error.errors == {}
    assert str(error) == "BigCommerce returned 404 Not Found for GET /v3/promotions/99: Promotion not found."


async def test_promotions_422_error_list_with_several_errors(make_client: MakeClient) -> None:
    body = {
        "errors": [
            {"status": 422, "title": "The filter 'redemption_type' is invalid."},
            {"status": 422, "title": "The filter 'status' is invalid."},
            {"status": 422, "title": "The filter 'status' is invalid."},
        ]
    }
    error = await error_for(make_client, "/v3/promotions", 422, body)
    assert isinstance(error, UnprocessableEntityError)
    assert error.api_message == "The filter 'redemption_type' is invalid; The filter 'status' is invalid"


async def test_category_trees_422_nested_envelope(make_client: MakeClient) -> None:
    body = {
        "errors": {
            "status": 422,
            "title": "The filter 'category_id:in' is invalid.",
            "type": V3_TYPE,
            "errors": {"category_id:in": "invalid value"},
        }
    }
    error = await error_for(make_client, "/v3/catalog/trees/categories", 422, body)
    assert isinstance(error, UnprocessableEntityError)
    assert error.title == "The filter 'category_id:in' is invalid."
    assert error.errors == {"category_id:in": "invalid value"}
    assert error.api_message == "The filter 'category_id:in' is invalid — category_id:in: invalid value"


async def test_customers_v2_error_list_with_types(make_client: MakeClient) -> None:
    body = {"errors": [{"status": 400, "title": "The customer group id is invalid", "type": V3_TYPE}]}
    error = await error_for(make_client, "/v2/customer_groups/1", 400, body)
    assert isinstance(error, BadRequestError)
    assert error.api_message == "The customer group id is invalid"


async def test_an_error_list_without_texts_falls_back_to_the_reason(make_client: MakeClient) -> None:
    error = await error_for(make_client, "/v3/promotions/99", 404, {"errors": [{"status": 404}]})
    assert error.api_message == "Not Found"


# ---- fields the specs type, where some answers send null or an empty array -------------------------------


async def test_legacy_coupon_restrictions_and_shipping_methods(make_client: MakeClient) -> None:
    base = {
        "type": "per_total_discount",
        "amount": "5.0000",
        "applies_to": {"entity": "categories", "ids": [0]},
    }
    coupons = [
        {**base, "id": 1, "code": "A", "restricted_to": {}, "shipping_methods": []},
        {**base, "id": 2, "code": "B", "restricted_to": {"countries": "AU"}, "shipping_methods": ["shipping_endicia"]},
        {**base, "id": 3, "code": "C", "restricted_to": [], "shipping_methods": None},
        {**base, "id": 4, "code": "D"},
    ]  # fmt: skip
    async with make_client(serving({"/v2/coupons": coupons})) as client:
        found = [coupon async for coupon in client.coupons.iter()]
    restrictions = [c.restricted_to.countries if c.restricted_to else "absent" for c in found]
    assert restrictions == [None, "AU", None, "absent"]
    assert [c.shipping_methods for c in found] == [[], ["shipping_endicia"], [], []]


def test_coupon_restricted_to_a_list_of_countries() -> None:
    coupon = Coupon.model_validate({"id": 1, "restricted_to": {"countries": ["AU", "NZ"]}})
    assert coupon.restricted_to is not None and coupon.restricted_to.countries == ["AU", "NZ"]


async def test_order_payment_provider_id_string_number_or_null(make_client: MakeClient) -> None:
    orders = {
        f"/v2/orders/{n}": {"id": n, "payment_provider_id": value}
        for n, value in enumerate(("", 42, None, "pi_3"), start=1)
    }
    async with make_client(serving(orders)) as client:
        values = [(await client.orders.get(n)).payment_provider_id for n in range(1, 5)]
    assert values == ["", 42, None, "pi_3"]


async def test_product_base_variant_id_integer_or_null(make_client: MakeClient) -> None:
    routes = {
        "/v3/catalog/products/1": {"data": {"id": 1, "base_variant_id": 345}, "meta": {}},
        "/v3/catalog/products/2": {"data": {"id": 2, "base_variant_id": 0}, "meta": {}},
        "/v3/catalog/products/3": {"data": {"id": 3, "base_variant_id": None}, "meta": {}},
    }
    async with make_client(serving(routes)) as client:
        assert [(await client.products.get(n)).base_variant_id for n in (1, 2, 3)] == [345, 0, None]


async def test_customer_channel_ids_array_or_null(make_client: MakeClient) -> None:
    customers = [{"id": 1, "channel_ids": [1, 2]}, {"id": 2, "channel_ids": None}, {"id": 3}]
    async with make_client(serving({"/v3/customers": v3_page(customers, 1, 1)})) as client:
        found = [customer async for customer in client.customers.iter()]
    assert [c.channel_ids for c in found] == [[1, 2], None, None]


async def test_saved_promotions_automatic_and_coupon(make_client: MakeClient) -> None:
    common = {"channels": [{"id": 1}], "customer": {"group_ids": [], "segments": {"id": ["seg-1"]}},
              "rules": [], "notifications": [], "stop": False, "currency_code": "*", "current_uses": 0,
              "start_date": "2025-01-01T00:00:00+00:00", "status": "ENABLED", "created_from": "api",
              "can_be_used_with_other_promotions": False}  # fmt: skip
    promotions = [
        {**common, "id": 1, "name": "Auto", "redemption_type": "AUTOMATIC"},
        {**common, "id": 2, "name": "Code", "redemption_type": "COUPON", "coupon_type": "SINGLE",
         "coupon_overrides_other_promotions": True, "end_date": "2026-12-30T01:02:03+00:00", "max_uses": 10,
         "schedule": {"week_frequency": 1, "week_days": ["Monday"], "daily_start_time": "01:00:00",
                      "daily_end_time": "23:00:00"}},
        {**common, "id": 3, "name": "Old", "redemption_type": "COUPON", "coupon_type": "BULK",
         "coupon_overrides_other_promotions": False, "end_date": None, "max_uses": None},
    ]  # fmt: skip
    async with make_client(serving({"/v3/promotions": v3_page(promotions, 1, 1)})) as client:
        auto, code, old = [promotion async for promotion in client.promotions.iter()]
    assert (auto.end_date, auto.max_uses, auto.coupon_overrides_other_promotions) == (None, None, None)
    assert code.coupon_overrides_other_promotions is True and code.coupon_type == "SINGLE"
    assert code.end_date is not None and code.end_date.year == 2026 and code.max_uses == 10
    assert code.schedule is not None and code.schedule["week_days"] == ["Monday"]
    assert auto.customer is not None and auto.customer.segments == {"id": ["seg-1"]}
    assert (old.end_date, old.max_uses, old.coupon_type) == (None, None, "BULK")


async def test_transactions_with_and_without_card_details(make_client: MakeClient) -> None:
    card = {"card_type": "visa", "card_iin": "411111", "card_last4": "1111", "card_expiry_month": 3,
            "card_expiry_year": 2030}  # fmt: skip
    transactions = [
        {"id": 1, "event": "purchase", "method": "credit_card", "amount": 10, "currency": "USD",
         "gateway": "braintree", "credit_card": card, "avs_result": {"code": "Y"}, "offline": None},
        {"id": 2, "event": "refund", "method": "credit_card", "amount": 5.5, "currency": "USD",
         "gateway": "braintree", "reference_transaction_id": 1},
        {"id": 3, "event": "purchase", "method": "offline", "amount": 3, "currency": "USD",
         "gateway": "bankdeposit", "offline": {"display_name": "Bank Deposit"}, "credit_card": None},
    ]  # fmt: skip
    routes = {"/v3/orders/7/transactions": v3_page(transactions, 1, 1)}
    async with make_client(serving(routes)) as client:
        first, refund, offline = await client.orders.transactions(7)
    assert first.credit_card is not None and first.credit_card.card_last4 == "1111"
    assert refund.reference_transaction_id == 1 and refund.credit_card is None
    assert offline.offline == {"display_name": "Bank Deposit"} and offline.credit_card is None
