"""v2 wire format: bare arrays, 204 for empty lists, 4-decimal money strings, RFC-2822 dates, v2 errors."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

import httpx

MONEY = re.compile(r"^-?\d+\.\d{4}$")


async def test_orders_are_a_bare_array_with_v2_types(api: httpx.AsyncClient) -> None:
    response = await api.get("/v2/orders")
    assert response.status_code == 200
    orders = response.json()
    assert isinstance(orders, list)
    assert [o["id"] for o in orders] == [100, 101, 102]
    first = orders[0]
    for field in ("total_inc_tax", "subtotal_ex_tax", "discount_amount", "refunded_amount"):
        assert MONEY.match(first[field]), field
    assert parsedate_to_datetime(first["date_created"]).year == 2026
    assert first["date_shipped"] == ""
    assert first["status"] == "Awaiting Fulfillment"
    assert first["products"] == {
        "url": "http://sandbox/stores/smallshop/v2/orders/100/products",
        "resource": "/orders/100/products",
    }


async def test_empty_v2_list_is_204_with_empty_body(api: httpx.AsyncClient) -> None:
    for path in ("/v2/orders?email=nobody@example.com", "/v2/orders/100/shipments", "/v2/coupons?code=NOPE"):
        response = await api.get(path)
        assert response.status_code == 204, path
        assert response.content == b""


async def test_paging_past_the_end_is_204(api: httpx.AsyncClient) -> None:
    page1 = await api.get("/v2/orders", params={"limit": 2, "page": 1})
    page2 = await api.get("/v2/orders", params={"limit": 2, "page": 2})
    page3 = await api.get("/v2/orders", params={"limit": 2, "page": 3})
    assert [o["id"] for o in page1.json()] == [100, 101]
    assert [o["id"] for o in page2.json()] == [102]
    assert page3.status_code == 204


async def test_order_filters(api: httpx.AsyncClient) -> None:
    async def ids(**params: object) -> list[int]:
        response = await api.get("/v2/orders", params=params)
        return [] if response.status_code == 204 else [o["id"] for o in response.json()]

    assert await ids(email="ANN@example.com ") == [100, 102]
    assert await ids(customer_id=0) == [101]
    assert await ids(status_id=2) == [101]
    assert await ids(min_id=101) == [101, 102]
    assert await ids(max_id=100) == [100]
    assert await ids(min_date_created="2026-03-01") == [101]
    assert await ids(min_date_created="2026-02-01", max_date_created="Tue, 03 Feb 2026 00:00:00 +0000") == [
        100
    ]
    assert await ids(max_date_created="2026-01-31T00:00:00Z") == [102]
    assert await ids(min_total=60) == [100]
    assert await ids(sort="id:desc") == [102, 101, 100]


async def test_order_count_by_status(api: httpx.AsyncClient) -> None:
    body = (await api.get("/v2/orders/count")).json()
    assert body["count"] == 3
    by_id = {row["id"]: row for row in body["statuses"]}
    assert len(by_id) == 15
    assert by_id[11]["count"] == 1 and by_id[2]["count"] == 1 and by_id[9]["count"] == 1
    assert by_id[5] == {**by_id[5], "name": "Cancelled", "count": 0}


async def test_order_sub_resources(api: httpx.AsyncClient) -> None:
    items = (await api.get("/v2/orders/100/products")).json()
    assert items[0]["order_id"] == 100 and items[0]["base_price"] == "39.0000"
    item = (await api.get(f"/v2/orders/100/products/{items[0]['id']}")).json()
    assert item["name"] == "Bag Gloves"
    shipments = (await api.get("/v2/orders/101/shipments")).json()
    assert shipments[0]["tracking_number"] == "1Z999AA10123456784"
    assert parsedate_to_datetime(shipments[0]["date_created"])
    assert (await api.get("/v2/orders/101/shipments/count")).json() == {"count": 1}
    assert (await api.get("/v2/orders/100/shipping_addresses")).status_code == 204


async def test_order_statuses_list_all_fifteen(api: httpx.AsyncClient) -> None:
    statuses = (await api.get("/v2/order_statuses")).json()
    assert [s["id"] for s in statuses] == list(range(15))
    assert statuses[11]["name"] == "Awaiting Fulfillment"
    assert (await api.get("/v2/order_statuses/5")).json()["name"] == "Cancelled"


async def test_v2_errors_are_arrays(api: httpx.AsyncClient) -> None:
    response = await api.get("/v2/orders/999")
    assert response.status_code == 404
    assert response.json() == [{"status": 404, "message": "The requested resource was not found."}]
    bad = await api.get("/v2/orders", params={"min_id": "ten"})
    assert bad.status_code == 400
    assert bad.json()[0]["status"] == 400 and "min_id" in bad.json()[0]["message"]
    assert (await api.get("/v2/orders", params={"sort": "colour:asc"})).status_code == 400


async def test_store_information(api: httpx.AsyncClient) -> None:
    store = (await api.get("/v2/store")).json()
    assert store["id"] == "smallshop"
    assert store["name"] == "Small Shop"
    assert store["secure_url"] == "https://small-shop.example"
    assert (store["currency"], store["currency_symbol_location"], store["decimal_separator"]) == (
        "EUR",
        "right",
        ",",
    )
    assert isinstance((await api.get("/v2/time")).json()["time"], int)


async def test_customer_groups(api: httpx.AsyncClient) -> None:
    groups = (await api.get("/v2/customer_groups")).json()
    assert [g["name"] for g in groups] == ["Retail", "Wholesale"]
    assert groups[0]["category_access"] == {"type": "specific", "categories": [18, 19]}
    assert (await api.get("/v2/customer_groups", params={"is_group_for_guests": "true"})).json()[0]["id"] == 1
    assert (await api.get("/v2/customer_groups/count")).json() == {"count": 2}
    assert (await api.get("/v2/customer_groups/2")).json()["name"] == "Wholesale"


async def test_gift_certificates_by_code(api: httpx.AsyncClient) -> None:
    found = (await api.get("/v2/gift_certificates", params={"code": "GC-SMALL-1"})).json()
    assert len(found) == 1
    assert found[0]["balance"] == "20.0000" and found[0]["amount"] == "50.0000"
    assert (await api.get("/v2/gift_certificates", params={"code": "gc-small-1x"})).status_code == 204
    default_balance = (await api.get("/v2/gift_certificates/2")).json()
    assert default_balance["balance"] == "25.0000" and default_balance["status"] == "expired"


async def test_coupons_by_code_and_count(api: httpx.AsyncClient) -> None:
    found = (await api.get("/v2/coupons", params={"code": "OLD5"})).json()
    assert found[0]["amount"] == "5.0000"
    assert parsedate_to_datetime(found[0]["expires"]).year == 2020
    assert (await api.get("/v2/coupons/count")).json() == {"count": 2}
    assert (await api.get("/v2/coupons", params={"type": "per_total_discount"})).json()[0]["code"] == "TENOFF"
