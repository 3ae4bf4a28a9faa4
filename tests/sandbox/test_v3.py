"""v3 wire format: {data, meta.pagination}, numbers for money, ISO-8601 dates, v3 error envelopes."""

from __future__ import annotations

from datetime import datetime

import httpx

from sandbox.formats import STATUS_CODES_URL


async def product_ids(api: httpx.AsyncClient, **params: object) -> list[int]:
    response = await api.get("/v3/catalog/products", params=params)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["data"]]


async def test_products_page_envelope(api: httpx.AsyncClient) -> None:
    body = (await api.get("/v3/catalog/products", params={"limit": 2, "page": 2})).json()
    assert [p["id"] for p in body["data"]] == [3, 4]
    assert body["meta"]["pagination"] == {
        "total": 5,
        "count": 2,
        "per_page": 2,
        "current_page": 2,
        "total_pages": 3,
        "links": {"current": "?page=2&limit=2", "previous": "?page=1&limit=2", "next": "?page=3&limit=2"},
    }
    product = body["data"][0]
    assert isinstance(product["price"], float)
    assert datetime.fromisoformat(product["date_modified"]).tzinfo is not None
    assert "variants" not in product


async def test_default_limit_is_50_and_empty_list_is_200(api: httpx.AsyncClient) -> None:
    body = (await api.get("/v3/catalog/products")).json()
    assert body["meta"]["pagination"]["per_page"] == 50
    empty = await api.get("/v3/catalog/products", params={"keyword": "trampoline"})
    assert empty.status_code == 200
    assert empty.json()["data"] == [] and empty.json()["meta"]["pagination"]["total"] == 0


async def test_includes_nest_sub_resources(api: httpx.AsyncClient) -> None:
    params = {"include": "variants,images,custom_fields,videos", "id:in": "1,2"}
    products = (await api.get("/v3/catalog/products", params=params)).json()["data"]
    gloves, sparring = products
    assert gloves["custom_fields"][0] == {
        "id": gloves["custom_fields"][0]["id"],
        "name": "Material",
        "value": "Leather",
    }
    assert gloves["videos"][0]["type"] == "youtube" and gloves["videos"][0]["video_id"] == "dQw4w9WgXcQ"
    assert gloves["images"][0]["product_id"] == 1
    assert [v["inventory_level"] for v in sparring["variants"]] == [0, 3]
    assert sparring["variants"][1]["calculated_price"] == 59.5
    assert sparring["calculated_price"] == 59.5


async def test_include_fields_trims_but_keeps_id(api: httpx.AsyncClient) -> None:
    products = (await api.get("/v3/catalog/products", params={"include_fields": "name,is_visible"})).json()[
        "data"
    ]
    assert products[0] == {"id": 1, "name": "Bag Gloves", "is_visible": True}
    with_variants = (
        await api.get("/v3/catalog/products/2", params={"include_fields": "name", "include": "variants"})
    ).json()
    assert set(with_variants["data"]) == {"id", "name", "variants"}
    excluded = (await api.get("/v3/catalog/products/1", params={"exclude_fields": "description,id"})).json()[
        "data"
    ]
    assert "description" not in excluded and excluded["id"] == 1


async def test_product_filters(api: httpx.AsyncClient) -> None:
    assert await product_ids(api, **{"id:in": "5,1,9"}) == [1, 5]
    assert await product_ids(api, **{"id:not_in": "1,2,3"}) == [4, 5]
    assert await product_ids(api, **{"id:min": 4}) == [4, 5]
    assert await product_ids(api, is_visible="false") == [3]
    assert await product_ids(api, **{"date_modified:min": "2026-02-15"}) == [2]
    assert await product_ids(api, **{"date_modified:max": "2026-02-15T00:00:00Z"}) == [1, 3, 4, 5]
    assert await product_ids(api, keyword="leather gloves") == [1]
    assert await product_ids(api, **{"inventory_level:greater": 0}) == [1, 2]  # 2: its variants' total
    assert await product_ids(api, **{"inventory_level:max": 0}) == [3, 4, 5]
    assert await product_ids(api, out_of_stock=1) == [4]
    assert await product_ids(api, categories=19) == [3, 4]
    assert await product_ids(api, sort="price", direction="desc") == [5, 3, 4, 2, 1]
    assert await product_ids(api, sku="SG-1") == [2]


async def test_single_product_and_404_envelope(api: httpx.AsyncClient) -> None:
    body = (await api.get("/v3/catalog/products/1")).json()
    assert body["data"]["name"] == "Bag Gloves" and body["meta"] == {}
    missing = await api.get("/v3/catalog/products/77")
    assert missing.status_code == 404
    error = missing.json()
    assert set(error) == {"status", "title", "type", "errors"}
    assert error["status"] == 404 and error["type"] == STATUS_CODES_URL


async def test_limit_above_250_is_413_and_bad_values_are_422(api: httpx.AsyncClient) -> None:
    too_many = await api.get("/v3/catalog/products", params={"limit": 251})
    assert too_many.status_code == 413
    assert too_many.json()["status"] == 413 and "limit" in too_many.json()["errors"]
    assert (await api.get("/v3/catalog/products", params={"limit": 250})).status_code == 200
    for params in (
        {"id:in": "one"},
        {"limit": 0},
        {"page": "x"},
        {"is_visible": "maybe"},
        {"sort": "colour"},
    ):
        response = await api.get("/v3/catalog/products", params=params)
        assert response.status_code == 422, params
        assert response.json()["status"] == 422


async def test_variants_endpoints(api: httpx.AsyncClient) -> None:
    variants = (await api.get("/v3/catalog/products/2/variants")).json()["data"]
    assert [v["sku"] for v in variants] == ["SG-1-12", "SG-1-14"]
    one = (await api.get(f"/v3/catalog/products/2/variants/{variants[1]['id']}")).json()["data"]
    assert one["option_values"][0]["label"] == "14oz"
    across = (await api.get("/v3/catalog/variants", params={"product_id:in": "2"})).json()["data"]
    assert len(across) == 2
    assert (await api.get("/v3/catalog/products/1/custom-fields")).json()["data"][0]["name"] == "Material"
    assert (await api.get("/v3/catalog/products/1/videos")).json()["meta"]["pagination"]["total"] == 1
    assert (await api.get("/v3/catalog/products/1/images")).json()["data"][0]["is_thumbnail"] is True


async def test_categories_and_trees(api: httpx.AsyncClient) -> None:
    categories = (await api.get("/v3/catalog/categories")).json()["data"]
    assert [c["name"] for c in categories] == ["Gloves", "Bags", "Wholesale Only"]
    assert categories[0]["custom_url"] == {"url": "/gloves/", "is_customized": False}
    tree = (await api.get("/v3/catalog/trees/categories", params={"category_id:in": "18,30"})).json()["data"]
    assert [(c["category_id"], c["tree_id"], c["url"]["path"]) for c in tree] == [
        (18, 1, "/gloves/"),
        (30, 1, "/wholesale-only/"),
    ]
    assert (await api.get("/v3/catalog/categories/19")).json()["data"]["name"] == "Bags"


async def test_customers(api: httpx.AsyncClient) -> None:
    found = (await api.get("/v3/customers", params={"email:in": "ANN@example.com"})).json()
    assert [c["id"] for c in found["data"]] == [1]
    assert found["meta"]["pagination"]["total"] == 1
    wholesale = (await api.get("/v3/customers", params={"customer_group_id:in": "2"})).json()["data"]
    assert [c["email"] for c in wholesale] == ["bulk@example.com"]


async def test_promotions_and_codes(api: httpx.AsyncClient) -> None:
    everything = (await api.get("/v3/promotions")).json()["data"]
    assert [p["id"] for p in everything] == [1, 2]
    assert "codes" not in everything[1]
    by_code = (await api.get("/v3/promotions", params={"code": "spring15"})).json()["data"]
    assert [p["name"] for p in by_code] == ["Spring code"]
    automatic = (await api.get("/v3/promotions", params={"redemption_type": "automatic"})).json()["data"]
    assert [p["id"] for p in automatic] == [1]
    codes = (await api.get("/v3/promotions/2/codes")).json()["data"]
    assert codes[0]["code"] == "SPRING15" and codes[0]["max_uses"] == 100
    lookup = (await api.get("/v3/promotions/codes", params={"code": "SPRING15"})).json()["data"]
    assert lookup == codes
    assert (await api.get("/v3/promotions/codes", params={"code": "NOPE"})).json()["data"] == []
    assert (await api.get("/v3/promotions/9")).status_code == 404


async def test_transactions(api: httpx.AsyncClient) -> None:
    body = (await api.get("/v3/orders/100/transactions")).json()
    assert body["data"][0]["order_id"] == "100"
    assert body["data"][0]["amount"] == 78.0
    assert datetime.fromisoformat(body["data"][0]["date_created"])
    none = await api.get("/v3/orders/101/transactions")
    assert none.status_code == 204
    assert (await api.get("/v3/orders/999/transactions")).status_code == 404
