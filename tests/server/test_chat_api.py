"""The chat API over a real uvicorn on loopback: threads, JSON and SSE answers, confirmations bound to
the pending proposal, the conversation view, the store's config, health, readiness and the OpenAPI docs."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from sandbox.demo import DEMO_STORE_HASH
from tests.server.conftest import ADMIN, STREAM, Served, parse_events

JANE = "jane.doe@example.com"


def test_threads_have_random_ids_and_secrets(served: Served) -> None:
    with served.client() as client:
        (first, first_headers), (second, second_headers) = served.thread(client), served.thread(client)
    assert first != second and len(first) >= 32 and int(first, 16) >= 0
    secret = first_headers["X-Thread-Secret"]
    assert len(secret) >= 43 and secret != second_headers["X-Thread-Secret"]
    folder = served.settings.home / "stores" / DEMO_STORE_HASH
    stored = b"".join(path.read_bytes() for path in folder.glob("serve.sqlite*"))  # with the WAL
    assert hashlib.sha256(secret.encode()).hexdigest().encode() in stored
    assert secret.encode() not in stored  # only a hash of the secret is kept


def test_json_answer_with_tools_routes_timings_and_links(served: Served) -> None:
    with served.client() as client:
        thread_id, headers = served.thread(client)
        answer = client.post(
            served.messages(thread_id), json={"text": f"Where is my order #12345? {JANE}"}, headers=headers
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "Shipped" in body["replies"][0] and "1Z999AA10123456784" in body["replies"][0]
    assert body["tools"] == ["get_order_information"] and body["routes"] == ["order_management"]
    assert body["confirmation"] is None
    assert body["timings"]["total_ms"] >= body["timings"]["turn_ms"] > 0
    assert {"number": "1Z999AA10123456784", "carrier": "UPS"}.items() <= body["links"]["tracking"][0].items()


def test_sse_progress_then_checked_reply_then_done(served: Served) -> None:
    with served.client() as client:
        thread_id, headers = served.thread(client)
        with client.stream(
            "POST",
            served.messages(thread_id),
            json={"text": "How much are the Premium Boxing Gloves?", "page": {"product_id": 1}},
            headers={**headers, **STREAM},
        ) as answer:
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/event-stream")
            events = list(parse_events(answer.iter_lines()))
    names = [name for name, _ in events]
    assert names[0] == "route" and events[0][1] == {"route": "product_expert"}
    assert ("tool", {"name": "get_product_information"}) in events
    assert names.index("tool") < names.index("delta") < names.index("reply")
    assert names[-1] == "done" and "total_ms" in events[-1][1]["timings"]
    reply = next(data for name, data in events if name == "reply")
    assert "$79.99" in reply["text"]
    assert "".join(d["text"] for n, d in events if n == "delta") == reply["text"]
    links = next(data for name, data in events if name == "links")
    assert links["products"][0]["name"] == "Premium Boxing Gloves"
    assert links["products"][0]["url"].startswith("https://knockout-fitness.example/")


def _propose(served: Served, client: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    thread_id, headers = served.thread(client)
    answer = client.post(
        served.messages(thread_id), json={"text": f"Cancel my order 12346, email {JANE}"}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    confirmation = answer.json()["confirmation"]
    assert confirmation is not None and confirmation["order_id"] == 12346 and confirmation["proposal_id"]
    return thread_id, headers, confirmation


def test_confirmation_wrong_proposal_is_409_and_right_one_cancels(served: Served) -> None:
    with served.client() as client:
        thread_id, headers, confirmation = _propose(served, client)
        url = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation"
        wrong = client.post(url, json={"proposal_id": "not-it", "confirm": True}, headers=headers)
        assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "no_such_proposal"
        assert served.sandbox.sandbox.store.orders[12346]["status_id"] == 11  # nothing changed
        view = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}", headers=headers).json()
        assert view["confirmation"]["proposal_id"] == confirmation["proposal_id"]
        right = client.post(
            url, json={"proposal_id": confirmation["proposal_id"], "confirm": True}, headers=headers
        )
        assert right.status_code == 200, right.text
        assert "cancelled" in " ".join(right.json()["replies"]).lower()
        assert served.sandbox.sandbox.store.orders[12346]["status_id"] == 5
        again = client.post(
            url, json={"proposal_id": confirmation["proposal_id"], "confirm": True}, headers=headers
        )
    assert again.status_code == 409 and again.json()["error"]["code"] == "no_such_proposal"


def test_confirmation_no_keeps_the_order_and_streams(served: Served) -> None:
    store = served.sandbox.sandbox.store
    with served.client() as client:
        thread_id, headers, confirmation = _propose_any(served, client)
        status_before = store.orders[confirmation["order_id"]]["status_id"]
        url = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation"
        with client.stream(
            "POST",
            url,
            json={"proposal_id": confirmation["proposal_id"], "confirm": False},
            headers={**headers, **STREAM},
        ) as streamed:
            events = list(parse_events(streamed.iter_lines()))
        view = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}", headers=headers).json()
    assert events[-1][0] == "done" and any(name == "reply" for name, _ in events)
    assert not any(name == "confirmation" for name, _ in events)
    assert store.orders[confirmation["order_id"]]["status_id"] == status_before
    assert view["confirmation"] is None


def _propose_any(served: Served, client: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A cancellation proposal for some cancellable order of the store (by its billing email)."""
    store = served.sandbox.sandbox.store
    order = next(o for o in store.orders.values() if o["status_id"] in (1, 7, 9, 11) and o["id"] != 12346)
    email = order["billing_address"]["email"]
    thread_id, headers = served.thread(client)
    answer = client.post(
        served.messages(thread_id), json={"text": f"Cancel order {order['id']} {email}"}, headers=headers
    )
    confirmation = answer.json()["confirmation"]
    assert confirmation is not None, answer.json()
    return thread_id, headers, confirmation


def test_thread_view_lists_shopper_and_assistant_messages_with_times(served: Served) -> None:
    with served.client() as client:
        thread_id, headers = served.thread(client)
        client.post(served.messages(thread_id), json={"text": "hi"}, headers=headers)
        client.post(
            served.messages(thread_id), json={"text": "Is the code SAVE20 still valid?"}, headers=headers
        )
        view = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}", headers=headers)
    assert view.status_code == 200
    body = view.json()
    assert body["thread_id"] == thread_id and body["confirmation"] is None
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["shopper", "assistant", "shopper", "assistant"]
    assert body["messages"][2]["text"] == "Is the code SAVE20 still valid?"
    assert "SAVE20" in body["messages"][3]["text"]
    times = [m["time"] for m in body["messages"]]
    assert all(t.startswith("20") and "T" in t for t in times) and times == sorted(times)


def test_thread_secret_is_required(served: Served) -> None:
    with served.client() as client:
        thread_id, headers = served.thread(client)
        _, other_headers = served.thread(client)
        view = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}"
        for wrong in ({}, {"X-Thread-Secret": "x" * 43}, other_headers):
            for answer in (
                client.get(view, headers=wrong),
                client.post(served.messages(thread_id), json={"text": "hi"}, headers=wrong),
                client.post(
                    f"{view}/confirmation", json={"proposal_id": "p", "confirm": True}, headers=wrong
                ),
            ):
                assert answer.status_code == 404, answer.text
                assert answer.json()["error"]["code"] == "unknown_thread"
        unknown = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{'0' * 32}", headers=headers)
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_thread"
        assert client.get(view, headers=headers).status_code == 200


def test_the_thread_is_checked_before_the_body(served: Served) -> None:
    """The thread arrives through a dependency, resolved before the body is validated: without the
    thread's secret a request learns nothing about its body, not even that it is invalid."""
    with served.client() as client:
        thread_id, headers = served.thread(client)
        confirmation = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation"
        for url, body in ((served.messages(thread_id), {"text": 5}), (confirmation, {"confirm": "yes"})):
            refused = client.post(url, json=body, headers={"X-Thread-Secret": "x" * 43})
            assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_thread"
            invalid = client.post(url, json=body, headers=headers)
            assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid_request"


def test_config_health_readiness_and_docs(served: Served) -> None:
    with served.client() as client:
        config = client.get(f"/v1/stores/{DEMO_STORE_HASH}/config").json()
        assert config["store_name"] == "Knockout Fitness Supply" and config["currency"] == "USD"
        assert config["storefront_url"] == "https://knockout-fitness.example" and config["greeting"]
        assert client.get("/healthz").json() == {"status": "ok"}
        anonymous = client.get("/readyz")
        assert anonymous.status_code == 200 and DEMO_STORE_HASH not in anonymous.text
        assert anonymous.json()["stores_ready"] == anonymous.json()["stores_total"] >= 1
        assert DEMO_STORE_HASH not in client.get("/readyz", headers={"Authorization": "Bearer wrong"}).text
        ready = client.get("/readyz", headers=ADMIN)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.json()["limits"] == "in_process"  # no BCAGENT_REDIS_URL here
        store = ready.json()["stores"][DEMO_STORE_HASH]
        assert store["reachable"] is True and store["index"] == "loaded" and store["problems"] == []
        paths = client.get("/openapi.json").json()["paths"]
        assert "/v1/stores/{store_hash}/threads/{thread_id}/messages" in paths
        assert client.get("/docs").status_code == 200
        home = client.get("/", follow_redirects=False)
        assert home.status_code in (200, 307)
        assert "secret" not in str(config).lower()


def test_serve_mounts_the_webhooks_receiver_which_refuses_a_missing_secret(served: Served) -> None:
    envelope = {
        "scope": "store/product/updated",
        "store_id": "1",
        "data": {"type": "product", "id": 1},
        "hash": "abc123",
        "created_at": 1700000000,
        "producer": f"stores/{DEMO_STORE_HASH}",
    }
    with served.client() as client:
        refused = client.post("/webhooks/bigcommerce", json=envelope)
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/json")
    assert served.app.state.freshness.receiver is not None


def test_an_answer_says_when_the_store_could_not_be_reached(served: Served) -> None:
    faults = f"{served.sandbox.base_url}/__sandbox__/faults"
    question = {"text": f"Where is order 12345? My email is {JANE}"}
    with served.client() as client:
        thread_id, headers = served.thread(client)
        assert httpx.put(faults, json={"error_rate": 1.0, "error_status": 503}).status_code == 200
        try:
            failed = client.post(served.messages(thread_id), json=question, headers=headers)
        finally:
            assert httpx.put(faults, json={"error_rate": 0.0}).status_code == 200
        assert failed.status_code == 200 and failed.json()["retryable"] is True  # the reply says sorry
        with client.stream(
            "POST", served.messages(thread_id), json=question, headers={**headers, **STREAM}
        ) as streamed:
            events = list(parse_events(streamed.iter_lines()))
    assert events[-1][0] == "done" and events[-1][1]["retryable"] is False
    assert "1Z999AA10123456784" in next(data["text"] for name, data in events if name == "reply")
