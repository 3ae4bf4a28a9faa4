"""Structured replies and the conversation's life in the widget, in Chromium at 390 px and 1280 px, with the
chat API played by Playwright routes that follow API-CONTRACT.md: order and product cards, bulleted lists,
the tracking button, quick-reply chips by keyboard, a notice, a long reply shown from its first line,
right-to-left text, the character counter, timestamps on hover and focus, "New conversation", a thread
forgotten after the idle time and when the signed-in shopper changes, and a reload while a turn runs."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.server import LoopbackServer

from .browser import DESKTOP, PHONE_390, bot_texts, send, shot, wait_idle, wait_ready
from .test_widget_static import CONTRAST, DEAD_API, site, sse

ROOT = "document.querySelector('bcagent-chat').shadowRoot"
THREAD = "a" * 32
SECRET = "s" * 43
STORE_URL = "https://knockout-fitness.example"

ORDER_BLOCKS = [
    {"type": "paragraph", "text": "Order #12345 is Shipped. Shipping to Austin, Texas."},
    {
        "type": "order",
        "number": 12345,
        "status": "Shipped",
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "tracking_link": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "items": [{"name": "Premium Boxing Gloves", "quantity": 1, "options": "Size: 12oz"}],
        "total": "$89.94",
    },
    {
        "type": "actions",
        "actions": [{"label": "Talk to a person", "message": "I'd like to talk to a person"}],
    },
]
SHORTLIST_BLOCKS = [
    {"type": "paragraph", "text": "Here is what we have:"},
    {
        "type": "list",
        "items": [
            {"text": "Premium Boxing Gloves", "detail": "$79.99, in stock", "link": f"{STORE_URL}/gloves/"},
            {"text": "Pro Sparring Gloves", "detail": "$59.99, in stock", "link": "javascript:alert(1)"},
        ],
    },
    {"type": "paragraph", "text": "Which one would you like to know more about?"},
    {
        "type": "actions",
        "actions": [
            {"label": "Premium Boxing Gloves", "message": "Tell me about the Premium Boxing Gloves"},
            {"label": "Pro Sparring Gloves", "message": "Tell me about the Pro Sparring Gloves"},
        ],
    },
]
PRODUCT_BLOCKS = [
    {"type": "paragraph", "text": "The Premium Boxing Gloves come in size 10oz, 12oz, 14oz and 16oz."},
    {
        "type": "product",
        "name": "Premium Boxing Gloves",
        "image": "__IMAGE__",
        "price": "$89.99",
        "sale_price": "$79.99",
        "stock": "in stock",
        "options": "Size: 10oz, 12oz, 14oz, 16oz; Colour: Red, Black, Blue",
        "link": f"{STORE_URL}/gloves/",
    },
    {"type": "notice", "text": "Prices are in US dollars.", "tone": "info"},
    {"type": "carousel", "items": ["a block type this widget does not know is skipped"]},
]
HEBREW = "שלום! ההזמנה שלך נשלחה היום."
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def reply(text: str, blocks: list[dict[str, Any]] | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("delta", {"text": text}),
        ("reply", {"text": text, "blocks": blocks or [], "blocks_version": 1}),
        ("done", {"timings": {}}),
    ]


def jwt(customer_id: int) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'customer': {'id': customer_id}})}.c2ln"


class FakeApi:
    """The chat API under DEAD_API (and the storefront's /customer/current.jwt): scripted turns, a thread
    view that can say a turn is still running, and a record of what the widget asked."""

    def __init__(self, page: Any, turns: list[list[tuple[str, dict[str, Any]]]], ttl_hours: int = 24) -> None:
        self.turns = turns
        self.sent: list[dict[str, Any]] = []
        self.created = 0
        self.thread_reads = 0
        self.views: list[dict[str, Any]] = []  # the thread view, one per GET (the last one repeats)
        self.customer: int | None = None
        self.config = {
            "store_name": "Knockout Fitness Supply",
            "greeting": "Hi! Ask me about an order or a product.",
            "storefront_url": STORE_URL,
            "currency": "USD",
            "app_client_id": "app123",
            "thread_ttl_hours": ttl_hours,
            "max_message_chars": 2000,
        }
        page.route(DEAD_API + "/**", self.handle)
        page.route("**/customer/current.jwt*", self.current_customer)
        page.route("**/static/glove.png", lambda route: route.fulfill(body=PNG, content_type="image/png"))

    def current_customer(self, route: Any) -> None:
        if self.customer is None:
            route.fulfill(status=404, body="")
        else:
            route.fulfill(body=jwt(self.customer), content_type="text/plain")

    def handle(self, route: Any) -> None:
        request = route.request
        path = request.url.removeprefix(DEAD_API)
        cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers={**cors, "Access-Control-Allow-Methods": "GET, POST"})
        elif path.endswith("/config"):
            route.fulfill(json=self.config, headers=cors)
        elif path.endswith("/threads"):
            self.created += 1
            route.fulfill(status=201, json={"thread_id": THREAD, "secret": SECRET}, headers=cors)
        elif path.endswith("/messages"):
            self.sent.append(json.loads(request.post_data or "{}"))
            events = self.turns[len(self.sent) - 1]
            route.fulfill(body=sse(*events), headers={**cors, "Content-Type": "text/event-stream"})
        elif request.method == "GET" and f"/threads/{THREAD}" in path:
            self.thread_reads += 1
            view = self.views[min(self.thread_reads, len(self.views)) - 1] if self.views else {}
            route.fulfill(
                json={"thread_id": THREAD, "messages": [], "confirmation": None, **view}, headers=cors
            )
        else:
            route.fulfill(status=404, json={"error": {"code": "not_found", "message": "no"}}, headers=cors)


@pytest.fixture
def store_site() -> Iterator[LoopbackServer]:
    with LoopbackServer(site(DEAD_API)) as server:
        yield server


def opened(
    new_page: Any, store_site: LoopbackServer, viewport: dict[str, int], **fake: Any
) -> tuple[Any, FakeApi]:
    page = new_page(viewport=viewport)
    api = FakeApi(page, **fake)
    page.goto(store_site.base_url + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    return page, api


def seed(page: Any, store_site: LoopbackServer, **saved: Any) -> None:
    """A thread the widget saved on an earlier visit (then reload the page to use it)."""
    value = {"thread_id": THREAD, "secret": SECRET, "links": {"tracking": [], "products": []}, **saved}
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"bcagent:demostore@{DEAD_API}", json.dumps(value)],
    )


def contrast(page: Any, selectors: list[str]) -> dict[str, float]:
    script = CONTRAST.replace(
        "['.launcher', '.head h2', '.msg.bot', '.msg.me', '.composer button', '.quick button', '.sub',\n"
        "                     '.composer textarea', '.progress', '.alert span', '.alert button']",
        json.dumps(selectors),
    )
    assert script != CONTRAST
    ratios: dict[str, float] = page.evaluate(script)
    return ratios


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP], ids=["390px", "1280px"])
def test_cards_lists_tracking_button_and_chips(
    store_site: LoopbackServer, new_page: Any, viewport: Any
) -> None:
    product = json.loads(
        json.dumps(PRODUCT_BLOCKS).replace("__IMAGE__", store_site.base_url + "/static/glove.png")
    )
    page, api = opened(
        new_page,
        store_site,
        viewport,
        turns=[
            reply(
                "Order #12345 is Shipped. ... https://www.ups.com/track?tracknum=1Z999AA10123456784",
                ORDER_BLOCKS,
            ),
            reply("Here is what we have: 1. Premium Boxing Gloves ...", SHORTLIST_BLOCKS),
            reply(
                "The Premium Boxing Gloves come in ... More: https://knockout-fitness.example/gloves/",
                product,
            ),
        ],
    )
    send(page, "Where is order #12345? jane.doe@example.com")
    card = page.locator("bcagent-chat .card.order")
    assert card.locator(".cname").inner_text() == "Order #12345"
    assert (
        "UPS" in card.inner_text()
        and "1Z999AA10123456784" in card.inner_text()
        and "$89.94" in card.inner_text()
    )
    track = card.locator("a.track")
    assert track.inner_text() == "Track package"
    assert track.get_attribute("href") == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert track.get_attribute("target") == "_blank" and track.get_attribute("rel") == "noopener noreferrer"
    assert "https://www.ups.com" not in bot_texts(page)[-1]  # the raw URL is not shown mid-text
    name = "desktop" if viewport == DESKTOP else "phone"
    shot(page, f"blocks-order-{name}")

    send(page, "gloves")
    items = page.locator("bcagent-chat .blist li")
    assert items.count() == 2
    assert items.nth(0).locator("a").get_attribute("href") == f"{STORE_URL}/gloves/"
    assert items.nth(1).locator("a").count() == 0  # a javascript: link is never made
    chips = page.locator("bcagent-chat .chips[role=group]").last
    assert chips.get_attribute("aria-label") == "Suggested replies"
    assert chips.locator("button").count() == 2
    assert page.locator("bcagent-chat .chips button:visible").count() == 2  # the older chips are retired
    shot(page, f"blocks-shortlist-{name}")
    # keyboard: focus the chip, Enter sends the message it carries
    chips.locator("button").nth(1).focus()
    page.keyboard.press("Enter")
    wait_idle(page)
    page.wait_for_function(
        f"{ROOT}.querySelectorAll('.card img').length + {ROOT}.querySelectorAll('.card').length >= 2"
    )
    assert api.sent[-1]["text"] == "Tell me about the Pro Sparring Gloves"
    assert page.locator("bcagent-chat li.msg.me").last.text_content().startswith("You: Tell me about the Pro")

    product_card = page.locator("bcagent-chat .card").last
    assert product_card.locator(".cname").get_attribute("href") == f"{STORE_URL}/gloves/"
    assert (
        product_card.locator("s").inner_text() == "$89.99"
        and "$79.99" in product_card.locator(".price").inner_text()
    )
    assert "Size: 10oz" in product_card.inner_text()
    page.wait_for_function(f"{ROOT}.querySelector('.card img')?.complete")
    assert product_card.locator("img").get_attribute("alt") == ""
    notice = page.locator("bcagent-chat .notice")
    assert notice.get_attribute("role") == "note" and notice.inner_text() == "Prices are in US dollars."
    assert "does not know" not in page.locator("bcagent-chat ol.log").inner_text()
    log = page.locator("bcagent-chat ol.log")
    assert log.evaluate("l => l.scrollWidth <= l.clientWidth + 1")  # nothing wider than the panel
    ratios = contrast(
        page, [".msg.bot", ".chips button", "a.track", ".notice", ".detail", ".stock", ".cname"]
    )
    assert len(ratios) == 7
    for selector, ratio in ratios.items():
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f} is below WCAG AA"
    shot(page, f"blocks-product-{name}")
    unnamed = page.evaluate(
        f"""() => [...{ROOT}.querySelectorAll('button, a, img, textarea, [role=group], [role=dialog]')]
          .filter(e => e.offsetParent !== null || e.tagName === 'IMG')
          .filter(e => !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.id === 'bca-input'
                         || (e.tagName === 'IMG' ? e.hasAttribute('alt') : e.textContent.trim())))
          .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []  # every control, link and group has a name; images are marked decorative
    assert page.errors == []


def test_a_long_reply_is_shown_from_its_first_line_and_rtl_reads_right_to_left(
    store_site: LoopbackServer, new_page: Any
) -> None:
    rows = [
        {"text": f"Offer {i}: {i * 5}% off the category number {i}", "detail": f"Use code SAVE{i}"}
        for i in range(20)
    ]
    long_blocks = [{"type": "paragraph", "text": "Running now:"}, {"type": "list", "items": rows}]
    page, _ = opened(
        new_page,
        store_site,
        PHONE_390,
        turns=[
            reply("Running now: ...", long_blocks),
            reply(HEBREW, [{"type": "paragraph", "text": HEBREW}]),
        ],
    )
    send(page, "Do you have any promotions right now?")
    gap = page.evaluate(
        f"() => {{ const log = {ROOT}.querySelector('.log'); const li = [...log.querySelectorAll('.msg.bot')].pop();"
        " return li.getBoundingClientRect().top - log.getBoundingClientRect().top; }"
    )
    assert 0 <= gap <= 24, f"the reply's first line is {gap}px from the top of the log"
    assert page.locator("bcagent-chat .blist li").count() == 20
    shot(page, "blocks-promotions-phone")

    send(page, "מה המצב של ההזמנה שלי?")
    for selector in ("li.msg.me", "li.msg.bot", "li.msg.bot p"):  # a reply's paragraphs each find their own
        last = page.locator(f"bcagent-chat {selector}").last
        assert last.get_attribute("dir") == "auto"
    assert page.locator("bcagent-chat li.msg.me").last.evaluate("e => e.matches(':dir(rtl)')")
    assert page.locator("bcagent-chat li.msg.bot p").last.evaluate("e => e.matches(':dir(rtl)')")
    assert (
        page.locator("bcagent-chat li.msg.bot p").last.evaluate("e => getComputedStyle(e).direction") == "rtl"
    )
    shot(page, "blocks-rtl-phone")
    assert page.errors == []


def test_counter_near_the_limit_and_a_notice_instead_of_a_silent_cut(
    store_site: LoopbackServer, new_page: Any
) -> None:
    page, api = opened(new_page, store_site, DESKTOP, turns=[reply("Thanks!")])
    box = page.locator("bcagent-chat textarea")
    counter = page.locator("bcagent-chat .count")
    box.fill("a" * 100)
    assert counter.is_hidden()
    box.fill("a" * 1700)
    assert counter.is_visible() and counter.inner_text() == "1700 / 2000"
    assert box.get_attribute("aria-describedby") == "bca-count"
    box.fill("b" * 5000)
    assert box.evaluate("t => t.value.length") == 5000  # nothing is cut
    assert "3000 characters over the 2000-character limit" in counter.inner_text()
    page.wait_for_function(
        f"{ROOT}.querySelector('[aria-live]').textContent.includes('over the 2000-character')"
    )
    assert page.locator("bcagent-chat [aria-live]").count() == 1
    box.press("Enter")
    page.wait_for_timeout(200)
    assert api.sent == [] and box.evaluate("t => t.value.length") == 5000
    assert contrast(page, [".count"])[".count"] >= 4.5
    box.fill("b" * 1990)
    send(page, box.input_value())
    assert len(api.sent) == 1 and len(api.sent[0]["text"]) == 1990
    assert counter.is_hidden()


def test_timestamps_on_hover_and_on_keyboard_focus(store_site: LoopbackServer, new_page: Any) -> None:
    page, _ = opened(new_page, store_site, DESKTOP, turns=[reply("Order #12345 is Shipped.")])
    send(page, "order status")
    bubble = page.locator("bcagent-chat li.msg.bot").last
    shown = "b => getComputedStyle(b, '::after').content"
    assert bubble.get_attribute("data-time")
    assert bubble.evaluate(shown) in ("none", "normal")
    bubble.hover()
    assert bubble.evaluate(shown) == f'"{bubble.get_attribute("data-time")}"'
    page.mouse.move(0, 0)
    assert bubble.evaluate(shown) in ("none", "normal")
    page.locator("bcagent-chat textarea").focus()
    page.keyboard.press("Shift+Tab")  # back from the suggestions / the composer to the conversation
    while page.evaluate(f"{ROOT}.activeElement?.tagName") != "OL":
        page.keyboard.press("Shift+Tab")
    assert bubble.evaluate(shown) == f'"{bubble.get_attribute("data-time")}"'
    assert bubble.text_content() == "Assistant: Order #12345 is Shipped."  # the time is not in the text


def test_new_conversation_forgets_the_thread(store_site: LoopbackServer, new_page: Any) -> None:
    page, api = opened(new_page, store_site, DESKTOP, turns=[reply("First answer."), reply("Second answer.")])
    send(page, "first question")
    assert api.created == 1
    new = page.locator("bcagent-chat button.new")
    assert new.get_attribute("aria-label") == "New conversation"
    new.focus()
    page.keyboard.press("Enter")
    assert "first question" not in page.locator("bcagent-chat ol.log").inner_text()
    assert "new conversation" in page.locator("bcagent-chat li.msg.note").inner_text()
    assert (
        page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('bcagent:') && !k.endsWith(':open'))"
        )
        == []
    )
    send(page, "second question")
    assert api.created == 2 and bot_texts(page)[-1] == "Second answer."


def _reopen(page: Any, store_site: LoopbackServer) -> None:
    page.goto(store_site.base_url + "/")
    wait_ready(page)


def test_a_thread_is_forgotten_after_the_idle_time(store_site: LoopbackServer, new_page: Any) -> None:
    page, api = opened(new_page, store_site, DESKTOP, turns=[], ttl_hours=24)
    api.views = [
        {"messages": [{"role": "shopper", "text": "cancel my order", "time": "2026-12-01T10:00:00Z"}]}
    ]
    seed(page, store_site, last=int(time.time() * 1000) - 25 * 3600 * 1000)
    _reopen(page, store_site)
    assert api.thread_reads == 0
    assert "cancel my order" not in page.locator("bcagent-chat ol.log").text_content()
    seed(page, store_site, last=int(time.time() * 1000) - 23 * 3600 * 1000)
    _reopen(page, store_site)
    assert api.thread_reads == 1
    assert "cancel my order" in page.locator("bcagent-chat ol.log").text_content()


@pytest.mark.parametrize("now_signed_in", [2, None], ids=["another-customer", "signed-out"])
def test_a_thread_is_forgotten_when_the_shopper_changes(
    store_site: LoopbackServer, new_page: Any, now_signed_in: int | None
) -> None:
    page, api = opened(new_page, store_site, DESKTOP, turns=[reply("Here are your orders.")])
    api.views = [
        {"messages": [{"role": "shopper", "text": "show my orders", "time": "2026-12-07T10:00:00Z"}]}
    ]
    api.customer = 1
    seed(page, store_site, last=int(time.time() * 1000), customer="1")
    _reopen(page, store_site)
    assert api.thread_reads == 1  # the same shopper: the conversation is theirs
    api.customer = now_signed_in
    _reopen(page, store_site)
    assert api.thread_reads == 1
    assert "show my orders" not in page.locator("bcagent-chat ol.log").text_content()
    page.evaluate("window.bcagentWidget.open()")
    send(page, "show my orders")
    assert api.created == 1  # a new thread for the new shopper


def test_a_thread_the_server_says_is_another_shoppers_is_replaced(
    store_site: LoopbackServer, new_page: Any
) -> None:
    refused = [
        (
            "error",
            {
                "code": "thread_of_another_customer",
                "message": "This conversation belongs to another shopper.",
            },
        ),
        ("done", {"timings": {}}),
    ]
    page, api = opened(new_page, store_site, DESKTOP, turns=[refused, reply("Here are your orders.")])
    send(page, "show my orders")
    page.wait_for_function(f"{ROOT}.textContent.includes('Here are your orders.')")
    assert api.created == 2 and [m["text"] for m in api.sent] == ["show my orders"] * 2
    assert page.locator("bcagent-chat .alert").is_hidden()
    assert page.locator("bcagent-chat li.msg.me").count() == 1


def test_a_reload_while_a_turn_runs_shows_progress_then_the_reply(
    store_site: LoopbackServer, new_page: Any
) -> None:
    page, api = opened(new_page, store_site, PHONE_390, turns=[])
    question = {"role": "shopper", "text": "Where is order #12345?", "time": "2026-12-07T10:00:00Z"}
    answer = {
        "role": "assistant",
        "text": "Order #12345 is Shipped.",
        "time": "2026-12-07T10:00:05Z",
        "blocks": ORDER_BLOCKS,
    }
    running = {"messages": [question], "turn_in_progress": True}
    api.views = [running, running, running, {"messages": [question, answer], "turn_in_progress": False}]
    seed(page, store_site, last=int(time.time() * 1000))
    page.evaluate(f"sessionStorage.setItem('bcagent:demostore@{DEAD_API}:open', 'true')")
    page.reload()
    wait_ready(page)
    page.wait_for_function(f"{ROOT}.querySelector('.progress').textContent.includes('Still working')")
    assert page.locator("bcagent-chat").get_attribute("data-busy") == "true"
    page.wait_for_selector("bcagent-chat .card.order", timeout=30_000)
    wait_idle(page)
    assert api.thread_reads == 4 and api.sent == []  # no second reload, and the question is not asked again
    assert page.locator("bcagent-chat .progress").text_content() == ""
    page.wait_for_function(f"{ROOT}.querySelector('[aria-live]').textContent.includes('Order #12345')")
    assert page.errors == []
