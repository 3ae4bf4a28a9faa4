"""The access token never appears in an error, a repr or a log line."""

from __future__ import annotations

import logging

import httpx
import pytest

from bigcommerce import AsyncBigCommerce, BigCommerceError

from .conftest import MakeClient
from .helpers import TOKEN, json_response, rate_headers


async def test_token_is_sent_but_never_shown(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen_tokens: list[str] = []
    statuses = iter([500, 200, 429, 200, 400, 401, 403, 404, 409, 413, 422, 429, 503])

    def handler(request: httpx.Request) -> httpx.Response:
        seen_tokens.append(request.headers["X-Auth-Token"])
        status = next(statuses)
        return json_response(
            status, {"status": status, "title": "Nope", "errors": {"f": "bad"}}, rate_headers(left=1)
        )

    errors: list[BigCommerceError] = []
    async with make_client(handler, max_retries=1) as client:
        assert TOKEN not in repr(client) and TOKEN not in str(client)
        assert TOKEN not in repr(client.with_options(priority="bulk"))
        await client.store.get()  # 500 then 200 (retry logged)
        await client.store.get()  # 429 then 200 (throttle + retry logged)
        for _ in range(8):
            try:
                await client.with_options(max_retries=0).orders.get(5)
            except BigCommerceError as exc:
                errors.append(exc)
    assert set(seen_tokens) == {TOKEN}
    assert len(errors) == 8
    for error in errors:
        assert TOKEN not in str(error)
        assert TOKEN not in repr(error)
        assert TOKEN not in repr(vars(error))
    assert any("Retrying" in record.getMessage() for record in caplog.records)
    assert any("Throttling" in record.getMessage() for record in caplog.records)
    assert TOKEN not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)


async def test_token_inside_a_transport_exception_is_redacted(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy said: bad header X-Auth-Token={TOKEN}", request=request)

    async with make_client(handler, max_retries=0) as client:
        with pytest.raises(BigCommerceError) as info:
            await client.store.get()
    assert TOKEN not in str(info.value)
    assert "<redacted>" in str(info.value)
    assert info.value.__cause__ is None  # the unredacted httpx error is not chained


def test_bad_tokens_are_rejected_without_echoing_them() -> None:
    for bad in ["", "   ", "abc def", "abc\ndef"]:
        with pytest.raises(ValueError) as info:
            AsyncBigCommerce("abc1d2ef", bad)
        if bad.strip():
            assert bad not in str(info.value)


async def test_a_replaced_token_is_sent_by_the_client_and_its_views_and_never_shown(
    make_client: MakeClient,
) -> None:
    new_token = "replacedtoken000000000000000001"
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["X-Auth-Token"])
        if request.headers["X-Auth-Token"] != new_token:
            return json_response(401, {"status": 401, "title": "Unauthorized"}, rate_headers(left=1))
        return json_response(200, {"id": 1}, rate_headers(left=1))

    async with make_client(handler, max_retries=0) as client:
        bulk = client.with_options(priority="bulk")
        with pytest.raises(BigCommerceError):
            await client.orders.get(1)
        assert client.replace_token(new_token) is True
        assert client.replace_token(new_token) is False  # the same token: nothing to do
        await client.orders.get(1)
        await bulk.orders.get(1)  # a view made before the replacement sends the new token too
        assert new_token not in repr(client) and new_token not in repr(bulk)
    assert seen == [TOKEN, new_token, new_token]
