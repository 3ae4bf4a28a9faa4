"""Limits and bad input over HTTP: message length, body size and type, malformed JSON, unknown stores
and routes, requests per minute per thread and per client (429 + Retry-After), one turn at a time per
thread (a second message while a turn runs is refused with 409), a client that disconnects mid-stream
(the turn still finishes), CORS, and a failing turn answered without a stack trace."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agent.server.app import ServeOptions
from agent.server.limits import MemoryRateLimiter
from sandbox.demo import DEMO_STORE_HASH
from tests.server.conftest import STREAM, Served, parse_events, serve_stores

PER_THREAD = 6
PER_CLIENT = 40


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CLOCK = Clock()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Served]:
    options = ServeOptions(limiter=MemoryRateLimiter(clock=CLOCK))
    with serve_stores(
        tmp_path_factory.mktemp("home"),
        embedder,
        options=options,
        rate_per_thread=PER_THREAD,
        rate_per_client=PER_CLIENT,
    ) as served:
        yield served


@pytest.fixture(autouse=True)
def fresh_minute() -> Iterator[None]:
    yield
    CLOCK.now += 120  # every test starts with its rate limits unspent


def error_code(answer: httpx.Response) -> str:
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    assert "Traceback" not in answer.text
    return str(body["error"]["code"])


def test_empty_or_whitespace_message(limited: Served) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        for text in ("", "   ", "\n\t "):
            answer = client.post(limited.messages(thread_id), json={"text": text}, headers=headers)
            assert answer.status_code == 422 and error_code(answer) == "empty_message"


def test_message_length_limit_is_2000_characters(limited: Served) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        too_long = client.post(limited.messages(thread_id), json={"text": "a" * 2001}, headers=headers)
        assert too_long.status_code == 422 and error_code(too_long) == "message_too_long"
        longest = client.post(limited.messages(thread_id), json={"text": "hi " + "a" * 1997}, headers=headers)
        assert longest.status_code == 200, longest.text


def test_oversized_body_is_413_with_or_without_content_length(limited: Served) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        big = {"text": "hi", "page": {"url": "https://x.example/" + "a" * 20_000}}
        answer = client.post(limited.messages(thread_id), json=big, headers=headers)
        assert answer.status_code == 413 and error_code(answer) == "payload_too_large"

        def chunks() -> Iterator[bytes]:
            yield b'{"text": "hi", "page": {"url": "'
            for _ in range(40):
                yield b"a" * 1000
            yield b'"}}'

        chunked = client.post(
            limited.messages(thread_id),
            content=chunks(),
            headers={**headers, "Content-Type": "application/json"},
        )
        assert chunked.status_code == 413 and error_code(chunked) == "payload_too_large"


def test_malformed_json_and_wrong_shapes(limited: Served) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        url = limited.messages(thread_id)
        json_headers = {**headers, "Content-Type": "application/json"}
        broken = client.post(url, content=b'{"text": "hi"', headers=json_headers)
        assert broken.status_code == 400 and error_code(broken) == "invalid_json"
        for body in (b"[]", b'{"page": {}}', b'{"text": 5}', b'{"text": "hi", "page": {"product_id": "x"}}'):
            answer = client.post(url, content=body, headers=json_headers)
            assert answer.status_code == 422 and error_code(answer) == "invalid_request", body
        confirm = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation"
        answer = client.post(confirm, json={"proposal_id": "p", "confirm": "yes"}, headers=headers)
        assert answer.status_code == 422 and error_code(answer) == "invalid_request"
        assert "confirm" in answer.json()["error"]["message"]


def test_wrong_content_type_is_415(limited: Served) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        url = limited.messages(thread_id)
        plain = client.post(url, content=b'{"text": "hi"}', headers={**headers, "Content-Type": "text/plain"})
        assert plain.status_code == 415 and error_code(plain) == "unsupported_media_type"
        form = client.post(url, data={"text": "hi"}, headers=headers)
        assert form.status_code == 415 and error_code(form) == "unsupported_media_type"
        bare = client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads")  # no body at all is fine here
        assert bare.status_code == 201


def test_unknown_store_and_routes(limited: Served) -> None:
    with limited.client() as client:
        for answer in (
            client.post("/v1/stores/nosuchstore/threads", json={}),
            client.get("/v1/stores/nosuchstore/config"),
            client.post("/v1/stores/nosuchstore/threads/abc/messages", json={"text": "hi"}),
        ):
            assert answer.status_code == 404 and error_code(answer) == "unknown_store"
        missing = client.get("/v1/nothing-here")
        assert missing.status_code == 404 and error_code(missing) == "not_found"
        method = client.delete(f"/v1/stores/{DEMO_STORE_HASH}/config")
        assert method.status_code == 405 and error_code(method) == "method_not_allowed"


def test_requests_per_minute_per_thread(limited: Served) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        for _ in range(PER_THREAD):
            assert (
                client.post(limited.messages(thread_id), json={"text": "hi"}, headers=headers).status_code
                == 200
            )
        refused = client.post(limited.messages(thread_id), json={"text": "hi"}, headers=headers)
        assert refused.status_code == 429 and error_code(refused) == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        other_id, other_headers = limited.thread(client)
        assert (
            client.post(limited.messages(other_id), json={"text": "hi"}, headers=other_headers).status_code
            == 200
        )
        CLOCK.now += 61
        assert (
            client.post(limited.messages(thread_id), json={"text": "hi"}, headers=headers).status_code == 200
        )


def test_requests_per_minute_per_client_address(limited: Served) -> None:
    with limited.client() as client:
        statuses = [
            client.get(f"/v1/stores/{DEMO_STORE_HASH}/config").status_code for _ in range(PER_CLIENT + 1)
        ]
        assert statuses[:PER_CLIENT] == [200] * PER_CLIENT and statuses[-1] == 429
        refused = client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={})
        assert refused.status_code == 429 and error_code(refused) == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert client.get("/healthz").status_code == 200  # health checks are not limited


def test_a_spoofed_forwarded_for_is_counted_as_the_real_peer(limited: Served) -> None:
    """No trusted proxy is configured: a new X-Forwarded-For on every request is no new client."""
    with limited.client() as client:
        statuses = [
            client.get(
                f"/v1/stores/{DEMO_STORE_HASH}/config", headers={"X-Forwarded-For": f"203.0.113.{i}"}
            ).status_code
            for i in range(PER_CLIENT + 1)
        ]
    assert statuses[:PER_CLIENT] == [200] * PER_CLIENT and statuses[-1] == 429


def _slow_store(served: Served, latency_ms: int) -> None:
    answer = httpx.put(f"{served.sandbox.base_url}/__sandbox__/faults", json={"latency_ms": latency_ms})
    assert answer.status_code == 200


@pytest.fixture
def slow_store(limited: Served) -> Iterator[None]:
    _slow_store(limited, 400)
    yield
    _slow_store(limited, 0)


def test_one_turn_at_a_time_per_thread(limited: Served, slow_store: None) -> None:
    with limited.client() as client, limited.client() as second:
        thread_id, headers = limited.thread(client)
        url = limited.messages(thread_id)
        question = {"text": "Where is my order #12345? jane.doe@example.com"}
        with client.stream("POST", url, json=question, headers={**headers, **STREAM}) as streamed:
            events = parse_events(streamed.iter_lines())
            assert next(events)[0] == "route"  # the turn is running now
            busy = second.post(url, json={"text": "hello?"}, headers=headers)
            assert busy.status_code == 409 and error_code(busy) == "turn_in_progress"
            confirm = second.post(
                f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation",
                json={"proposal_id": "p", "confirm": True},
                headers=headers,
            )
            assert confirm.status_code == 409 and error_code(confirm) == "turn_in_progress"
            other_id, other_headers = limited.thread(second)  # other threads are not held up
            assert (
                second.post(
                    limited.messages(other_id), json={"text": "hi"}, headers=other_headers
                ).status_code
                == 200
            )
            rest = [name for name, _ in events]
        assert rest[-1] == "done" and "reply" in rest
        after = client.post(url, json={"text": "thanks"}, headers=headers)
        assert after.status_code == 200
        view = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}", headers=headers).json()
    shopper = [m["text"] for m in view["messages"] if m["role"] == "shopper"]
    assert shopper == [question["text"], "thanks"]  # the refused message never became part of the thread


def test_a_client_that_disconnects_mid_stream_does_not_stop_the_turn(
    limited: Served, slow_store: None
) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        view_url = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}"
        with client.stream(
            "POST",
            limited.messages(thread_id),
            json={"text": "Where is my order #12345? jane.doe@example.com"},
            headers={**headers, **STREAM},
        ) as streamed:
            assert next(parse_events(streamed.iter_lines()))[0] == "route"
        # the connection is closed here, before the reply
        deadline = time.monotonic() + 60
        replies: list[str] = []
        while time.monotonic() < deadline and not replies:
            view = client.get(view_url, headers=headers).json()
            replies = [m["text"] for m in view["messages"] if m["role"] == "assistant"]
            time.sleep(0.1)
        assert replies and "1Z999AA10123456784" in replies[0]
        deadline = time.monotonic() + 10
        answer = client.post(limited.messages(thread_id), json={"text": "thanks"}, headers=headers)
        while answer.status_code == 409 and time.monotonic() < deadline:  # the lock goes just after the reply
            time.sleep(0.05)
            answer = client.post(limited.messages(thread_id), json={"text": "thanks"}, headers=headers)
        assert answer.status_code == 200


def test_a_json_client_that_gives_up_does_not_stop_the_turn(limited: Served, slow_store: None) -> None:
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        with pytest.raises(httpx.ReadTimeout):
            client.post(
                limited.messages(thread_id),
                json={"text": "Where is my order #12345? jane.doe@example.com"},
                headers=headers,
                timeout=0.3,
            )
        deadline = time.monotonic() + 60
        replies: list[str] = []
        while time.monotonic() < deadline and not replies:
            view = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}", headers=headers).json()
            replies = [m["text"] for m in view["messages"] if m["role"] == "assistant"]
            time.sleep(0.1)
    assert replies and "1Z999AA10123456784" in replies[0]


def test_cors_only_for_configured_origins(limited: Served) -> None:
    storefront = "https://knockout-fitness.example"
    preflight_headers = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-thread-secret",
    }
    with limited.client() as client:
        allowed = client.post(
            f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}, headers={"Origin": storefront}
        )
        assert allowed.status_code == 201 and allowed.headers["access-control-allow-origin"] == storefront
        preflight = client.options(
            f"/v1/stores/{DEMO_STORE_HASH}/threads", headers={"Origin": storefront, **preflight_headers}
        )
        assert preflight.status_code == 204
        assert "X-Thread-Secret" in preflight.headers["access-control-allow-headers"]
        assert preflight.headers["access-control-allow-origin"] == storefront
        own = client.get(f"/v1/stores/{DEMO_STORE_HASH}/config", headers={"Origin": limited.url})
        assert own.status_code == 200  # the server's own origin (the demo page)
        for evil in ("https://evil.example", "null", "https://knockout-fitness.example.evil.example"):
            refused = client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}, headers={"Origin": evil})
            assert refused.status_code == 403 and error_code(refused) == "origin_not_allowed"
            assert "access-control-allow-origin" not in refused.headers
            refused_preflight = client.options(
                f"/v1/stores/{DEMO_STORE_HASH}/threads", headers={"Origin": evil, **preflight_headers}
            )
            assert refused_preflight.status_code == 403
        assert client.get("/healthz").headers.get("access-control-allow-origin") is None


def test_a_failing_turn_is_a_json_error_not_a_stack_trace(
    limited: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = limited.app.state.server.stores[DEMO_STORE_HASH].agent

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug deep inside the graph")

    monkeypatch.setattr(agent, "send", broken)
    with limited.client() as client:
        thread_id, headers = limited.thread(client)
        answer = client.post(limited.messages(thread_id), json={"text": "hi"}, headers=headers)
        assert answer.status_code == 500 and error_code(answer) == "internal_error"
        assert "deep inside" not in answer.text
        with client.stream(
            "POST", limited.messages(thread_id), json={"text": "hi"}, headers={**headers, **STREAM}
        ) as streamed:
            events = list(parse_events(streamed.iter_lines()))
    assert [name for name, _ in events] == ["error", "done"]
    assert events[0][1]["code"] == "internal_error"
