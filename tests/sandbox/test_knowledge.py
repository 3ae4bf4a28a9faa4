"""The sandbox serves pages, shipping zones and methods, payment methods, refunds and shipping-address
changes as BigCommerce documents them: wire format, scopes, paging, filters and errors (over HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox.app import Sandbox
from sandbox.formats import SCOPE_MESSAGE
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN, SMALL_READONLY_TOKEN
from tests.sandbox.conftest import client_for
from tests.sandbox.knowledge_data import BIG_BODY_BYTES, BROKEN_HTML, KNOWLEDGE_TOKEN, with_knowledge


@pytest.fixture
def knowledge_sandbox(small_data: dict[str, Any]) -> Sandbox:
    return Sandbox([SandboxStore.from_data(with_knowledge(small_data), "small+knowledge")], quota=10_000)


@pytest.fixture
async def reader(knowledge_sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(knowledge_sandbox, KNOWLEDGE_TOKEN) as client:
        yield client


# ---- pages -------------------------------------------------------------------------------------------------


async def test_pages_are_paged_with_v3_pagination(reader: httpx.AsyncClient) -> None:
    first = (await reader.get("/v3/content/pages", params={"limit": 4})).json()
    assert [p["id"] for p in first["data"]] == [1, 2, 3, 4]
    pagination = first["meta"]["pagination"]
    assert pagination | {"links": None} == {"total": 9, "count": 4, "per_page": 4, "current_page": 1,
                                            "total_pages": 3, "links": None}  # fmt: skip
    assert pagination["links"]["next"] == "?page=2&limit=4"
    last = (await reader.get("/v3/content/pages", params={"limit": 4, "page": 3})).json()
    assert [p["id"] for p in last["data"]] == [9]
    assert "next" not in last["meta"]["pagination"]["links"]


async def test_body_only_with_include_body(reader: httpx.AsyncClient) -> None:
    plain = (await reader.get("/v3/content/pages")).json()["data"]
    assert not any("body" in page for page in plain)
    pages = {
        p["id"]: p for p in (await reader.get("/v3/content/pages", params={"include": "body"})).json()["data"]
    }
    assert pages[1]["body"].startswith("<h1>Returns</h1>")
    assert pages[3]["body"] == BROKEN_HTML  # served as stored, broken or not
    assert pages[4]["body"] == ""
    assert len(pages[5]["body"].encode()) >= BIG_BODY_BYTES - 8
    assert "body" not in pages[7] and pages[7]["link"] == "https://suppliers.example/list"
    assert "url" not in pages[7]
    assert pages[6]["is_visible"] is False  # hidden pages are listed; the client filters on is_visible
    assert pages[1]["url"] == "/returns/" and pages[3]["url"] == "/sizing/"  # url defaults from the name
    assert pages[2]["type"] == "contact_form" and pages[2]["email"] == "help@smallshop.example"
    assert "email" not in pages[1]
    assert pages[9]["content_type"] == "text/html"


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"id:in": "2,4,99"}, [2, 4]),
        ({"id:in": "99"}, []),
        ({"name": "Contact"}, [2]),
        ({"name": "contact"}, []),
        ({"name:like": "refund"}, [1]),  # matches the body
        ({"name:like": "GLOVES"}, [3, 5]),  # the name of 5, the body of 3
        ({"channel_id": "2"}, [9]),
    ],
)
async def test_page_filters(reader: httpx.AsyncClient, params: dict[str, str], ids: list[int]) -> None:
    response = await reader.get("/v3/content/pages", params=params)
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["data"]] == ids


@pytest.mark.parametrize(
    ("params", "status", "errors"),
    [
        ({"is_visible": "true"}, 400, None),
        ({"sort": "name"}, 400, None),
        ({"id:in": "1,abc"}, 422, ["abc"]),
        ({"channel_id": "x"}, 422, ["x"]),
        ({"include": "body,widgets"}, 422, ["widgets"]),
        ({"limit": "0"}, 422, None),
        ({"limit": "251"}, 413, None),
    ],
)
async def test_page_parameter_errors(
    reader: httpx.AsyncClient, params: dict[str, str], status: int, errors: list[str] | None
) -> None:
    response = await reader.get("/v3/content/pages", params=params)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status and body["title"]
    if errors is not None:
        assert body["errors"] == errors
    if status == 400:
        assert next(iter(params)) in body["title"]


async def test_one_page(reader: httpx.AsyncClient) -> None:
    one = (await reader.get("/v3/content/pages/1", params={"include": "body"})).json()
    assert one["data"]["name"] == "Returns" and one["data"]["body"].startswith("<h1>") and one["meta"] == {}
    missing = await reader.get("/v3/content/pages/99")
    assert missing.status_code == 404
    assert missing.json()["title"] == "A Page was not found with an ID of 99"
    filtered = await reader.get("/v3/content/pages/1", params={"channel_id": "2"})
    assert filtered.status_code == 404  # exists, but not on channel 2
    bad = await reader.get("/v3/content/pages/bar")
    assert bad.status_code == 422 and bad.json()["errors"] == ["bar"]


async def test_pages_need_the_content_scope(knowledge_sandbox: Sandbox) -> None:
    async with client_for(knowledge_sandbox, SMALL_FULL_TOKEN) as client:
        response = await client.get("/v3/content/pages")
    assert response.status_code == 403
    assert response.json()["title"] == SCOPE_MESSAGE
    async with client_for(knowledge_sandbox, KNOWLEDGE_TOKEN) as client:
        assert (await client.delete("/v3/content/pages/1")).status_code == 403  # read-only scope


# ---- shipping ----------------------------------------------------------------------------------------------


async def test_shipping_zones(reader: httpx.AsyncClient) -> None:
    zones = (await reader.get("/v2/shipping/zones")).json()
    assert [z["name"] for z in zones] == ["United States", "Canada", "Texas"]
    us = zones[0]
    assert "methods" not in us
    assert us["free_shipping"] == {"enabled": True, "minimum_sub_total": "100.0000",
                                   "exclude_fixed_shipping_products": False}  # fmt: skip
    assert us["type"] == "country" and us["locations"][0]["country_iso2"] == "US"
    assert isinstance(us["locations"][0]["id"], int)
    assert zones[1]["free_shipping"]["enabled"] is False and zones[2]["enabled"] is False
    assert (await reader.get("/v2/shipping/zones/2")).json()["name"] == "Canada"
    missing = await reader.get("/v2/shipping/zones/9")
    assert missing.status_code == 404
    assert missing.json() == [{"status": 404, "message": "The requested resource was not found."}]


async def test_shipping_methods(reader: httpx.AsyncClient) -> None:
    methods = (await reader.get("/v2/shipping/zones/1/methods")).json()
    assert [m["type"] for m in methods] == ["perorder", "weight", "peritem", "upsready"]
    assert methods[0]["settings"] == {"rate": 5} and methods[0]["enabled"] is True
    assert methods[2]["settings"] == {}  # a method with no rate is served as stored
    assert methods[3]["enabled"] is False
    assert [m["id"] for m in methods] == sorted(m["id"] for m in methods)
    one = await reader.get(f"/v2/shipping/zones/1/methods/{methods[1]['id']}")
    assert one.json()["settings"]["range"][0]["shipping_cost"] == 8
    none = await reader.get("/v2/shipping/zones/2/methods")
    assert none.status_code == 204 and none.content == b""  # a zone with no methods
    assert (await reader.get("/v2/shipping/zones/9/methods")).status_code == 404
    assert (await reader.get("/v2/shipping/zones/1/methods/999")).status_code == 404


async def test_shipping_needs_the_information_scope(knowledge_sandbox: Sandbox) -> None:
    async with client_for(knowledge_sandbox, SMALL_READONLY_TOKEN) as client:
        assert (await client.get("/v2/shipping/zones")).status_code == 403
    async with client_for(knowledge_sandbox, KNOWLEDGE_TOKEN) as client:
        assert (await client.put("/v2/shipping/zones/1", json={"name": "US"})).status_code == 403


# ---- payment methods ---------------------------------------------------------------------------------------


async def test_payment_methods_sorted_by_name_and_paged(reader: httpx.AsyncClient) -> None:
    methods = (await reader.get("/v2/payments/methods")).json()
    assert [m["name"] for m in methods] == ["Cash on Delivery", "Credit Card", "PayPal"]
    assert methods[1] == {"code": "braintree", "name": "Credit Card", "test_mode": True}
    second = (await reader.get("/v2/payments/methods", params={"limit": 1, "page": 2})).json()
    assert [m["code"] for m in second] == ["braintree"]
    past = await reader.get("/v2/payments/methods", params={"limit": 1, "page": 9})
    assert past.status_code == 204


async def test_payment_methods_need_their_own_scope(knowledge_sandbox: Sandbox) -> None:
    async with client_for(knowledge_sandbox, SMALL_FULL_TOKEN) as client:  # information, but not payments
        response = await client.get("/v2/payments/methods")
    assert response.status_code == 403 and response.json()["title"] == SCOPE_MESSAGE


# ---- refunds -----------------------------------------------------------------------------------------------


async def test_order_refunds(reader: httpx.AsyncClient) -> None:
    body = (await reader.get("/v3/orders/101/payment_actions/refunds")).json()
    assert body["meta"] == {}
    first, second = body["data"]
    assert (first["id"], first["order_id"], first["total_amount"], first["reason"]) == (
        7,
        101,
        20,
        "Arrived damaged",
    )
    assert first["payments"][0] | {"id": 0} == {"id": 0, "provider_id": "braintree", "amount": 20, "offline": False,
                                                "is_declined": False, "declined_message": "", "transaction_id": "31"}  # fmt: skip
    assert second["items"][0]["item_type"] == "SHIPPING" and second["payments"][0]["offline"] is True
    assert (await reader.get("/v3/orders/100/payment_actions/refunds")).json() == {"data": [], "meta": {}}
    by_tx = await reader.get("/v3/orders/101/payment_actions/refunds", params={"transaction_id": "31"})
    assert [r["id"] for r in by_tx.json()["data"]] == [7]
    missing = await reader.get("/v3/orders/999/payment_actions/refunds")
    assert missing.status_code == 404 and missing.json()["status"] == 404


async def test_all_refunds_filters_and_paging(reader: httpx.AsyncClient) -> None:
    async def ids(**params: str) -> list[int]:
        response = await reader.get("/v3/orders/payment_actions/refunds", params=params)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["data"]]

    assert await ids() == [7, 8]
    assert await ids(**{"order_id:in": "100"}) == []
    assert await ids(**{"id:in": "8"}) == [8]
    assert await ids(**{"created:min": "2026-01-06T00:00:00+00:00"}) == [8]
    assert await ids(**{"created:max": "2026-01-06T00:00:00+00:00"}) == [7]
    page = (await reader.get("/v3/orders/payment_actions/refunds", params={"limit": 1, "page": 2})).json()
    assert [r["id"] for r in page["data"]] == [8] and page["meta"]["pagination"]["total"] == 2
    bad = await reader.get("/v3/orders/payment_actions/refunds", params={"order_id:in": "x"})
    assert bad.status_code == 422
    assert (await reader.get("/v3/orders/payment_actions/refunds/8")).json()["data"]["total_amount"] == 4.5
    assert (await reader.get("/v3/orders/payment_actions/refunds/99")).status_code == 404


async def test_refunds_accept_the_orders_or_the_transactions_scope(knowledge_sandbox: Sandbox) -> None:
    store = knowledge_sandbox.store
    store.tokens["onlyorders0000000000000000000009"] = frozenset({"store_v2_orders_read_only"})
    store.tokens["onlytransactions000000000000009"] = frozenset({"store_v2_transactions_read_only"})
    store.tokens["onlyproducts00000000000000000009"] = frozenset({"store_v2_products_read_only"})
    for token, status in (
        ("onlyorders0000000000000000000009", 200),
        ("onlytransactions000000000000009", 200),
        ("onlyproducts00000000000000000009", 403),
    ):
        async with client_for(knowledge_sandbox, token) as client:
            assert (await client.get("/v3/orders/101/payment_actions/refunds")).status_code == status
            assert (await client.get("/v3/orders/payment_actions/refunds")).status_code == status


# ---- shipping-address changes ------------------------------------------------------------------------------

ADDRESS = "/v2/orders/100/shipping_addresses/1"
NEW_ADDRESS = {"street_1": "9 New Street", "city": "Hamburg", "zip": "20095", "country": "Germany",
               "country_iso2": "DE"}  # fmt: skip


async def test_update_shipping_address(knowledge_sandbox: Sandbox) -> None:
    async with client_for(knowledge_sandbox, SMALL_FULL_TOKEN) as client:
        before = (await client.get(ADDRESS)).json()
        response = await client.put(ADDRESS, json=NEW_ADDRESS)
        assert response.status_code == 200, response.text
        assert response.json() | NEW_ADDRESS == response.json()
        after = (await client.get(ADDRESS)).json()
        order = (await client.get("/v2/orders/100")).json()
    assert after == response.json()
    assert after["first_name"] == before["first_name"] == "Ann"  # untouched fields stay
    assert after["base_cost"] == before["base_cost"]  # no recalculation of shipping cost
    assert order["date_modified"] != "Thu, 01 Jan 2026 12:00:00 +0000"
    assert "refunds" not in order


@pytest.mark.parametrize(
    ("url", "body", "status", "message"),
    [
        ("/v2/orders/100/shipping_addresses/99", NEW_ADDRESS, 404, "The requested resource was not found."),
        ("/v2/orders/999/shipping_addresses/1", NEW_ADDRESS, 404, "The requested resource was not found."),
        (
            ADDRESS,
            {"items_total": 3},
            400,
            "The field 'items_total' cannot be written to. Please remove it "
            "from your request before trying again.",
        ),
        (
            ADDRESS,
            {"id": 5},
            400,
            "The field 'id' cannot be written to. Please remove it from your request before trying again.",
        ),
        (ADDRESS, {"zip": 20095}, 400, "The field 'zip' is invalid."),
        (ADDRESS, {"form_fields": "x"}, 400, "The field 'form_fields' is invalid."),
    ],
)
async def test_update_shipping_address_errors(
    knowledge_sandbox: Sandbox, url: str, body: dict[str, Any], status: int, message: str
) -> None:
    async with client_for(knowledge_sandbox, SMALL_FULL_TOKEN) as client:
        response = await client.put(url, json=body)
        unchanged = (await client.get(ADDRESS)).json()
    assert response.status_code == status
    assert response.json() == [{"status": status, "message": message}]
    assert unchanged["street_1"] == "1 Old Road"


async def test_update_shipping_address_needs_orders_modify(knowledge_sandbox: Sandbox) -> None:
    async with client_for(knowledge_sandbox, KNOWLEDGE_TOKEN) as client:  # orders read-only
        response = await client.put(ADDRESS, json=NEW_ADDRESS)
        assert response.status_code == 403
        assert (await client.get(ADDRESS)).json()["street_1"] == "1 Old Road"
    async with client_for(knowledge_sandbox, SMALL_FULL_TOKEN) as client:
        text = await client.put(ADDRESS, content=b"street_1=x", headers={"Content-Type": "text/plain"})
        broken = await client.put(ADDRESS, content=b"{", headers={"Content-Type": "application/json"})
    assert (text.status_code, broken.status_code) == (415, 400)
