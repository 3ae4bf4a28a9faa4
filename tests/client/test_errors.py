"""Status codes map to the right exception, with BigCommerce's message and actionable advice."""

from __future__ import annotations

import httpx
import pytest

from bigcommerce import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BigCommerceError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from .conftest import MakeClient
from .helpers import json_response

V3_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def v3_error(status: int, title: str, errors: dict[str, str] | None = None) -> dict[str, object]:
    return {"status": status, "title": title, "type": V3_TYPE, "errors": errors or {}}


async def raise_for(
    make_client: MakeClient,
    response: httpx.Response,
    method: str = "GET",
    path: str = "/v3/catalog/products/7",
) -> APIStatusError:
    client = make_client(lambda request: response, max_retries=0)
    async with client:
        with pytest.raises(APIStatusError) as info:
            await client.request(method, path)
    return info.value


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (413, PayloadTooLargeError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (507, InternalServerError),
        (405, APIStatusError),
        (415, APIStatusError),
    ],
)
async def test_status_maps_to_exception_class(
    make_client: MakeClient, status: int, cls: type[APIStatusError]
) -> None:
    error = await raise_for(make_client, json_response(status, v3_error(status, "Something")))
    assert type(error) is cls
    assert isinstance(error, BigCommerceError)
    assert error.status_code == error.status == status
    assert error.method == "GET"
    assert error.path == "/v3/catalog/products/7"


async def test_v3_envelope_gives_title_and_field_details(make_client: MakeClient) -> None:
    body = v3_error(422, "Validation failed", {"price": "Price must be positive", "name": "Name is required"})
    error = await raise_for(make_client, json_response(422, body))
    assert error.title == "Validation failed"
    assert error.errors == {"price": "Price must be positive", "name": "Name is required"}
    assert "Validation failed" in str(error)
    assert "price: Price must be positive" in str(error)
    assert "name: Name is required" in str(error)
    assert "422" in str(error) and "GET /v3/catalog/products/7" in str(error)


async def test_conflict_detail_equal_to_title_is_not_repeated(make_client: MakeClient) -> None:
    body = v3_error(409, "The product sku is a duplicate", {"sku": "The product sku is a duplicate"})
    error = await raise_for(make_client, json_response(409, body))
    assert isinstance(error, ConflictError)
    assert str(error).count("The product sku is a duplicate") == 1


async def test_v2_array_error_body(make_client: MakeClient) -> None:
    body = [{"status": 404, "message": "The requested resource was not found."}]
    error = await raise_for(make_client, json_response(404, body), path="/v2/orders/999")
    assert isinstance(error, NotFoundError)
    assert error.api_message == "The requested resource was not found"
    assert str(error) == (
        "BigCommerce returned 404 Not Found for GET /v2/orders/999: The requested resource was not found."
    )


async def test_v2_array_with_several_messages(make_client: MakeClient) -> None:
    body = [{"status": 400, "message": "Bad status_id."}, {"status": 400, "message": "Bad email."}]
    error = await raise_for(make_client, json_response(400, body), method="PUT", path="/v2/orders/5")
    assert "Bad status_id; Bad email" in str(error)


async def test_empty_body_falls_back_to_reason_phrase(make_client: MakeClient) -> None:
    error = await raise_for(make_client, httpx.Response(404))
    assert isinstance(error, NotFoundError)
    assert error.body is None
    assert str(error) == "BigCommerce returned 404 Not Found for GET /v3/catalog/products/7: Not Found."


async def test_html_body_is_not_pasted_into_the_message(make_client: MakeClient) -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1>" + b"x" * 2000 + b"</body></html>"
    error = await raise_for(
        make_client, httpx.Response(502, content=html, headers={"Content-Type": "text/html"})
    )
    assert isinstance(error, InternalServerError)
    assert "<html>" not in str(error)
    assert "Bad Gateway" in str(error)
    assert "try again later" in str(error)


async def test_plain_text_body_is_used(make_client: MakeClient) -> None:
    response = httpx.Response(401, content=b"Unauthorized request", headers={"Content-Type": "text/plain"})
    error = await raise_for(make_client, response)
    assert error.api_message == "Unauthorized request"


async def test_401_explains_how_to_get_a_valid_token(make_client: MakeClient) -> None:
    error = await raise_for(make_client, json_response(401, v3_error(401, "Unauthorized")), path="/v2/store")
    message = str(error)
    assert message.startswith("Invalid access token")
    assert "store-level API account" in message
    assert "Settings > API > API Accounts" in message
    assert "create a new API account" in message


@pytest.mark.parametrize(
    ("method", "path", "scope", "other"),
    [
        ("GET", "/v3/catalog/products", "store_v2_products_read_only", "store_v2_products"),
        ("GET", "/v2/orders/5/shipments", "store_v2_orders_read_only", "store_v2_orders"),
        ("GET", "/v3/orders/5/transactions", "store_v2_transactions_read_only", "store_v2_transactions"),
        ("GET", "/v2/customer_groups", "store_v2_customers_read_only", "store_v2_customers"),
        ("GET", "/v3/customers", "store_v2_customers_read_only", "store_v2_customers"),
        ("GET", "/v2/gift_certificates", "store_v2_marketing_read_only", "store_v2_marketing"),
        ("GET", "/v3/promotions/codes", "store_v2_marketing_read_only", "store_v2_marketing"),
        ("GET", "/v2/store", "store_v2_information_read_only", "store_v2_information"),
    ],
)
async def test_403_names_the_missing_scope(
    make_client: MakeClient, method: str, path: str, scope: str, other: str
) -> None:
    body = v3_error(403, "You don't have a required scope to access the endpoint")
    error = await raise_for(make_client, json_response(403, body), method=method, path=path)
    assert isinstance(error, PermissionDeniedError)
    assert error.required_scope == scope
    assert error.accepted_scopes == (scope, other)
    message = str(error)
    assert message.startswith("Access forbidden")
    assert f"needs the {scope} (or {other}) scope" in message
    assert "edit the API account's scopes" in message
    assert "create a new API account" in message
    assert "required scope to access the endpoint" in message


async def test_403_on_a_write_needs_the_full_scope(make_client: MakeClient) -> None:
    body = v3_error(403, "You don't have a required scope to access the endpoint")
    error = await raise_for(make_client, json_response(403, body), method="PUT", path="/v2/orders/5")
    assert error.required_scope == "store_v2_orders"
    assert "needs the store_v2_orders scope" in str(error)
    assert "read_only" not in str(error)


async def test_403_on_an_unmapped_path_still_gives_advice(make_client: MakeClient) -> None:
    error = await raise_for(
        make_client, json_response(403, v3_error(403, "Forbidden")), path="/v3/settings/store"
    )
    assert error.required_scope is None
    assert str(error).startswith("Access forbidden")
    assert "check the store hash" in str(error)


async def test_order_transactions_do_not_match_the_orders_scope_prefix(make_client: MakeClient) -> None:
    error = await raise_for(
        make_client, json_response(403, v3_error(403, "x")), path="/v3/orders/12/transactions"
    )
    assert error.required_scope == "store_v2_transactions_read_only"


async def test_429_carries_retry_after(make_client: MakeClient) -> None:
    headers = {"X-Rate-Limit-Time-Reset-Ms": "15000"}
    error = await raise_for(make_client, json_response(429, v3_error(429, "Too many requests"), headers))
    assert isinstance(error, RateLimitError)
    assert error.retry_after_ms == 15000
    assert "retry in 15000 ms" in str(error)


async def test_429_retry_after_falls_back_to_x_retry_after_seconds(make_client: MakeClient) -> None:
    error = await raise_for(make_client, httpx.Response(429, headers={"X-Retry-After": "4"}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after_ms == 4000


async def test_every_message_is_one_sentence(make_client: MakeClient) -> None:
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 500):
        error = await raise_for(make_client, json_response(status, v3_error(status, "Problem.")))
        text = str(error)
        assert text.endswith(".") and not text.endswith("..")
        assert "\n" not in text


async def test_connection_and_timeout_errors_are_not_status_errors(make_client: MakeClient) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with make_client(refuse, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as conn:
            await client.store.get()
    assert not isinstance(conn.value, APIStatusError)
    assert "Could not connect to BigCommerce for GET /v2/store" in str(conn.value)

    async with make_client(slow, max_retries=0) as client:
        with pytest.raises(APITimeoutError) as timeout:
            await client.store.get()
    assert isinstance(timeout.value, APIConnectionError)
    assert not isinstance(timeout.value, APIStatusError)
    assert "did not answer GET /v2/store in time" in str(timeout.value)


async def test_non_json_success_body_is_a_response_error(make_client: MakeClient) -> None:
    async with make_client(lambda request: httpx.Response(200, content=b"<html>")) as client:
        with pytest.raises(APIResponseValidationError, match="not JSON"):
            await client.store.get()


async def test_wrong_shape_success_body_is_a_response_error(make_client: MakeClient) -> None:
    async with make_client(lambda request: json_response(200, {"data": {"id": 1}})) as client:
        with pytest.raises(APIResponseValidationError, match="JSON array"):
            await client.order_statuses.list()
