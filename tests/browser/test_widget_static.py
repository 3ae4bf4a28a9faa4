"""The widget on its own, in Chromium: the static folder served by a real HTTP server on loopback, on a
store page with hostile CSS. No chat server is running (the widget must say so and leave the page
alone); the chat API's answers that the offline model cannot produce (a very long reply, a reply full of
markup) are played by Playwright routes that follow the API contract."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox.server import LoopbackServer

from .browser import PHONE, STATIC, bot_texts, send, shot, wait_ready, widget_size

DEAD_API = "http://127.0.0.1:9"  # the discard port: nothing listens there

STORE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>A store</title>
<style>
  * { font-family: "Comic Sans MS", cursive !important; letter-spacing: 3px; }
  button { background: lime; color: yellow; font-size: 9px; border: 5px dotted red; }
  div, li, ol, form { display: block; padding: 40px; margin: 30px; }
  textarea { font-size: 10px; }
</style></head><body>
<h1 id="title">Store page</h1>
<button id="store-button" class="launcher panel">The store's own button</button>
<div class="msg bot" id="store-div">The store's own div</div>
<script src="/static/widget.js" data-store="demostore" data-api="__API__" data-greeting="Hello from the test"
  data-color="__COLOR__" async></script>
<script>window.pageWorks = true;</script>
</body></html>"""


def site(api: str, color: str = "#0f766e") -> Starlette:
    page = STORE_PAGE.replace("__API__", api).replace("__COLOR__", color)

    async def home(request: Any) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(
        routes=[Route("/", home), Mount("/static", StaticFiles(directory=STATIC), name="static")]
    )


@pytest.fixture
def store_site() -> Iterator[LoopbackServer]:
    with LoopbackServer(site(DEAD_API)) as server:
        yield server


def test_the_script_never_builds_html_from_strings() -> None:
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, f"widget.js uses {sink}"
    assert re.search(r"rel\s*=\s*\"noopener noreferrer\"", script), "links must open with noopener noreferrer"
    assert 'target = "_blank"' in script
    assert "EventSource" not in script  # EventSource cannot POST; the widget reads the fetch body stream
    raw, zipped = widget_size()
    assert zipped < 30 * 1024, f"widget is {zipped} bytes gzipped"
    assert raw > zipped


def test_server_down_when_the_widget_loads(store_site: LoopbackServer, new_page: Any) -> None:
    page = new_page()
    page.goto(store_site.base_url + "/")
    wait_ready(page, "unavailable")
    assert page.evaluate("window.pageWorks") is True
    assert page.errors == []

    launcher = page.locator("bcagent-chat button.launcher")
    assert launcher.inner_text().strip() == "Chat with us"
    assert launcher.get_attribute("aria-expanded") == "false"
    # The store's CSS does not reach into the widget, and the widget's CSS does not reach the store.
    assert launcher.evaluate("b => getComputedStyle(b).fontSize") == "16px"
    assert "Comic" not in launcher.evaluate("b => getComputedStyle(b).fontFamily")
    assert page.locator("#store-button").evaluate("b => getComputedStyle(b).position") == "static"
    assert page.locator("#store-div").evaluate("d => getComputedStyle(d).borderRadius") == "0px"
    # data-color="#0f766e": the accent, with white text picked for contrast
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(15, 118, 110)"
    assert launcher.evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"

    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("bcagent-chat [role=dialog]")
    assert dialog.is_visible()
    assert dialog.get_attribute("aria-labelledby") == "bca-title"
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.querySelector('bcagent-chat').shadowRoot.activeElement.id") == "bca-input"
    assert "Chat is unavailable" in page.locator("bcagent-chat .alert").inner_text()
    assert (
        page.locator("bcagent-chat textarea").evaluate("t => parseFloat(getComputedStyle(t).fontSize)") >= 16
    )
    assert bot_texts(page) == ["Hello from the test"]

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert (
        page.evaluate("document.querySelector('bcagent-chat').shadowRoot.activeElement.className")
        == "launcher"
    )

    # A message typed while the server is down: a clear error and a retry, and the page still works.
    launcher.click()
    send(page, "Where is my order #12345?")
    assert "can't reach the chat service" in page.locator("bcagent-chat .alert").inner_text()
    assert page.locator("bcagent-chat .alert button").inner_text() == "Try again"
    assert page.locator("#title").inner_text() == "Store page"
    assert page.errors == []


def sse(*events: tuple[str, dict[str, Any]]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


MARKUP = (
    '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    '<a href="javascript:window.__xss=3">click</a> <b>bold</b> &amp; <iframe src="/"></iframe>'
)


def fake_api(page: Any, replies: list[list[tuple[str, dict[str, Any]]]]) -> list[dict[str, Any]]:
    """Answer the chat API under DEAD_API as the contract says; each message gets the next scripted turn."""
    sent: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        request = route.request
        path = request.url.removeprefix(DEAD_API)
        cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers={**cors, "Access-Control-Allow-Methods": "GET, POST"})
        elif path.endswith("/config"):
            route.fulfill(
                json={
                    "store_name": "Test & <Store>",
                    "greeting": "Hi",
                    "storefront_url": "",
                    "currency": "USD",
                },
                headers=cors,
            )
        elif path.endswith("/threads"):
            route.fulfill(status=201, json={"thread_id": "a" * 32, "secret": "s" * 43}, headers=cors)
        elif path.endswith("/messages"):
            sent.append(json.loads(request.post_data or "{}"))
            events = replies[len(sent) - 1]
            route.fulfill(body=sse(*events), headers={**cors, "Content-Type": "text/event-stream"})
        else:
            route.fulfill(status=404, json={"error": {"code": "not_found", "message": "no"}}, headers=cors)

    page.route(DEAD_API + "/**", handle)
    return sent


def test_long_and_markup_replies_are_shown_as_text(store_site: LoopbackServer, new_page: Any) -> None:
    long_reply = " ".join(f"word{i}" for i in range(1200)) + " " + "x" * 400  # and one unbreakable run
    page = new_page(viewport=PHONE)
    sent = fake_api(
        page,
        [
            [
                ("route", {"route": "product_expert"}),
                ("tool", {"name": "get_product_information"}),
                ("delta", {"text": MARKUP[:20]}),
                ("delta", {"text": MARKUP[20:]}),
                ("reply", {"text": MARKUP}),
                ("links", {"tracking": [], "products": [{"name": "bold", "url": "javascript:alert(1)"}]}),
                ("done", {"timings": {}}),
            ],
            [("delta", {"text": long_reply}), ("reply", {"text": long_reply}), ("done", {"timings": {}})],
        ],
    )
    page.goto(store_site.base_url + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    assert page.locator("bcagent-chat #bca-title").inner_text().startswith("Test & <Store>")

    send(page, "<b>hi</b>")
    assert sent[0]["text"] == "<b>hi</b>"
    assert page.locator("bcagent-chat li.msg.me").last.text_content().endswith("<b>hi</b>")
    assert bot_texts(page)[-1] == MARKUP
    shadow_tags = page.evaluate(
        "[...document.querySelector('bcagent-chat').shadowRoot.querySelectorAll('.log *')].map(e => e.tagName)"
    )
    assert not {"IMG", "SCRIPT", "IFRAME", "B"} & set(shadow_tags)
    assert "A" not in shadow_tags  # a javascript: URL from the API never becomes a link

    send(page, "tell me more")
    assert bot_texts(page)[-1] == long_reply
    log = page.locator("bcagent-chat ol.log")
    assert log.evaluate("l => l.scrollWidth <= l.clientWidth + 1")  # wrapped, no sideways scrolling
    assert log.evaluate("l => l.scrollHeight > l.clientHeight")  # and scrollable
    page.wait_for_timeout(300)  # any onerror handler would have run by now
    assert page.evaluate("window.__xss") is None
    assert page.errors == []
    for selector, ratio in contrast(page).items():
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f} is below WCAG AA"


CONTRAST = """() => {
  const root = document.querySelector('bcagent-chat').shadowRoot;
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126*r + 0.7152*g + 0.0722*b; };
  const background = e => { for (; e; e = e.parentElement || e.getRootNode().host) {
    const c = getComputedStyle(e).backgroundColor; if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; }
    return 'rgb(255, 255, 255)'; };
  const out = {};
  for (const sel of ['.launcher', '.head h2', '.msg.bot', '.msg.me', '.composer button', '.quick button', '.sub',
                     '.composer textarea', '.progress', '.alert span', '.alert button']) {
    const e = root.querySelector(sel); if (!e) continue;
    const a = lum(getComputedStyle(e).color), b = lum(background(e));
    out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out; }"""


def contrast(page: Any) -> dict[str, float]:
    """Text / background contrast of the widget's parts (the nearest opaque background)."""
    ratios: dict[str, float] = page.evaluate(CONTRAST)
    assert len(ratios) >= 6
    return ratios


def test_store_unreachable_then_retry_sends_the_turn_again(store_site: LoopbackServer, new_page: Any) -> None:
    page = new_page()
    sent = fake_api(
        page,
        [
            [
                ("tool", {"name": "get_order_information"}),
                ("error", {"code": "store_unreachable", "message": "The store cannot be reached right now."}),
                ("done", {"timings": {}}),
            ],
            [
                ("delta", {"text": "Order #12345 is Shipped."}),
                ("reply", {"text": "Order #12345 is Shipped."}),
                ("done", {"timings": {}}),
            ],
        ],
    )
    page.goto(store_site.base_url + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    send(page, "Where is my order #12345?")
    assert "can't reach the store" in page.locator("bcagent-chat .alert").inner_text()
    page.wait_for_function(  # announced once, through the one live region
        "document.querySelector('bcagent-chat').shadowRoot.querySelector('[aria-live]')"
        '.textContent.includes("can\'t reach the store")'
    )
    page.locator("bcagent-chat .alert button").click()  # the server said the turn failed: ask again
    page.wait_for_function(  # the alert hides when the new turn starts; the answer comes after
        "document.querySelector('bcagent-chat').shadowRoot.textContent.includes('Order #12345 is Shipped.')"
    )
    assert page.locator("bcagent-chat .alert").is_hidden()
    assert bot_texts(page)[-1] == "Order #12345 is Shipped."
    assert [m["text"] for m in sent] == ["Where is my order #12345?"] * 2
    assert page.locator("bcagent-chat li.msg.me").count() == 1  # one bubble for the one question


def test_a_reply_saying_the_store_is_unreachable_offers_try_again(
    store_site: LoopbackServer, new_page: Any
) -> None:
    page = new_page(viewport=PHONE)  # the shopper on a phone
    sorry = "I can't reach the store right now. Please try again in a moment."
    sent = fake_api(
        page,
        [
            [  # the turn was answered, but its tool could not reach the store
                ("tool", {"name": "get_order_information"}),
                ("delta", {"text": sorry}),
                ("reply", {"text": sorry}),
                ("done", {"timings": {}, "retryable": True}),
            ],
            [
                ("delta", {"text": "Order #12345 is Shipped."}),
                ("reply", {"text": "Order #12345 is Shipped."}),
                ("done", {"timings": {}, "retryable": False}),
            ],
        ],
    )
    page.goto(store_site.base_url + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    send(page, "Where is my order #12345?")
    page.wait_for_selector("bcagent-chat .alert button", state="visible")
    assert (
        bot_texts(page)[-1] == sorry
        and "can't reach the store" in page.locator("bcagent-chat .alert").inner_text()
    )
    shot(page, "phone-store-unreachable")
    page.locator("bcagent-chat .alert button").click()
    page.wait_for_function(  # the alert hides when the new turn starts; the answer comes after
        "document.querySelector('bcagent-chat').shadowRoot.textContent.includes('Order #12345 is Shipped.')"
    )
    assert page.locator("bcagent-chat .alert").is_hidden()
    assert bot_texts(page)[-1] == "Order #12345 is Shipped."
    assert [m["text"] for m in sent] == ["Where is my order #12345?"] * 2
    assert page.locator("bcagent-chat li.msg.me").count() == 1
