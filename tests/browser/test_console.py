"""The merchant's console in Chromium: installed from the (sandbox's) control panel, it opens on the
set-up page; a tool is switched off and on with the keyboard; conversations and insights open; every
control has an accessible name; screenshots for the README."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.ports import free_port
from sandbox.demo import DEMO_STORE_HASH, LIMITED_TOKEN
from tests.console.served import ADMIN_TOKEN, CLIENT_ID, OTHER_HASH, Console, serve_console

from .browser import OUTPUT, shot


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Console]:
    yield from serve_console(tmp_path_factory.mktemp("console-browser"), embedder)


UNNAMED_CONTROLS = """() => [...document.querySelectorAll('button, input:not([type=hidden]), select, a')]
  .filter(el => {
    const labelled = el.labels && el.labels.length > 0;
    const named = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().length > 0;
    return !(labelled || named);
  }).map(el => el.outerHTML)"""


def test_install_opens_the_console_and_a_tool_switches_by_keyboard(console: Console, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{console.sandbox_url}/__sandbox__/control-panel/{DEMO_STORE_HASH}/apps/{CLIENT_ID}/install")
    page.wait_for_url(f"**/admin/stores/{DEMO_STORE_HASH}")
    assert page.get_by_role("heading", name="Set-up").is_visible()
    assert page.get_by_text("Installed on the storefront").is_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    switch = page.get_by_role("button", name="Turn off lookup_discount_code")
    switch.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "lookup_discount_code disabled" in page.get_by_role("status").first.inner_text()
    turn_on = page.get_by_role("button", name="Turn on lookup_discount_code")
    assert turn_on.is_visible()
    shot(page, "console-setup")
    turn_on.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Turn off lookup_discount_code").is_visible()
    page.get_by_role("link", name="Conversations").click()
    assert page.get_by_role("heading", name="Conversations").is_visible()
    assert page.get_by_role("search").is_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    page.get_by_role("link", name="Insights").click()
    assert page.get_by_role("heading", name="Insights").is_visible()
    shot(page, "console-insights")
    assert (OUTPUT / "console-setup.png").exists()


def test_signed_out_the_console_asks_for_a_sign_in(console: Console, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{console.base_url}/admin/stores/{DEMO_STORE_HASH}")
    page.wait_for_url("**/admin/sign-in")
    for label in ("Store hash", "Email", "Password"):
        assert page.get_by_label(label).is_visible()
    page.get_by_label("Store hash").fill(DEMO_STORE_HASH)
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match" in page.get_by_role("alert").inner_text()


def test_an_operator_connects_by_pasted_url_and_sees_each_error_text(console: Console, new_page: Any) -> None:
    console.sandbox.stores[OTHER_HASH].tokens["browsertokenwithnoscope000000001"] = frozenset()
    page = new_page()
    page.goto(f"{console.base_url}/admin/connect")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    pasted = f"https://store-{OTHER_HASH}.mybigcommerce.com/manage/dashboard"
    dead = f"http://127.0.0.1:{free_port()}"
    attempts = [
        ("https://example.com/manage/dashboard", LIMITED_TOKEN, "", "Invalid store hash"),
        (pasted, "not-this-stores-token-0000000001", "", "Invalid access token"),
        (pasted, "browsertokenwithnoscope000000001", "", "Access forbidden"),
        (pasted, LIMITED_TOKEN, dead, "Cannot reach"),
    ]
    for store, token, api_url, expected in attempts:
        page.get_by_label("Admin token").fill(ADMIN_TOKEN)
        page.get_by_label("Store hash, or the control panel or API URL").fill(store)
        page.get_by_label("Access token of the store-level API account").fill(token)
        if api_url:
            page.get_by_label("API URL", exact=True).fill(api_url)
        with page.expect_navigation():
            page.get_by_role("button", name="Connect").click()
        assert page.get_by_role("alert").inner_text().startswith(expected)
        assert token not in page.content() and ADMIN_TOKEN not in page.content()
    page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    page.get_by_label("Store hash, or the control panel or API URL").fill(pasted)
    page.get_by_label("Access token of the store-level API account").fill(LIMITED_TOKEN)
    page.get_by_label("API URL", exact=True).fill(console.sandbox_url)
    with page.expect_navigation():
        page.get_by_role("button", name="Connect").click()
    assert page.get_by_role("heading", name=f"Connected Shop {OTHER_HASH}").is_visible()
    forbidden = page.get_by_role("alert").all_inner_texts()
    assert any("Marketing" in text and "lookup_discount_code" in text for text in forbidden)
    assert LIMITED_TOKEN not in page.content()
    shot(page, "console-connect")
