"""Every operation the sandbox serves answers as BigCommerce's published schemas say (published_schemas.py).

One case per operation and status, on the small store (with an applied coupon and a shipping address
added to order 100), then a sweep over every object of the generated demo store. A final check keeps
the table, the cases and the sandbox's routes in step, so a new route cannot go unchecked.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from sandbox import (
    routes_catalog,
    routes_content,
    routes_customers,
    routes_orders,
    routes_refunds,
    routes_scripts,
    routes_shipping,
)
from sandbox.app import Sandbox
from sandbox.demo import FULL_TOKEN, generate_demo_store
from sandbox.state import SandboxStore
from tests.conftest import SMALL_READONLY_TOKEN
from tests.sandbox.conftest import client_for
from tests.sandbox.jsontypes import problems
from tests.sandbox.knowledge_data import with_knowledge
from tests.sandbox.published_schemas import CONSIGNMENTS, GATEWAY_ERRORS, RESPONSES, Operation

PRODUCT_INCLUDES = (
    "variants,images,custom_fields,videos,primary_image,options,modifiers,bulk_pricing_rules,"
    "parent_relations,channels"
)


@dataclass(frozen=True)
class Case:
    method: str
    template: str  # the operation's path template, as in RESPONSES
    url: str
    status: int
    params: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"

    @property
    def operation(self) -> Operation:
        return self.method, self.template

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.method} {self.url}{'?' + query if query else ''} -> {self.status}"


def get(template: str, url: str, status: int = 200, **params: str) -> Case:
    return Case("GET", template, url, status, params)


def put(template: str, url: str, status: int, body: bytes, content_type: str = "application/json") -> Case:
    return Case("PUT", template, url, status, body=body, content_type=content_type)


def post(template: str, url: str, status: int, body: bytes) -> Case:
    return Case("POST", template, url, status, body=body)


SCRIPTS = "/v3/content/scripts"
SCRIPT_TAG = (
    b'{"name": "chat", "kind": "script_tag", "html": "<script src=\\"https://chat.example/w.js\\"></script>",'
    b' "location": "footer", "consent_category": "functional", "auto_uninstall": true}'
)


ORDER = "/v2/orders/{order_id}"
PRODUCT = "/v3/catalog/products/{product_id}"
REFUNDS = "/v3/orders/{order_id}/payment_actions/refunds"
ALL_REFUNDS = "/v3/orders/payment_actions/refunds"
PAGES = "/v3/content/pages"
ZONES = "/v2/shipping/zones"
CASES = [
    get("/v2/store", "/v2/store"),
    get("/v2/time", "/v2/time"),
    get("/v2/orders", "/v2/orders"),
    get("/v2/orders", "/v2/orders", 204, min_id="999"),
    get("/v2/orders", "/v2/orders", 400, min_id="abc"),
    get("/v2/orders/count", "/v2/orders/count"),
    get("/v2/orders/count", "/v2/orders/count", 400, max_id="abc"),
    get(ORDER, "/v2/orders/100"),
    get(ORDER, "/v2/orders/999", 404),
    put(ORDER, "/v2/orders/102", 200, b'{"status_id": 5}'),
    put(ORDER, "/v2/orders/102", 400, b'{"status_id": 99}'),
    put(ORDER, "/v2/orders/999", 404, b'{"status_id": 5}'),
    put(ORDER, "/v2/orders/102", 415, b"status_id=5", "text/plain"),
    get(ORDER + "/products", "/v2/orders/100/products"),
    get(ORDER + "/products", "/v2/orders/999/products", 404),
    get(ORDER + "/products/{product_id}", "/v2/orders/100/products/1"),
    get(ORDER + "/products/{product_id}", "/v2/orders/100/products/999", 404),
    get(ORDER + "/shipments", "/v2/orders/101/shipments"),
    get(ORDER + "/shipments", "/v2/orders/100/shipments", 204),
    get(ORDER + "/shipments", "/v2/orders/999/shipments", 404),
    get(ORDER + "/shipments/count", "/v2/orders/101/shipments/count"),
    get(ORDER + "/shipments/count", "/v2/orders/999/shipments/count", 404),
    get(ORDER + "/shipments/{shipment_id}", "/v2/orders/101/shipments/1"),
    get(ORDER + "/shipments/{shipment_id}", "/v2/orders/101/shipments/999", 404),
    get(ORDER + "/shipping_addresses", "/v2/orders/100/shipping_addresses"),
    get(ORDER + "/shipping_addresses", "/v2/orders/101/shipping_addresses", 204),
    get(ORDER + "/shipping_addresses", "/v2/orders/999/shipping_addresses", 404),
    get(ORDER + "/shipping_addresses/{id}", "/v2/orders/100/shipping_addresses/1"),
    get(ORDER + "/shipping_addresses/{id}", "/v2/orders/100/shipping_addresses/999", 404),
    get(ORDER + "/coupons", "/v2/orders/100/coupons"),
    get(ORDER + "/coupons", "/v2/orders/101/coupons", 204),
    get(ORDER + "/coupons", "/v2/orders/999/coupons", 404),
    get("/v2/order_statuses", "/v2/order_statuses"),
    get("/v2/order_statuses/{status_id}", "/v2/order_statuses/5"),
    get("/v2/order_statuses/{status_id}", "/v2/order_statuses/99", 404),
    get("/v3/orders/{order_id}/transactions", "/v3/orders/100/transactions"),
    get("/v3/orders/{order_id}/transactions", "/v3/orders/101/transactions", 204),
    get("/v3/orders/{order_id}/transactions", "/v3/orders/999/transactions", 404),
    put(
        ORDER + "/shipping_addresses/{id}", "/v2/orders/100/shipping_addresses/1", 200, b'{"city": "Hamburg"}'
    ),
    put(ORDER + "/shipping_addresses/{id}", "/v2/orders/100/shipping_addresses/1", 400, b'{"id": 3}'),
    put(
        ORDER + "/shipping_addresses/{id}", "/v2/orders/100/shipping_addresses/9", 404, b'{"city": "Hamburg"}'
    ),
    put(
        ORDER + "/shipping_addresses/{id}",
        "/v2/orders/100/shipping_addresses/1",
        415,
        b"city=x",
        "text/plain",
    ),
    get(REFUNDS, "/v3/orders/101/payment_actions/refunds"),
    get(REFUNDS, "/v3/orders/100/payment_actions/refunds"),
    get(REFUNDS, "/v3/orders/999/payment_actions/refunds", 404),
    get(ALL_REFUNDS, "/v3/orders/payment_actions/refunds"),
    get(ALL_REFUNDS, "/v3/orders/payment_actions/refunds", 422, **{"id:in": "x"}),
    get(ALL_REFUNDS + "/{refund_id}", "/v3/orders/payment_actions/refunds/7"),
    get(ALL_REFUNDS + "/{refund_id}", "/v3/orders/payment_actions/refunds/99", 404),
    get(PAGES, PAGES, include="body"),
    get(SCRIPTS, SCRIPTS),
    post(SCRIPTS, SCRIPTS, 200, SCRIPT_TAG),
    post(SCRIPTS, SCRIPTS, 422, b'{"kind": "src"}'),
    get(SCRIPTS + "/{uuid}", SCRIPTS + "/0b6e4a0e-0000-4000-8000-000000000000", 404),
    put(SCRIPTS + "/{uuid}", SCRIPTS + "/0b6e4a0e-0000-4000-8000-000000000000", 404, b'{"name": "x"}'),
    Case("DELETE", SCRIPTS + "/{uuid}", SCRIPTS + "/0b6e4a0e-0000-4000-8000-000000000000", 404),
    get(PAGES, PAGES, 400, is_visible="true"),
    get(PAGES, PAGES, 422, **{"id:in": "x"}),
    get(PAGES + "/{pageId}", PAGES + "/2", include="body"),
    get(PAGES + "/{pageId}", PAGES + "/7", include="body"),
    get(PAGES + "/{pageId}", PAGES + "/99", 404),
    get(PAGES + "/{pageId}", PAGES + "/bar", 422),
    get(ZONES, ZONES),
    get(ZONES + "/{id}", ZONES + "/1"),
    get(ZONES + "/{id}", ZONES + "/9", 404),
    get(ZONES + "/{zone_id}/methods", ZONES + "/1/methods"),
    get(ZONES + "/{zone_id}/methods", ZONES + "/2/methods", 204),
    get(ZONES + "/{zone_id}/methods", ZONES + "/9/methods", 404),
    get(ZONES + "/{zone_id}/methods/{method_id}", ZONES + "/1/methods/1"),
    get(ZONES + "/{zone_id}/methods/{method_id}", ZONES + "/1/methods/99", 404),
    get("/v2/payments/methods", "/v2/payments/methods"),
    get("/v2/payments/methods", "/v2/payments/methods", 204, page="9"),
    get("/v3/catalog/products", "/v3/catalog/products", include=PRODUCT_INCLUDES),
    get("/v3/catalog/products", "/v3/catalog/products", 413, limit="251"),
    get("/v3/catalog/products", "/v3/catalog/products", 422, **{"id:in": "abc"}),
    get(PRODUCT, "/v3/catalog/products/2", include=PRODUCT_INCLUDES),
    get(PRODUCT, "/v3/catalog/products/999", 404),
    get(PRODUCT, "/v3/catalog/products/1", 422, include="bogus"),
    get(PRODUCT + "/variants", "/v3/catalog/products/2/variants"),
    get(PRODUCT + "/variants", "/v3/catalog/products/999/variants", 404),
    get(PRODUCT + "/variants/{variant_id}", "/v3/catalog/products/2/variants/1"),
    get(PRODUCT + "/variants/{variant_id}", "/v3/catalog/products/2/variants/999", 404),
    get(PRODUCT + "/images", "/v3/catalog/products/1/images"),
    get(PRODUCT + "/images", "/v3/catalog/products/2/images", 204),
    get(PRODUCT + "/images", "/v3/catalog/products/999/images", 404),
    get(PRODUCT + "/custom-fields", "/v3/catalog/products/1/custom-fields"),
    get(PRODUCT + "/custom-fields", "/v3/catalog/products/999/custom-fields", 404),
    get(PRODUCT + "/videos", "/v3/catalog/products/1/videos"),
    get(PRODUCT + "/videos", "/v3/catalog/products/999/videos", 404),
    get("/v3/catalog/variants", "/v3/catalog/variants"),
    get("/v3/catalog/variants", "/v3/catalog/variants", 422, **{"product_id:in": "abc"}),
    get("/v3/catalog/categories", "/v3/catalog/categories"),
    get("/v3/catalog/categories", "/v3/catalog/categories", 422, **{"id:in": "abc"}),
    get("/v3/catalog/categories/{category_id}", "/v3/catalog/categories/18"),
    get("/v3/catalog/categories/{category_id}", "/v3/catalog/categories/999", 404),
    get("/v3/catalog/trees/categories", "/v3/catalog/trees/categories"),
    get("/v3/catalog/trees/categories", "/v3/catalog/trees/categories", 422, **{"category_id:in": "x"}),
    get("/v3/catalog/trees", "/v3/catalog/trees"),
    get("/v3/catalog/trees", "/v3/catalog/trees", 422, page="0"),
    get("/v2/customer_groups", "/v2/customer_groups"),
    get("/v2/customer_groups", "/v2/customer_groups", 204, name="Nobody"),
    get("/v2/customer_groups", "/v2/customer_groups", 400, is_default="maybe"),
    get("/v2/customer_groups/count", "/v2/customer_groups/count"),
    get("/v2/customer_groups/{customer_group_id}", "/v2/customer_groups/1"),
    get("/v2/customer_groups/{customer_group_id}", "/v2/customer_groups/99", 404),
    get("/v3/customers", "/v3/customers", include="addresses"),
    get("/v3/customers", "/v3/customers", 422, **{"id:in": "abc"}),
    get("/v2/gift_certificates", "/v2/gift_certificates"),
    get("/v2/gift_certificates", "/v2/gift_certificates", 204, code="NOPE"),
    get("/v2/gift_certificates", "/v2/gift_certificates", 400, min_id="abc"),
    get("/v2/gift_certificates/{id}", "/v2/gift_certificates/1"),
    get("/v2/gift_certificates/{id}", "/v2/gift_certificates/99", 404),
    get("/v2/coupons", "/v2/coupons"),
    get("/v2/coupons", "/v2/coupons", 204, code="NOPE"),
    get("/v2/coupons", "/v2/coupons", 400, min_id="abc"),
    get("/v2/coupons/count", "/v2/coupons/count"),
    get("/v3/promotions", "/v3/promotions"),
    get("/v3/promotions", "/v3/promotions", 413, limit="251"),
    get("/v3/promotions", "/v3/promotions", 422, redemption_type="sometimes"),
    get("/v3/promotions/{id}", "/v3/promotions/1"),
    get("/v3/promotions/{id}", "/v3/promotions/2"),
    get("/v3/promotions/{id}", "/v3/promotions/99", 404),
    get("/v3/promotions/{promotion_id}/codes", "/v3/promotions/2/codes"),
    get("/v3/promotions/{promotion_id}/codes", "/v3/promotions/99/codes", 404),
    get("/v3/promotions/codes", "/v3/promotions/codes", code="SPRING15"),
    get("/v3/promotions/codes", "/v3/promotions/codes", 422),
]


def check(case_or_operation: Case | Operation, response: httpx.Response) -> None:
    """Assert that an answer matches the table entry for its operation and status."""
    operation = case_or_operation.operation if isinstance(case_or_operation, Case) else case_or_operation
    documented = RESPONSES[operation]
    assert response.status_code in documented, f"{operation}: status {response.status_code} not in the table"
    expected = documented[response.status_code]
    if expected is None:
        assert response.content == b"", f"{operation}: {response.status_code} must have an empty body"
        return
    assert response.headers["content-type"].startswith("application/json")
    found = problems(response.json(), expected)
    assert not found, f"{operation} {response.status_code}:\n" + "\n".join(found[:20])


def with_order_extras(data: dict[str, Any]) -> dict[str, Any]:
    """The small store, plus what it lacks for these checks: an applied coupon and a shipping address."""
    order = next(o for o in data["orders"] if o["id"] == 100)
    order["coupons"] = [{"id": 1, "coupon_id": 1, "order_id": 100, "code": "TENOFF", "amount": 10, "type": 2,
                         "discount": 10}]  # fmt: skip
    order["shipping_addresses"] = [{"first_name": "Ann", "city": "Berlin", "country_iso2": "DE"}]
    return data


@pytest.fixture
async def small_api(small_data: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    data = with_knowledge(with_order_extras(small_data))  # pages, zones, payment methods, refunds
    data["api_accounts"][0]["scopes"] += ["store_v2_content", "store_payments_methods_read"]
    sandbox = Sandbox([SandboxStore.from_data(data, "small-store.json")])
    async with client_for(sandbox) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_operation_answers_as_published(small_api: httpx.AsyncClient, case: Case) -> None:
    headers = {"Content-Type": case.content_type}
    response = await small_api.request(
        case.method, case.url, params=case.params, content=case.body, headers=headers
    )
    assert response.status_code == case.status, response.text
    check(case, response)


def test_every_route_and_documented_status_is_checked() -> None:
    routes = {
        (method, re.sub(r"\{[^}]+\}", "{}", route.path.removeprefix("/stores/{store_hash}")))
        for router in (
            routes_orders.router,
            routes_refunds.router,
            routes_catalog.router,
            routes_customers.router,
            routes_content.router,
            routes_scripts.router,
            routes_shipping.router,
        )
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    table = {(method, re.sub(r"\{[^}]+\}", "{}", path)) for method, path in RESPONSES}
    assert routes == table
    exercised = {(case.operation, case.status) for case in CASES} | EMPTY_STORE_CASES
    documented = {(operation, status) for operation, statuses in RESPONSES.items() for status in statuses}
    assert documented == exercised


# Answers only a store without zones can give (checked by the next test, on the plain small store).
EMPTY_STORE_CASES = {(("GET", "/v2/shipping/zones"), 204)}


async def test_a_store_without_zones_answers_204(api: httpx.AsyncClient) -> None:
    for operation, status in EMPTY_STORE_CASES:
        response = await api.request(operation[0], operation[1])
        assert response.status_code == status
        check(operation, response)


async def test_gateway_errors_answer_the_v3_envelope(small_data: dict[str, Any]) -> None:
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    answers: list[httpx.Response] = []
    for token, store, path in (
        (None, "smallshop", "/v2/orders"),
        (SMALL_READONLY_TOKEN, "smallshop", "/v2/store"),
        (SMALL_READONLY_TOKEN, "nosuchstore", "/v3/promotions"),
    ):
        async with client_for(sandbox, token, store) as client:
            answers.append(await client.get(path))
    sandbox.limiter.set_quota("smallshop", 1)
    sandbox.limiter.reset("smallshop")
    async with client_for(sandbox) as client:
        answers += [await client.get("/v2/time"), await client.get("/v2/time")]
    assert [a.status_code for a in answers] == [401, 403, 403, 200, 429]
    for answer in answers:
        if answer.status_code in GATEWAY_ERRORS:
            assert not problems(answer.json(), GATEWAY_ERRORS[answer.status_code]), answer.text


# ---- the demo store: every object the generator makes -------------------------------------------------------


@pytest.fixture(scope="module")
def demo_sandbox() -> Sandbox:
    return Sandbox([SandboxStore.from_data(generate_demo_store(40), "demo")], quota=100_000)


@pytest.fixture
async def demo_api(demo_sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(demo_sandbox, FULL_TOKEN, "demostore") as client:
        yield client


async def _sweep(api: httpx.AsyncClient, calls: Iterator[tuple[str, str, dict[str, str]]]) -> int:
    checked = 0
    for template, url, params in calls:
        response = await api.get(url, params=params)
        assert response.status_code < 300, (url, response.text)
        check(("GET", template), response)
        checked += 1
    return checked


async def test_demo_store_orders(demo_sandbox: Sandbox, demo_api: httpx.AsyncClient) -> None:
    def calls() -> Iterator[tuple[str, str, dict[str, str]]]:
        yield "/v2/orders", "/v2/orders", {"limit": "250"}
        for order_id, order in demo_sandbox.store.orders.items():
            yield ORDER, f"/v2/orders/{order_id}", {}
            for key in ("products", "shipments", "shipping_addresses", "coupons"):
                yield f"{ORDER}/{key}", f"/v2/orders/{order_id}/{key}", {}
            for shipment in order["shipments"]:
                yield (
                    f"{ORDER}/shipments/{{shipment_id}}",
                    f"/v2/orders/{order_id}/shipments/{shipment['id']}",
                    {},
                )
            yield "/v3/orders/{order_id}/transactions", f"/v3/orders/{order_id}/transactions", {}

    assert await _sweep(demo_api, calls()) > 300


async def test_demo_store_catalog(demo_sandbox: Sandbox, demo_api: httpx.AsyncClient) -> None:
    def calls() -> Iterator[tuple[str, str, dict[str, str]]]:
        yield "/v3/catalog/products", "/v3/catalog/products", {"limit": "250", "include": PRODUCT_INCLUDES}
        for product_id in demo_sandbox.store.products:
            for key in ("variants", "images", "custom-fields", "videos"):
                yield f"{PRODUCT}/{key}", f"/v3/catalog/products/{product_id}/{key}", {}
        yield "/v3/catalog/variants", "/v3/catalog/variants", {"limit": "250"}
        yield "/v3/catalog/categories", "/v3/catalog/categories", {}
        yield "/v3/catalog/trees/categories", "/v3/catalog/trees/categories", {}

    assert await _sweep(demo_api, calls()) > 100


async def test_demo_store_pages_shipping_payments_and_refunds(
    demo_sandbox: Sandbox, demo_api: httpx.AsyncClient
) -> None:
    def calls() -> Iterator[tuple[str, str, dict[str, str]]]:
        store = demo_sandbox.store
        yield PAGES, PAGES, {"include": "body"}
        for page_id in store.pages:
            yield PAGES + "/{pageId}", f"{PAGES}/{page_id}", {"include": "body"}
        yield ZONES, ZONES, {}
        for zone_id, zone in store.shipping_zones.items():
            yield ZONES + "/{id}", f"{ZONES}/{zone_id}", {}
            yield ZONES + "/{zone_id}/methods", f"{ZONES}/{zone_id}/methods", {}
            for method in zone["methods"]:
                yield (
                    ZONES + "/{zone_id}/methods/{method_id}",
                    f"{ZONES}/{zone_id}/methods/{method['id']}",
                    {},
                )
        yield "/v2/payments/methods", "/v2/payments/methods", {}
        yield ALL_REFUNDS, ALL_REFUNDS, {}
        for order_id, order in store.orders.items():
            yield REFUNDS, f"/v3/orders/{order_id}/payment_actions/refunds", {}
            for refund in order["refunds"]:
                yield ALL_REFUNDS + "/{refund_id}", f"{ALL_REFUNDS}/{refund['id']}", {}

    assert await _sweep(demo_api, calls()) > 100


async def test_demo_store_customers_and_marketing(demo_sandbox: Sandbox, demo_api: httpx.AsyncClient) -> None:
    def calls() -> Iterator[tuple[str, str, dict[str, str]]]:
        yield "/v2/store", "/v2/store", {}
        yield "/v2/customer_groups", "/v2/customer_groups", {}
        yield "/v3/customers", "/v3/customers", {"limit": "250", "include": "addresses"}
        yield "/v2/gift_certificates", "/v2/gift_certificates", {}
        yield "/v2/coupons", "/v2/coupons", {}
        yield "/v3/promotions", "/v3/promotions", {}
        for promotion_id in demo_sandbox.store.promotions:
            yield "/v3/promotions/{id}", f"/v3/promotions/{promotion_id}", {}
            yield "/v3/promotions/{promotion_id}/codes", f"/v3/promotions/{promotion_id}/codes", {}

    assert await _sweep(demo_api, calls()) > 20


async def test_demo_orders_with_their_consignments(
    demo_sandbox: Sandbox, demo_api: httpx.AsyncClient
) -> None:
    """``include=consignments.line_items&consignment_structure=object``: every demo order's consignments as
    orders.v2 ``orderConsignment_Get`` documents them, holding its line items and shipping addresses as
    their own routes give them; with ``consignments`` alone, links to the line items; without the object
    structure, no consignments."""
    params = {"include": "consignments.line_items", "consignment_structure": "object"}
    for order_id, order in demo_sandbox.store.orders.items():
        body = (await demo_api.get(f"/v2/orders/{order_id}", params=params)).json()
        assert problems(body, RESPONSES[("GET", "/v2/orders/{order_id}")][200]) == []
        assert problems(body["consignments"], CONSIGNMENTS) == [], order_id
        shipping = body["consignments"]["shipping"]
        items = (await demo_api.get(f"/v2/orders/{order_id}/products")).json()
        assert sorted(i["id"] for c in shipping for i in c["line_items"]) == sorted(i["id"] for i in items)
        assert [c["city"] for c in shipping] == [a["city"] for a in order["shipping_addresses"]]
    linked = (await demo_api.get("/v2/orders/12345", params={**params, "include": "consignments"})).json()
    assert all(
        set(i) == {"url", "resource"} for c in linked["consignments"]["shipping"] for i in c["line_items"]
    )
    bare = (await demo_api.get("/v2/orders/12345", params={"include": "consignments"})).json()
    assert "consignments" not in bare
