"""The widget end to end in headless Chromium, against a real ``bcagent serve`` and the sandbox on
loopback: the demo page, order status with a tracking link, cancelling with Yes (and No), a reload in
the middle of a confirmation, a signed-in shopper, an XSS store, a phone by keyboard only, a stream that
drops (its reply read back from the thread), and a storefront the server does not allow. Screenshots go to test-output/browser/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from sandbox.server import LoopbackServer

from .browser import (
    PHONE,
    bot_texts,
    send,
    shot,
    storage,
    turns,
    wait_ready,
    wait_turns,
)

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs"
ROOT = "document.querySelector('bcagent-chat').shadowRoot"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    pytest.importorskip("agent.server.app", reason="bcagent serve (agent/server/app.py) is not in this build")
    from .served import serve_stores

    yield from serve_stores(tmp_path_factory.mktemp("home"), embedder)


def open_demo(new_page: Any, served: Any, path: str = "/", **options: Any) -> Any:
    page = new_page(**options)
    page.goto(served.base_url + path)
    wait_ready(page)
    return page


def open_chat(page: Any) -> None:
    page.locator("bcagent-chat button.launcher").click()
    page.locator("bcagent-chat [role=dialog]").wait_for(state="visible")


def progress_recorder(page: Any) -> None:
    page.evaluate(
        f"""() => {{ window.__progress = []; const p = {ROOT}.querySelector('.progress');
        new MutationObserver(() => {{ if (p.textContent) window.__progress.push(p.textContent); }})
          .observe(p, {{childList: true, subtree: true, characterData: true}}); }}"""
    )


def confirm_buttons(page: Any) -> tuple[Any, Any]:
    group = page.locator("bcagent-chat .confirm").last
    group.wait_for(state="visible")
    return group.locator("button.yes"), group.locator("button.no")


def test_order_status_shows_a_tracking_link(served: Any, new_page: Any) -> None:
    page = open_demo(new_page, served)
    assert page.locator("h1").inner_text() == "Premium Boxing Gloves"
    assert "$79.99" in page.locator(".price").inner_text() and "$89.99" in page.locator(".price").inner_text()
    open_chat(page)
    assert page.locator("bcagent-chat .quick button").count() >= 3
    shot(page, "desktop-open")
    progress_recorder(page)

    send(page, "Where is my order #12345?")
    assert "email" in bot_texts(page)[-1].lower()
    send(page, "jane.doe@example.com")
    assert "1Z999AA10123456784" in bot_texts(page)[-1]
    links = page.locator("bcagent-chat li.msg.bot a")
    assert links.count() >= 1
    link = links.filter(has_text="Track package").first  # the order card's tracking button
    assert all("1Z999AA10123456784" in (h or "") for h in links.evaluate_all("els => els.map(a => a.href)"))
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "1Z999AA10123456784" in (link.get_attribute("href") or "")
    assert any("Looking up your order" in text for text in page.evaluate("window.__progress"))
    assert page.locator("bcagent-chat [aria-live]").count() == 1
    # the announcement follows the reply after a short delay (60 ms): wait for it before reading it (the
    # bound only catches one that never comes; a busy machine can hold a page's timers for seconds)
    page.wait_for_function(
        "() => (document.querySelector('bcagent-chat').shadowRoot.querySelector('[aria-live]')"
        " || {}).textContent?.includes('1Z999AA10123456784')",
        timeout=30_000,
    )
    assert "1Z999AA10123456784" in page.locator("bcagent-chat [aria-live]").text_content()
    assert page.errors == []
    path = shot(page, "desktop")
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(path, DOCS / "widget-desktop.png")


def test_cancel_with_yes_then_no_leaves_another_order_alone(served: Any, new_page: Any) -> None:
    page = open_demo(new_page, served)
    open_chat(page)
    send(page, "Cancel my order 12346, my email is jane.doe@example.com")
    yes, no = confirm_buttons(page)
    assert served.demo.orders[12346]["status_id"] == 11
    yes.click()
    wait_turns(page, 2)
    assert yes.is_disabled() and no.is_disabled()
    assert yes.get_attribute("aria-pressed") == "true"
    assert "cancel" in bot_texts(page)[-1].lower()
    assert served.demo.orders[12346]["status_id"] == 5

    other = open_demo(new_page, served)
    open_chat(other)
    send(other, "Cancel my order 12356, my email is yukik18@example.net")
    yes, no = confirm_buttons(other)
    no.click()
    wait_turns(other, 2)
    assert yes.is_disabled() and no.is_disabled()
    assert served.demo.orders[12356]["status_id"] == 11
    assert page.errors == [] and other.errors == []


def test_reload_in_the_middle_of_a_confirmation(served: Any, new_page: Any) -> None:
    page = open_demo(new_page, served)
    open_chat(page)
    send(page, "Cancel my order 12378, my email is alexk47@example.net")
    confirm_buttons(page)
    asked = bot_texts(page)
    page.reload()
    wait_ready(page)
    page.locator("bcagent-chat [role=dialog]").wait_for(state="visible")  # it was open: it stays open
    assert bot_texts(page)[-1] == asked[-1]
    yes, _ = confirm_buttons(page)
    yes.click()
    wait_turns(page, 1)
    assert served.demo.orders[12378]["status_id"] == 5
    thread = storage(page)
    history = served.thread("demostore", thread["thread_id"], thread["secret"])
    assert history["confirmation"] is None
    assert [m["text"] for m in history["messages"] if m["role"] == "shopper"].count(
        "Cancel my order 12378, my email is alexk47@example.net"
    ) == 1


def test_signed_in_shopper_sees_their_orders_without_an_email(served: Any, new_page: Any) -> None:
    page = open_demo(new_page, served)
    page.get_by_role("button", name="Sign in as jane.doe@example.com").click()
    page.wait_for_selector("text=Signed in as jane.doe@example.com")
    wait_ready(page)
    open_chat(page)
    send(page, "show my orders")
    reply = bot_texts(page)[-1]
    assert "12345" in reply and "12346" in reply
    assert "email" not in reply.lower()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("text=browsing as a guest")


def test_xss_store_is_shown_as_text(served: Any, new_page: Any) -> None:
    from .served import XSS_NAME

    page = open_demo(new_page, served, "/?store=xssstore")
    assert page.locator("h1").inner_text() == XSS_NAME
    assert "window.__xss=3" not in page.content() or "&lt;img" in page.content()
    open_chat(page)
    assert "Markup <b" in page.locator("bcagent-chat #bca-title").inner_text()
    page.locator("bcagent-chat .quick button", has_text="sizes").click()
    wait_turns(page, 1)
    # the tools strip HTML from store text (agent/tools/untrusted.py): the name is read as its words
    reply = bot_texts(page)[-1]
    assert "Gloves" in reply and "<img" not in reply and "<script" not in reply
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate(f"{ROOT}.querySelectorAll('img, script, b').length") == 0
    shot(page, "xss-store")
    assert page.errors == []


def test_phone_by_keyboard_only(served: Any, new_page: Any) -> None:
    page = open_demo(new_page, served, viewport=PHONE)
    for _ in range(12):  # Tab from the top of the page to the launcher
        page.keyboard.press("Tab")
        if page.evaluate(f"{ROOT}.activeElement?.className") == "launcher":
            break
    assert page.evaluate(f"{ROOT}.activeElement?.className") == "launcher"
    page.keyboard.press("Enter")
    panel = page.locator("bcagent-chat [role=dialog]")
    panel.wait_for(state="visible")
    box = panel.bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    assert page.evaluate(f"{ROOT}.activeElement.id") == "bca-input"
    shot(page, "phone-open")
    page.keyboard.type("Cancel my order 12382, my email is marcus@ironworks-gym.example")
    page.keyboard.press("Enter")
    wait_turns(page, 1)
    confirm_buttons(page)
    assert page.evaluate(f"{ROOT}.activeElement.textContent") == "Yes"
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(shot(page, "phone"), DOCS / "widget-phone.png")
    page.keyboard.press("Enter")
    wait_turns(page, 2)
    assert served.demo.orders[12382]["status_id"] == 5
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    assert page.evaluate(f"{ROOT}.activeElement?.className") == "launcher"
    assert page.errors == []


def test_a_dropped_stream_gets_its_reply_from_the_thread_and_is_not_sent_twice(
    served: Any, new_page: Any
) -> None:
    page = open_demo(new_page, served)
    dropped: list[str] = []

    def cut(route: Any) -> None:
        answer = route.fetch()  # the server runs the whole turn
        body = answer.text()
        first = body.index("event: delta")
        dropped.append(body)
        route.fulfill(status=200, headers=answer.headers, body=body[: body.index("\n\n", first) + 2])

    page.route("**/messages", cut)
    open_chat(page)
    text = "Where is my order #12345? My email is jane.doe@example.com"
    send(page, text)
    assert dropped and "event: done" in dropped[0]
    # the turn went on on the server: the widget reads the thread back and shows the whole reply, no Try again
    page.wait_for_function(f"{ROOT}.querySelector('.card.order') !== null", timeout=30_000)
    page.wait_for_selector("bcagent-chat[data-busy=false]", state="attached")
    assert page.locator("bcagent-chat .alert").is_hidden()
    shot(page, "stream-dropped")
    page.unroute("**/messages")
    assert "1Z999AA10123456784" in bot_texts(page)[-1]
    assert page.locator("bcagent-chat li.msg.bot.partial").count() == 0
    thread = storage(page)
    history = served.thread("demostore", thread["thread_id"], thread["secret"])
    assert [m["text"] for m in history["messages"] if m["role"] == "shopper"] == [text]
    assert turns(page) == 1


def test_a_storefront_not_on_the_cors_list_says_chat_is_unavailable(served: Any, new_page: Any) -> None:
    async def store_page(request: Any) -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><title>Other shop</title><h1>Other shop</h1>"
            f'<script src="{served.base_url}/widget.js" data-store="demostore" async></script>'
            "<script>window.pageWorks = true</script>"
        )

    with LoopbackServer(Starlette(routes=[Route("/", store_page)])) as other:
        page = new_page()
        page.goto(other.base_url + "/")
        wait_ready(page, "unavailable")
        open_chat(page)
        assert "Chat is unavailable" in page.locator("bcagent-chat .alert").inner_text()
        assert page.evaluate("window.pageWorks") is True
        assert page.locator("h1").inner_text() == "Other shop"
        assert page.errors == []
