"""The retry loop: what is retried, how often, and how long it waits (through the fake sleep)."""

from __future__ import annotations

import logging

import httpx
import pytest

from bigcommerce import APIConnectionError, APITimeoutError, InternalServerError, RateLimitError

from .conftest import MakeClient
from .helpers import FakeTime, json_response, rate_headers

STORE = {"id": "abc1d2ef", "name": "Shop"}
ORDER = {"id": 5, "status_id": 5}


class Script:
    """Answers requests from a list of responses/exceptions (the last one repeats); counts calls."""

    def __init__(self, *steps: httpx.Response | type[Exception]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        if isinstance(step, httpx.Response):
            return step
        raise step("simulated", request=request)  # type: ignore[call-arg]


async def test_5xx_twice_then_success_makes_three_requests(
    make_client: MakeClient, fake_time: FakeTime
) -> None:
    script = Script(httpx.Response(500), httpx.Response(503), json_response(200, STORE))
    async with make_client(script) as client:
        store = await client.store.get()
    assert store.name == "Shop"
    assert len(script.requests) == 3
    assert client.stats.requests == 3
    assert client.stats.retries == 2
    assert fake_time.sleeps == [0.5, 1.0]  # exponential backoff (jitter fixed at 0 by the fixture)


async def test_5xx_forever_gives_up_after_max_retries(make_client: MakeClient, fake_time: FakeTime) -> None:
    script = Script(json_response(500, {"status": 500, "title": "Internal Server Error", "errors": {}}))
    async with make_client(script) as client:
        with pytest.raises(InternalServerError) as info:
            await client.orders.get(5)
    assert len(script.requests) == 4  # max_retries=3 by default
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert info.value.status_code == 500


async def test_max_retries_option_and_zero(make_client: MakeClient) -> None:
    script = Script(httpx.Response(502))
    async with make_client(script, max_retries=1) as client:
        with pytest.raises(InternalServerError):
            await client.store.get()
        assert len(script.requests) == 2
        with pytest.raises(InternalServerError):
            await client.with_options(max_retries=0).store.get()
        assert len(script.requests) == 3


async def test_backoff_has_jitter_and_a_cap(make_client: MakeClient, fake_time: FakeTime) -> None:
    script = Script(httpx.Response(500))
    async with make_client(script, max_retries=6, rand=lambda: 1.0) as client:
        with pytest.raises(InternalServerError):
            await client.store.get()
    # base 0.5 * 2**n capped at 8 s, minus 25 % jitter at rand=1.0
    assert fake_time.sleeps == pytest.approx([0.375, 0.75, 1.5, 3.0, 6.0, 6.0])


async def test_429_sleeps_the_reset_header(make_client: MakeClient, fake_time: FakeTime) -> None:
    limited = json_response(
        429, {"status": 429, "title": "Too many requests"}, rate_headers(left=0, reset_ms=1500)
    )
    script = Script(limited, json_response(200, STORE, rate_headers(left=149, reset_ms=30000)))
    async with make_client(script) as client:
        await client.store.get()
    assert fake_time.sleeps == [1.5]
    assert len(script.requests) == 2
    assert client.stats.rate_limited == 1
    assert client.stats.retries == 1


async def test_429_header_is_case_insensitive(make_client: MakeClient, fake_time: FakeTime) -> None:
    limited = httpx.Response(429, headers={"x-rate-limit-time-reset-ms": "2500"})
    script = Script(limited, json_response(200, STORE))
    async with make_client(script) as client:
        await client.store.get()
    assert fake_time.sleeps == [2.5]


async def test_429_wait_is_capped(make_client: MakeClient, fake_time: FakeTime) -> None:
    limited = httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "600000"})
    script = Script(limited, json_response(200, STORE))
    async with make_client(script, max_rate_limit_wait=30.0) as client:
        await client.store.get()
    assert fake_time.sleeps == [30.0]


async def test_429_without_headers_backs_off(make_client: MakeClient, fake_time: FakeTime) -> None:
    script = Script(httpx.Response(429), httpx.Response(429), json_response(200, STORE))
    async with make_client(script) as client:
        await client.store.get()
    assert fake_time.sleeps == [0.5, 1.0]


async def test_repeated_429_backs_off_further(make_client: MakeClient, fake_time: FakeTime) -> None:
    limited = httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "1000"})
    script = Script(limited, limited, limited, json_response(200, STORE))
    async with make_client(script) as client:
        await client.store.get()
    assert fake_time.sleeps == [1.0, 1.5, 2.0]


async def test_429_forever_raises_rate_limit_error(make_client: MakeClient, fake_time: FakeTime) -> None:
    script = Script(httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "100"}))
    async with make_client(script, max_retries=2) as client:
        with pytest.raises(RateLimitError):
            await client.store.get()
    assert len(script.requests) == 3
    assert client.stats.rate_limited == 3


async def test_put_is_not_retried_on_500(make_client: MakeClient, fake_time: FakeTime) -> None:
    script = Script(httpx.Response(500), json_response(200, ORDER))
    async with make_client(script) as client:
        with pytest.raises(InternalServerError):
            await client.orders.update_status(5, 5)
    assert len(script.requests) == 1
    assert fake_time.sleeps == []


async def test_put_is_not_retried_on_read_timeout(make_client: MakeClient) -> None:
    script = Script(httpx.ReadTimeout, json_response(200, ORDER))
    async with make_client(script) as client:
        with pytest.raises(APITimeoutError):
            await client.orders.update_status(5, 5)
    assert len(script.requests) == 1


async def test_put_is_not_retried_when_the_connection_breaks_mid_request(make_client: MakeClient) -> None:
    script = Script(httpx.RemoteProtocolError, json_response(200, ORDER))
    async with make_client(script) as client:
        with pytest.raises(APIConnectionError):
            await client.orders.update_status(5, 5)
    assert len(script.requests) == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_put_is_retried_when_it_never_reached_the_server(
    make_client: MakeClient, failure: type[Exception]
) -> None:
    script = Script(failure, json_response(200, ORDER))
    async with make_client(script) as client:
        order = await client.orders.update_status(5, 5)
    assert order.status_id == 5
    assert len(script.requests) == 2
    assert all(request.method == "PUT" for request in script.requests)


async def test_put_is_retried_on_429(make_client: MakeClient, fake_time: FakeTime) -> None:
    script = Script(
        httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "700"}), json_response(200, ORDER)
    )
    async with make_client(script) as client:
        await client.orders.update_status(5, 5)
    assert len(script.requests) == 2
    assert fake_time.sleeps == [0.7]


@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError]
)
async def test_get_is_retried_on_timeouts_and_connection_errors(
    make_client: MakeClient, failure: type[Exception]
) -> None:
    script = Script(failure, failure, json_response(200, STORE))
    async with make_client(script) as client:
        await client.store.get()
    assert len(script.requests) == 3


async def test_connection_error_forever_raises_after_retries(make_client: MakeClient) -> None:
    script = Script(httpx.ConnectError)
    async with make_client(script) as client:
        with pytest.raises(APIConnectionError):
            await client.store.get()
    assert len(script.requests) == 4


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 501, 507])
async def test_client_errors_are_not_retried(make_client: MakeClient, status: int) -> None:
    script = Script(httpx.Response(status), json_response(200, STORE))
    async with make_client(script) as client:
        with pytest.raises(Exception):  # noqa: B017 - the class is tested in test_errors
            await client.store.get()
    assert len(script.requests) == 1


async def test_retries_are_logged(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bigcommerce")
    script = Script(httpx.Response(503), json_response(200, STORE))
    async with make_client(script) as client:
        await client.store.get()
    retries = [record for record in caplog.records if "Retrying" in record.getMessage()]
    assert len(retries) == 1
    assert "GET /v2/store" in retries[0].getMessage()
    assert "status 503" in retries[0].getMessage()
