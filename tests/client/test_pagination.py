"""Pagination edge cases: v2 arrays (204, short pages, exact multiples), v3 envelopes, cursors."""

from __future__ import annotations

import httpx
import pytest

from .conftest import MakeClient
from .helpers import api_path, json_response, v3_page


class V2Store:
    """Serves ``count`` orders as a BigCommerce v2 list: pages of ``limit``, 204 past the end."""

    def __init__(self, count: int) -> None:
        self.orders = [{"id": i + 1, "status_id": 11} for i in range(count)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        page = int(request.url.params["page"])
        limit = int(request.url.params["limit"])
        chunk = self.orders[(page - 1) * limit : page * limit]
        return json_response(200, chunk) if chunk else httpx.Response(204)


class V3Store:
    """Serves ``count`` products as a v3 list with ``meta.pagination``."""

    def __init__(self, count: int) -> None:
        self.products = [{"id": i + 1, "name": f"P{i + 1}"} for i in range(count)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        page = int(request.url.params["page"])
        limit = int(request.url.params["limit"])
        total_pages = max(1, -(-len(self.products) // limit))
        chunk = self.products[(page - 1) * limit : page * limit]
        return json_response(200, v3_page(chunk, page, total_pages, per_page=limit))


@pytest.mark.parametrize(
    ("count", "expected_requests"), [(0, 1), (1, 1), (249, 1), (250, 2), (251, 2), (500, 3)]
)
async def test_v2_iteration(make_client: MakeClient, count: int, expected_requests: int) -> None:
    store = V2Store(count)
    async with make_client(store) as client:
        orders = [order async for order in client.orders.iter(status_id=11)]
    assert [order.id for order in orders] == list(range(1, count + 1))
    assert len(store.requests) == expected_requests
    assert [r.url.params["page"] for r in store.requests] == [str(p) for p in range(1, expected_requests + 1)]
    assert all(r.url.params["limit"] == "250" for r in store.requests)
    assert all(r.url.params["status_id"] == "11" for r in store.requests)


async def test_v2_limit_is_configurable(make_client: MakeClient) -> None:
    store = V2Store(7)
    async with make_client(store) as client:
        pages = [page async for page in client.orders.iter(limit=3).pages()]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [page.page for page in pages] == [1, 2, 3]
    assert pages[-1].has_next is False


async def test_v2_empty_body_with_200_is_treated_like_204(make_client: MakeClient) -> None:
    async with make_client(lambda request: httpx.Response(200, content=b"")) as client:
        assert await client.orders.iter().collect() == []


async def test_v2_shipments_204_is_an_empty_list(make_client: MakeClient) -> None:
    async with make_client(lambda request: httpx.Response(204)) as client:
        assert await client.orders.shipments(100) == []


@pytest.mark.parametrize(("count", "expected_requests"), [(0, 1), (1, 1), (250, 1), (251, 2), (750, 3)])
async def test_v3_iteration(make_client: MakeClient, count: int, expected_requests: int) -> None:
    store = V3Store(count)
    async with make_client(store) as client:
        products = [product async for product in client.products.iter(include=["variants", "images"])]
    assert [product.id for product in products] == list(range(1, count + 1))
    assert len(store.requests) == expected_requests
    assert all(r.url.params["include"] == "variants,images" for r in store.requests)


async def test_v3_stops_on_empty_data_even_if_meta_says_more(make_client: MakeClient) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return json_response(200, v3_page([], 1, 9))

    async with make_client(handler) as client:
        assert await client.products.iter().collect() == []
    assert len(requests) == 1


async def test_v3_stops_when_the_server_ignores_the_page_parameter(make_client: MakeClient) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return json_response(200, v3_page([{"id": 1}], 1, 3, per_page=1))

    async with make_client(handler) as client:
        items = await client.products.iter(limit=1).collect()
    assert len(items) == 2
    assert len(requests) == 2


async def test_v3_without_pagination_meta_is_one_page(make_client: MakeClient) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return json_response(200, {"data": [{"id": 1}, {"id": 2}], "meta": {}})

    async with make_client(handler) as client:
        assert len(await client.categories.iter().collect()) == 2
    assert len(requests) == 1


async def test_v3_one_page_with_meta(make_client: MakeClient) -> None:
    store = V3Store(120)
    async with make_client(store) as client:
        page = await client.products.list(page=2, limit=50, is_visible=True)
    assert [product.id for product in page] == list(range(51, 101))
    assert page.pagination is not None
    assert page.pagination.current_page == 2
    assert page.pagination.total_pages == 3
    assert page.has_next
    assert store.requests[0].url.params["is_visible"] == "true"


async def test_collect_max_items_stops_requesting(make_client: MakeClient) -> None:
    store = V3Store(1000)
    async with make_client(store) as client:
        items = await client.products.iter(limit=100).collect(max_items=150)
    assert len(items) == 150
    assert len(store.requests) == 2


async def test_iterator_is_lazy(make_client: MakeClient) -> None:
    store = V3Store(10)
    async with make_client(store) as client:
        paginator = client.products.iter()
        assert store.requests == []
        await paginator.collect()
        assert len(store.requests) == 1


async def test_transactions_204_is_an_empty_list(make_client: MakeClient) -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(api_path(request))
        return httpx.Response(204)

    async with make_client(handler) as client:
        assert await client.orders.transactions(100) == []
    assert paths == ["/v3/orders/100/transactions"]


async def test_promotion_codes_follow_the_cursor(make_client: MakeClient) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        after = request.url.params.get("after")
        if after is None:
            cursor = {
                "count": 2,
                "per_page": 2,
                "start_cursor": "a",
                "end_cursor": "b",
                "links": {"next": "?after=b"},
            }
            return json_response(
                200,
                {
                    "data": [{"id": 1, "code": "A"}, {"id": 2, "code": "B"}],
                    "meta": {"cursor_pagination": cursor},
                },
            )
        assert after == "b"
        cursor = {"count": 1, "per_page": 2, "start_cursor": "c", "end_cursor": "c", "links": {}}
        return json_response(200, {"data": [{"id": 3, "code": "C"}], "meta": {"cursor_pagination": cursor}})

    async with make_client(handler) as client:
        codes = await client.promotions.codes(7, limit=2).collect()
    assert [code.code for code in codes] == ["A", "B", "C"]
    assert len(requests) == 2
    assert all("page" not in r.url.params for r in requests)
    assert api_path(requests[0]) == "/v3/promotions/7/codes"


async def test_limit_is_validated(make_client: MakeClient) -> None:
    async with make_client(lambda request: httpx.Response(200)) as client:
        with pytest.raises(ValueError, match="limit"):
            client.products.iter(limit=251)
        with pytest.raises(ValueError, match="limit"):
            client.orders.iter(limit=0)
