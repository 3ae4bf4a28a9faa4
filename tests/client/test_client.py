"""The client: URLs and headers, lifecycle, views, and every resource method's request."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bigcommerce import AsyncBigCommerce, InvalidStoreHashError

from .conftest import MakeClient
from .helpers import STORE_HASH, api_path, json_response, v3_page


class Recorder:
    """Records requests and answers from a path -> body table (a list body is a v2 array)."""

    def __init__(self, routes: dict[tuple[str, str], Any]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.routes[(request.method, api_path(request))]
        if body is None:
            return httpx.Response(204)
        return json_response(200, body)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


async def test_urls_and_headers(make_client: MakeClient) -> None:
    recorder = Recorder(
        {("GET", "/v2/store"): {"id": STORE_HASH, "name": "Shop"}, ("PUT", "/v2/orders/5"): {"id": 5}}
    )
    async with make_client(recorder) as client:
        store = await client.store.get()
        await client.orders.update_status(5, 5)
    get, put = recorder.requests
    assert str(get.url) == f"https://api.bigcommerce.com/stores/{STORE_HASH}/v2/store"
    assert store.id == STORE_HASH
    assert get.headers["Accept"] == "application/json"
    assert get.headers["User-Agent"].startswith("bcagent/0.1")
    assert "content-type" not in get.headers
    assert put.headers["Content-Type"] == "application/json"
    assert json.loads(put.content) == {"status_id": 5}


async def test_base_url_and_pasted_store_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return json_response(200, {"time": 1})

    client = AsyncBigCommerce(
        "https://store-abc1d2ef.mybigcommerce.com/manage/dashboard",
        "token123",
        base_url="http://127.0.0.1:8765/",
        transport=httpx.MockTransport(handler),
    )
    async with client:
        await client.store.time()
    assert seen == ["http://127.0.0.1:8765/stores/abc1d2ef/v2/time"]


def test_bad_store_hash_is_rejected() -> None:
    with pytest.raises(InvalidStoreHashError):
        AsyncBigCommerce("not a hash!", "token123")


async def test_client_closes_its_http_client(make_client: MakeClient) -> None:
    client = make_client(lambda request: json_response(200, {"time": 1}))
    async with client:
        view = client.with_options(priority="bulk")
        async with view:
            await view.store.time()
        assert not client.is_closed  # closing a view leaves the shared pool open
        await client.store.time()
    assert client.is_closed
    assert client._requester.shared.http.is_closed
    with pytest.raises(RuntimeError):
        await client.store.time()


async def test_views_share_stats_and_carry_their_options(make_client: MakeClient) -> None:
    async with make_client(lambda request: json_response(200, {"time": 1})) as client:
        bulk = client.with_options(priority="bulk", max_retries=1)
        await client.store.time()
        await bulk.store.time()
        assert client.stats.requests == 2 and bulk.stats is client.stats
        assert (client.priority, bulk.priority) == ("interactive", "bulk")
        assert (client.max_retries, bulk.max_retries) == (3, 1)
        assert client.with_options(max_retries=0).priority == "interactive"


async def test_raw_request_requires_a_versioned_path(make_client: MakeClient) -> None:
    async with make_client(lambda request: json_response(200, {})) as client:
        with pytest.raises(ValueError):
            await client.request("GET", "/stores/other/v2/store")


async def test_order_methods(make_client: MakeClient) -> None:
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/v2/orders/100"): {"id": 100, "status_id": 11, "total_inc_tax": "70.0000"},
        ("GET", "/v2/orders/count"): {"count": 3, "statuses": [{"id": 11, "count": 3}]},
        ("GET", "/v2/orders"): [{"id": 100}],
        ("GET", "/v2/orders/100/products"): [{"id": 1, "name": "Gloves", "quantity": 2}],
        ("GET", "/v2/orders/100/shipping_addresses"): [{"id": 7, "city": "Austin"}],
        ("GET", "/v2/orders/100/coupons"): None,
        ("GET", "/v3/orders/100/transactions"): v3_page([{"id": 9, "event": "purchase", "amount": 70}], 1, 1),
        ("GET", "/v2/order_statuses"): [{"id": 5, "name": "Cancelled"}],
    }
    recorder = Recorder(routes)
    async with make_client(recorder) as client:
        order = await client.orders.get("#100")
        assert order.total_inc_tax is not None and str(order.total_inc_tax) == "70.0000"
        count = await client.orders.count(email="ann@example.com", status_id=11)
        assert count.count == 3 and count.statuses[0].count == 3
        assert dict(recorder.last.url.params) == {"email": "ann@example.com", "status_id": "11"}
        page = await client.orders.list(
            customer_id=4, min_date_created="2025-01-01", sort="date_created:desc"
        )
        assert [o.id for o in page] == [100]
        assert dict(recorder.last.url.params) == {
            "customer_id": "4",
            "min_date_created": "2025-01-01",
            "sort": "date_created:desc",
            "page": "1",
            "limit": "50",
        }
        assert (await client.orders.products(100))[0].quantity == 2
        assert (await client.orders.shipping_addresses(100))[0].city == "Austin"
        assert await client.orders.coupons(100) == []
        assert (await client.orders.transactions(100))[0].event == "purchase"
        assert (await client.order_statuses.list())[0].name == "Cancelled"


@pytest.mark.parametrize("bad", ["../store", "12a", -3, 0, True, "1/../2"])
async def test_ids_cannot_alter_the_path(make_client: MakeClient, bad: Any) -> None:
    async with make_client(lambda request: json_response(200, {})) as client:
        with pytest.raises(ValueError):
            await client.orders.get(bad)


async def test_update_status_validates_before_sending(make_client: MakeClient) -> None:
    recorder = Recorder({})
    async with make_client(recorder) as client:
        with pytest.raises(ValueError):
            await client.orders.update_status(5, "5")  # type: ignore[arg-type]
    assert recorder.requests == []


async def test_product_methods(make_client: MakeClient) -> None:
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/v3/catalog/products/7"): {"data": {"id": 7, "name": "Gloves", "price": 39.5}, "meta": {}},
        ("GET", "/v3/catalog/products"): v3_page([{"id": 7}], 1, 1),
        ("GET", "/v3/catalog/products/7/variants"): v3_page([{"id": 70, "sku": "G-M"}], 1, 1),
        ("GET", "/v3/catalog/categories"): v3_page([{"id": 18, "name": "Gloves"}], 1, 1),
        ("GET", "/v3/catalog/trees/categories"): v3_page([{"category_id": 18, "tree_id": 1}], 1, 1),
    }
    recorder = Recorder(routes)
    async with make_client(recorder) as client:
        product = await client.products.get(
            7, include=["variants", "images"], include_fields=["name", "price"]
        )
        assert product.name == "Gloves"
        assert dict(recorder.last.url.params) == {
            "include": "variants,images",
            "include_fields": "name,price",
        }
        await client.products.iter(
            include=["variants"],
            is_visible=True,
            keyword="glove",
            filters={"id:in": [1, 2, 7]},
            date_modified__min="2025-01-15",
        ).collect()
        assert dict(recorder.last.url.params) == {
            "include": "variants",
            "is_visible": "true",
            "keyword": "glove",
            "id:in": "1,2,7",
            "date_modified:min": "2025-01-15",
            "limit": "250",
            "page": "1",
        }
        assert (await client.products.variants(7))[0].sku == "G-M"
        assert (await client.categories.iter().collect())[0].name == "Gloves"
        assert (await client.categories.tree_iter(filters={"tree_id:in": [1]}).collect())[0].category_id == 18
        assert recorder.last.url.params["tree_id:in"] == "1"


async def test_customer_methods(make_client: MakeClient) -> None:
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/v3/customers"): v3_page(
            [{"id": 1, "email": "ann@example.com", "customer_group_id": 2}], 1, 1
        ),
        ("GET", "/v2/customer_groups"): [{"id": 2, "name": "Wholesale"}],
        ("GET", "/v2/customer_groups/2"): {"id": 2, "name": "Wholesale"},
    }
    recorder = Recorder(routes)
    async with make_client(recorder) as client:
        customers = await client.customers.iter(filters={"email:in": ["ann@example.com"]}).collect()
        assert customers[0].customer_group_id == 2
        assert recorder.last.url.params["email:in"] == "ann@example.com"
        assert (await client.customer_groups.iter().collect())[0].name == "Wholesale"
        assert (await client.customer_groups.get(2)).name == "Wholesale"


async def test_marketing_lookups_only_return_whole_code_matches(make_client: MakeClient) -> None:
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/v2/gift_certificates"): [{"id": 1, "code": "GC-1234-X"}, {"id": 2, "code": "GC-1234"}],
        ("GET", "/v2/coupons"): [{"id": 3, "code": "SAVE200"}],
        ("GET", "/v3/promotions/codes"): {
            "data": [{"id": 4, "code": "SAVE20"}, {"id": 5, "code": "SAVE2"}],
            "meta": {},
        },
        ("GET", "/v3/promotions"): v3_page([{"id": 6, "name": "Spring", "status": "ENABLED"}], 1, 1),
    }
    recorder = Recorder(routes)
    async with make_client(recorder) as client:
        certificate = await client.gift_certificates.find_by_code(" gc-1234 ")
        assert certificate is not None and certificate.id == 2
        assert recorder.last.url.params["code"] == "gc-1234"
        assert await client.coupons.find_by_code("SAVE20") is None
        assert recorder.last.url.params["code"] == "SAVE20"
        codes = await client.promotions.find_codes("save20")
        assert [code.id for code in codes] == [4]
        assert api_path(recorder.last) == "/v3/promotions/codes"
        promotions = await client.promotions.iter(code="SAVE20").collect()
        assert promotions[0].status == "ENABLED"
        assert recorder.last.url.params["code"] == "SAVE20"
        with pytest.raises(ValueError):
            await client.coupons.find_by_code("   ")


async def test_an_order_with_its_consignments(make_client: MakeClient) -> None:
    """``orders.get(..., consignments=True)`` asks for the consignments in the object structure and
    parses the shipping ones: the address and the line items (orders.v2 ``orderConsignment_Get``)."""
    order = {
        "id": 100,
        "items_total": 2,
        "consignments": {
            "pickups": [],
            "shipping": [
                {
                    "id": 7,
                    "first_name": "Ann",
                    "city": "Austin",
                    "state": "Texas",
                    "country": "United States",
                    "line_items": [{"id": 1, "name": "Gloves", "quantity": 2, "order_address_id": 7}],
                    "items_total": 2,
                    "items_shipped": 0,
                    "shipping_method": "Free Shipping",
                }
            ],
            "downloads": [],
            "email": {"gift_certificates": []},
        },
    }
    recorder = Recorder({("GET", "/v2/orders/100"): order})
    async with make_client(recorder) as client:
        found = await client.orders.get(100, consignments=True)
        assert dict(recorder.last.url.params) == {
            "include": "consignments.line_items",
            "consignment_structure": "object",
        }
        assert found.consignments is not None
        [shipping] = found.consignments.shipping
        assert (shipping.city, shipping.items_total, shipping.line_items[0].name) == ("Austin", 2, "Gloves")
        plain = await client.orders.get(100)
        assert dict(recorder.last.url.params) == {} and plain.id == 100
