"""Structured replies end to end in headless Chromium, against a real ``bcagent serve`` (offline model) and
the sandbox on loopback, at 1280 px and 390 px: order status, promotions, a shortlist and its quick-reply
chips, a comparison, right-to-left text, a reload while the store is slow (the reply arrives without a
second reload), and a conversation forgotten when the signed-in shopper signs out. The screenshots the
README shows are copied into docs/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .browser import DESKTOP, PHONE_390, bot_texts, send, shot, storage, wait_idle, wait_ready

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs"
ROOT = "document.querySelector('bcagent-chat').shadowRoot"
JANE = "jane.doe@example.com"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    from .served import serve_stores

    yield from serve_stores(tmp_path_factory.mktemp("home"), embedder)


def chat(new_page: Any, served: Any, viewport: dict[str, int]) -> Any:
    page = new_page(viewport=viewport)
    page.goto(served.base_url + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    page.locator("bcagent-chat [role=dialog]").wait_for(state="visible")
    return page


def docs_shot(page: Any, name: str) -> None:
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(shot(page, name), DOCS / f"{name}.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["1280px", "390px"])
def test_order_status_is_a_card_with_a_track_package_button(
    served: Any, new_page: Any, viewport: Any
) -> None:
    page = chat(new_page, served, viewport)
    send(page, f"Where is my order #12345? {JANE}")
    card = page.locator("bcagent-chat .card.order")
    assert card.locator(".cname").inner_text() == "Order #12345"
    assert "Shipped" in card.inner_text() and "1Z999AA10123456784" in card.inner_text()
    track = card.locator("a.track")
    assert "1Z999AA10123456784" in (track.get_attribute("href") or "")
    assert (track.get_attribute("href") or "").startswith("https://")
    assert "https://" not in bot_texts(page)[-1].replace(card.inner_text(), "")  # no raw URL in the words
    box = track.bounding_box()
    assert box is not None and box["height"] >= 36  # a button a thumb can hit
    assert page.locator("bcagent-chat ol.log").evaluate("l => l.scrollWidth <= l.clientWidth + 1")
    docs_shot(page, "widget-order-desktop" if viewport == DESKTOP else "widget-order-phone")
    assert page.errors == []


def test_promotions_are_a_list_read_from_the_top(served: Any, new_page: Any) -> None:
    page = chat(new_page, served, PHONE_390)
    send(page, "Do you have any promotions right now?")
    items = page.locator("bcagent-chat .blist li")
    assert items.count() >= 5
    assert any("SPRING15" in text for text in items.all_inner_texts())
    gap = page.evaluate(
        f"() => {{ const log = {ROOT}.querySelector('.log'); const li = [...log.querySelectorAll('.msg.bot')].pop();"
        " return li.getBoundingClientRect().top - log.getBoundingClientRect().top; }"
    )
    assert 0 <= gap <= 24, f"the reply starts {gap}px below the top of the conversation"
    docs_shot(page, "widget-promotions-phone")
    assert page.errors == []


def test_a_shortlist_has_links_and_chips_that_ask_for_one(served: Any, new_page: Any) -> None:
    page = chat(new_page, served, DESKTOP)
    send(page, "jump rope")
    listed = page.locator("bcagent-chat .blist li a")
    assert listed.count() >= 2
    assert all(
        h.startswith("https://knockout-fitness.example/")
        for h in listed.evaluate_all("e => e.map(a => a.href)")
    )
    chips = page.locator("bcagent-chat .chips button:visible")
    assert chips.count() >= 2
    docs_shot(page, "widget-shortlist")
    name = chips.first.inner_text()
    chips.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"{ROOT}.querySelectorAll('.card').length >= 1", timeout=60_000)
    wait_idle(page)
    assert page.locator("bcagent-chat .card .cname").last.inner_text() == name
    assert page.locator("bcagent-chat .chips button:visible").count() == 0  # used chips are retired
    assert page.errors == []


def test_a_comparison_is_two_product_cards(served: Any, new_page: Any) -> None:
    page = chat(new_page, served, DESKTOP)
    send(page, "Premium Boxing Gloves vs Southpaw Street Sparring Gloves")
    names = page.locator("bcagent-chat .card .cname").all_inner_texts()
    assert names == ["Premium Boxing Gloves", "Southpaw Street Sparring Gloves"]
    prices = page.locator("bcagent-chat .card .price").all_inner_texts()
    assert "$79.99" in prices[0] and "$89.99" in prices[0] and "$112.99" in prices[1]
    docs_shot(page, "widget-comparison")
    assert page.errors == []


def test_right_to_left_text(served: Any, new_page: Any) -> None:
    page = chat(new_page, served, PHONE_390)
    send(page, "שלום, איפה ההזמנה שלי?")
    mine = page.locator("bcagent-chat li.msg.me").last
    assert mine.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("bcagent-chat li.msg.bot").last.get_attribute("dir") == "auto"
    docs_shot(page, "widget-rtl-phone")


def test_a_reload_while_the_store_is_slow_still_shows_the_reply(served: Any, new_page: Any) -> None:
    faults = f"{served.sandbox_url}/__sandbox__/faults"
    page = chat(new_page, served, DESKTOP)
    # the turn's first store request takes 8 s; the store is fast again for the page's own reload (the
    # demo page reads its product from the store), so the reload ends while the turn still runs
    assert httpx.put(faults, json={"latency_ms": 8000}).status_code == 200
    try:
        box = page.locator("bcagent-chat textarea")
        box.fill(f"Where is my order #12345? {JANE}")
        box.press("Enter")
        page.wait_for_function(
            f"{ROOT}.querySelector('.progress').textContent.includes('Looking up')", timeout=30_000
        )
        assert httpx.put(faults, json={"latency_ms": 0}).status_code == 200
        page.reload()
        wait_ready(page)
        page.wait_for_function(
            f"{ROOT}.querySelector('.progress').textContent.includes('Still working')", timeout=30_000
        )
        assert page.locator("bcagent-chat").get_attribute("data-busy") == "true"
        shot(page, "reload-mid-turn")
    finally:
        assert httpx.put(faults, json={"latency_ms": 0}).status_code == 200
    page.wait_for_selector("bcagent-chat .card.order", timeout=60_000)  # no second reload
    wait_idle(page)
    assert "1Z999AA10123456784" in bot_texts(page)[-1]
    thread = storage(page)
    history = served.thread("demostore", thread["thread_id"], thread["secret"])
    assert history["turn_in_progress"] is False
    assert [m["role"] for m in history["messages"]] == ["shopper", "assistant"]  # asked once
    assert page.errors == []


def test_signing_out_ends_the_conversation(served: Any, new_page: Any) -> None:
    page = new_page(viewport=DESKTOP)
    page.goto(served.base_url + "/")
    wait_ready(page)
    page.get_by_role("button", name=f"Sign in as {JANE}").click()
    page.wait_for_selector(f"text=Signed in as {JANE}")
    wait_ready(page)
    page.evaluate("window.bcagentWidget.open()")
    send(page, "show my orders")
    assert "12345" in bot_texts(page)[-1]
    assert storage(page)["customer"]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("text=browsing as a guest")
    wait_ready(page)
    page.evaluate("window.bcagentWidget.open()")
    log = page.locator("bcagent-chat ol.log").text_content() or ""
    assert "show my orders" not in log and "12345" not in log  # the next person sees none of it
    assert page.errors == []
