"""Structured replies over the API (JSON, SSE, the thread view, /openapi.json), a thread view that says a
turn is still running (so a reloaded widget can wait for its reply), the widget's thread settings in
/config, and a verified shopper's thread refused to another signed-in shopper."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from tests.server.conftest import STREAM, Served, parse_events

JANE = "jane.doe@example.com"
MARCUS = "marcus@ironworks-gym.example"


def _blocks(answer: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [block for reply in answer["blocks"] for block in reply if block["type"] == kind]


def test_an_order_answer_carries_an_order_card_beside_its_text(served: Served) -> None:
    with served.client() as client:
        thread_id, headers = served.thread(client)
        answer = client.post(
            served.messages(thread_id), json={"text": f"Where is my order #12345? {JANE}"}, headers=headers
        ).json()
    assert "1Z999AA10123456784" in answer["replies"][0]  # old clients still read text
    assert answer["blocks_version"] == 1 and len(answer["blocks"]) == len(answer["replies"])
    (order,) = _blocks(answer, "order")
    assert order["number"] == 12345 and order["status"] == "Shipped"
    assert order["tracking_number"] == "1Z999AA10123456784" and order["carrier"] == "UPS"
    assert order["tracking_link"].startswith("https://www.ups.com/")
    lead = answer["blocks"][0][0]
    assert lead["type"] == "paragraph" and "https://" not in lead["text"]


def test_the_stream_carries_the_blocks_in_each_reply_event(served: Served) -> None:
    with served.client() as client:
        thread_id, headers = served.thread(client)
        with client.stream(
            "POST",
            served.messages(thread_id),
            json={"text": "Do you have any promotions right now?"},
            headers={**headers, **STREAM},
        ) as streamed:
            events = list(parse_events(streamed.iter_lines()))
    replies = [data for name, data in events if name == "reply"]
    assert replies and replies[0]["blocks_version"] == 1
    lists = [b for b in replies[0]["blocks"] if b["type"] == "list"]
    assert lists and len(lists[0]["items"]) >= 2
    assert events[-1][0] == "done"


def test_the_thread_view_has_blocks_and_says_when_a_turn_is_running(served: Served) -> None:
    faults = f"{served.sandbox.base_url}/__sandbox__/faults"
    with served.client() as client:
        thread_id, headers = served.thread(client)
        view = f"/v1/stores/demostore/threads/{thread_id}"
        assert client.get(view, headers=headers).json()["turn_in_progress"] is False
        outcome: dict[str, Any] = {}

        def ask() -> None:
            with served.client() as other:
                outcome["answer"] = other.post(
                    served.messages(thread_id), json={"text": f"order 12345, {JANE}"}, headers=headers
                )

        assert httpx.put(faults, json={"latency_ms": 600}).status_code == 200
        asker = threading.Thread(target=ask)
        try:
            asker.start()
            seen_running = False
            for _ in range(200):
                body = client.get(view, headers=headers).json()
                if body["turn_in_progress"]:
                    seen_running = True
                    break
                time.sleep(0.05)
            asker.join(120)
        finally:
            assert httpx.put(faults, json={"latency_ms": 0}).status_code == 200
        assert seen_running
        assert outcome["answer"].status_code == 200
        body = client.get(view, headers=headers).json()
    assert body["turn_in_progress"] is False
    assistant = [m for m in body["messages"] if m["role"] == "assistant"]
    assert any(b["type"] == "order" and b["number"] == 12345 for b in assistant[-1]["blocks"])
    assert all(m["blocks"] == [] for m in body["messages"] if m["role"] == "shopper")


def test_config_tells_the_widget_when_to_forget_a_thread_and_the_longest_message(served: Served) -> None:
    with served.client() as client:
        config = client.get("/v1/stores/demostore/config").json()
        schema = client.get("/openapi.json").json()
    assert config["thread_ttl_hours"] == 24 and config["max_message_chars"] == 2000
    names = set(schema["components"]["schemas"])
    assert {"OrderBlock", "ProductBlock", "ListBlock", "ActionsBlock", "Notice", "Paragraph"} <= names


def test_a_verified_shoppers_thread_is_refused_to_another_signed_in_shopper(served: Served) -> None:
    jane, marcus = served.shopper_token(JANE), served.shopper_token(MARCUS)
    with served.client() as client:
        thread_id, headers = served.thread(client)
        url = served.messages(thread_id)
        first = client.post(url, json={"text": "show my orders", "customer_token": jane}, headers=headers)
        assert first.status_code == 200, first.text
        refused = client.post(
            url, json={"text": "cancel that order", "customer_token": marcus}, headers=headers
        )
        again = client.post(url, json={"text": "show my orders", "customer_token": jane}, headers=headers)
        fresh_id, fresh_headers = served.thread(client)
        own = client.post(
            served.messages(fresh_id),
            json={"text": "show my orders", "customer_token": marcus},
            headers=fresh_headers,
        )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "thread_of_another_customer"
    assert again.status_code == 200 and "#12345" in " ".join(again.json()["replies"])
    assert own.status_code == 200 and "#12345" not in " ".join(own.json()["replies"])
