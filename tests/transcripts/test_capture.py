"""Capturing BigCommerce traffic below the tools: what is kept of each exchange, within what bounds,
and never a request header (so never the access token)."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from agent.transcripts.capture import CapturingTransport, Limits, TurnCapture, capturing, tool_scope

TOKEN = "secrettoken00000000000000000042"


def _handler(request: httpx.Request) -> httpx.Response:
    size = int(request.url.params.get("size", "10"))
    if request.url.path.endswith("/gzip"):
        body = gzip.compress(json.dumps({"zipped": True}).encode())
        return httpx.Response(
            200, content=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
        )
    if request.url.path.endswith("/text"):
        return httpx.Response(502, text="Bad gateway", headers={"Content-Type": "text/html"})
    if request.url.path.endswith("/empty"):
        return httpx.Response(204, headers={"X-Rate-Limit-Requests-Left": "149"})
    return httpx.Response(200, json={"pad": "x" * size}, headers={"X-Echo-Token": "no"})


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url="http://api.test/stores/abc123",
        headers={"X-Auth-Token": TOKEN},
        transport=CapturingTransport(httpx.MockTransport(_handler)),
    )


async def test_each_exchange_is_kept_with_its_tool_and_no_header_of_the_request() -> None:
    capture = TurnCapture()
    async with _client() as client:
        assert (await client.get("/v2/orders", params={"size": "5"})).status_code == 200  # outside a turn
        with capturing(capture):
            with tool_scope("get_order_information", "call-1"):
                await client.get("/v2/orders/5", params={"include": "a,b", "size": "3"})
                await client.put("/v2/orders/5", json={"status_id": 5})
            zipped = await client.get("/v3/gzip")
            await client.get("/v3/text")
            await client.get("/v2/empty")
    assert zipped.json() == {"zipped": True}  # the client still reads the body
    assert [e.path for e in capture.exchanges] == [
        "/v2/orders/5",
        "/v2/orders/5",
        "/v3/gzip",
        "/v3/text",
        "/v2/empty",
    ]
    get, put, gz, text, empty = capture.exchanges
    assert get.query == [["include", "a,b"], ["size", "3"]] and get.key() == (
        "GET",
        "/v2/orders/5",
        (("include", "a,b"), ("size", "3")),
    )
    assert get.response == {"pad": "xxx"} and get.status == 200 and get.tool_call_id == "call-1"
    assert (
        put.method == "PUT" and put.request_body == {"status_id": 5} and put.tool == "get_order_information"
    )
    assert gz.response == {"zipped": True} and gz.tool is None
    assert text.status == 502 and text.response is None and text.response_text == "Bad gateway"
    assert empty.response is None and empty.headers == {"x-rate-limit-requests-left": "149"}
    assert get.headers == {"content-type": "application/json"}  # only Content-Type and rate-limit headers
    assert capture.tools["call-1"].ms is not None and capture.tools["call-1"].status == "ok"
    kept = json.dumps([vars(e) for e in capture.exchanges])
    assert TOKEN not in kept and "x-auth-token" not in kept.lower()


async def test_bodies_are_cut_to_the_limits_and_flagged() -> None:
    capture = TurnCapture(limits=Limits(max_body_bytes=100, max_turn_bytes=250))
    async with _client() as client:
        with capturing(capture):
            small = await client.get("/v2/a", params={"size": "20"})
            large = await client.get("/v2/b", params={"size": "500"})
            await client.get("/v2/c", params={"size": "500"})
            await client.get("/v2/d", params={"size": "500"})
    assert len(large.json()["pad"]) == 500  # what the tool reads is never cut
    a, b, c, d = capture.exchanges
    assert a.response == small.json() and not a.truncated and not a.omitted
    assert b.truncated and b.response is None and b.response_text is not None and len(b.response_text) == 100
    assert b.bytes > 500
    assert c.truncated and not c.omitted  # 30 + 100 + 100 bytes kept: within the turn's 250
    assert d.omitted and d.response is None and d.response_text is None and d.status == 200
    assert capture.truncated and capture.kept_bytes <= 250


async def test_requests_past_the_count_limit_pass_unrecorded() -> None:
    capture = TurnCapture(limits=Limits(max_requests=2))
    async with _client() as client:
        with capturing(capture):
            for _ in range(4):
                assert (await client.get("/v2/x")).status_code == 200
    assert len(capture.exchanges) == 2 and capture.truncated


async def test_a_failed_request_is_kept_and_raised() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    capture = TurnCapture()
    async with httpx.AsyncClient(transport=CapturingTransport(httpx.MockTransport(refuse))) as client:
        with capturing(capture), pytest.raises(httpx.ConnectError):
            await client.get("http://api.test/stores/abc/v2/orders/1")
    (exchange,) = capture.exchanges
    assert exchange.error == "ConnectError" and exchange.status is None and exchange.path == "/v2/orders/1"
