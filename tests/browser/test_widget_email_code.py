"""The widget's emailed-code confirmation (issue 27), in Chromium against the static folder, the chat API
played by Playwright routes: a confirmation with ``verify: "email_code"`` shows a code field (not
Yes/No), Confirm posts ``{"confirm": true, "code": ...}``, the shopper's bubble shows dots, not the code."""

from __future__ import annotations

import json
from typing import Any

from sandbox.server import LoopbackServer

from .browser import PHONE, turns, wait_ready, wait_turns
from .test_widget_static import DEAD_API, sse, store_site

__all__ = ["store_site"]

CONFIRMATION = {
    "question": "To cancel order #12346 (2 item(s), $111.58), type the 6-digit code I emailed to j***@example.com.",
    "order_id": 12346,
    "proposal_id": "p1",
    "verify": "email_code",
}


def fake_api(page: Any) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    question = CONFIRMATION["question"]

    def handle(route: Any) -> None:
        request = route.request
        path = request.url.removeprefix(DEAD_API)
        cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers={**cors, "Access-Control-Allow-Methods": "GET, POST"})
        elif path.endswith("/config"):
            config = {"store_name": "Shop", "greeting": "Hi", "storefront_url": "", "currency": "USD"}
            route.fulfill(json=config, headers=cors)
        elif path.endswith("/threads"):
            route.fulfill(status=201, json={"thread_id": "a" * 32, "secret": "s" * 43}, headers=cors)
        elif path.endswith("/messages") or path.endswith("/confirmation"):
            body = json.loads(request.post_data or "{}")
            sent.append((path.rsplit("/", 1)[-1], body))
            if path.endswith("/messages"):
                events = [("reply", {"text": question}), ("confirmation", CONFIRMATION)]
            else:
                events = [("reply", {"text": "Order #12346 is now cancelled."})]
            events.append(("done", {"timings": {}}))
            route.fulfill(body=sse(*events), headers={**cors, "Content-Type": "text/event-stream"})
        else:
            route.fulfill(status=404, json={"error": {"code": "not_found", "message": "no"}}, headers=cors)

    page.route(DEAD_API + "/**", handle)
    return sent


def test_an_emailed_code_confirmation_shows_a_code_field(store_site: LoopbackServer, new_page: Any) -> None:
    page = new_page(viewport=PHONE)
    sent = fake_api(page)
    page.goto(store_site.base_url + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    before = turns(page)
    page.locator("bcagent-chat textarea").fill("cancel order 12346, jane.doe@example.com")
    page.locator("bcagent-chat textarea").press("Enter")
    wait_turns(page, before + 1)
    field = page.locator("bcagent-chat .confirm input.code")
    assert field.count() == 1 and field.get_attribute("autocomplete") == "one-time-code"
    assert page.locator("bcagent-chat .confirm button").all_inner_texts() == ["Confirm", "No"]
    field.fill("12 34")  # not six digits: nothing is sent
    page.locator("bcagent-chat .confirm button.yes").click()
    assert len(sent) == 1
    field.fill("123 456")
    field.press("Enter")
    wait_turns(page, before + 2)
    assert sent[-1] == ("confirmation", {"proposal_id": "p1", "confirm": True, "code": "123456"})
    shopper = page.locator("bcagent-chat li.msg.me").all_inner_texts()
    assert not any("123456" in t or "123 456" in t for t in shopper) and "\u2022" * 6 in shopper[-1]
    assert field.is_disabled()
    assert page.errors == []
