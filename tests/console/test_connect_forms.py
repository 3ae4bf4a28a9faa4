"""Connecting a store from the console, against the sandbox over real sockets: an operator (the server's
admin token) connects by a pasted control-panel URL and sees the detected details and the scope report;
each of the integration page's error texts; a signed-in user replaces their own store's token (CSRF, per
store); no token ever appears in a page."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agent.ports import free_port
from agent.store.connections import ConnectionStore
from agent.store.report import last_sync
from sandbox.demo import DEMO_STORE_HASH, FULL_SCOPES, FULL_TOKEN
from tests.console.served import ADMIN_TOKEN, OTHER_HASH, SERVED_HASH, Console, serve_console

NO_MARKETING = "tokenwithoutmarketing00000000001"
NO_SCOPES = "tokenwithoutanyscope000000000001"
REPLACEMENT = "replacementfulltoken000000000001"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Console]:
    for served in serve_console(tmp_path_factory.mktemp("console-connect"), embedder):
        for store in served.sandbox.stores.values():
            store.tokens[NO_MARKETING] = frozenset(s for s in FULL_SCOPES if "marketing" not in s)
            store.tokens[NO_SCOPES] = frozenset()
        yield served


def _connect(console: Console, store: str, token: str, **extra: str) -> httpx.Response:
    form = {"admin_token": ADMIN_TOKEN, "store": store, "token": token, **extra}
    return httpx.post(f"{console.base_url}/admin/connect", data=form, timeout=60)


def _no_secret_in(page: str, *secrets: str) -> None:
    for secret in (ADMIN_TOKEN, FULL_TOKEN, NO_MARKETING, NO_SCOPES, *secrets):
        assert secret not in page


def test_an_operator_connects_a_store_by_its_pasted_control_panel_url(console: Console) -> None:
    form = httpx.get(f"{console.base_url}/admin/connect", timeout=60)
    assert form.status_code == 200 and 'name="admin_token"' in form.text
    pasted = f"https://store-{OTHER_HASH}.mybigcommerce.com/manage/dashboard"
    answer = _connect(console, pasted, FULL_TOKEN)
    assert answer.status_code == 200, answer.text
    info = console.sandbox.stores[OTHER_HASH].info
    assert f'id="detected-name">{info["name"]}<' in answer.text
    assert f'id="detected-url">{info["secure_url"]}<' in answer.text
    assert f'id="detected-currency">{info["currency"]}<' in answer.text
    assert "every scope the assistant uses" in answer.text and "Access forbidden" not in answer.text
    assert "chat starts in a few seconds" in answer.text  # connected while serving: served without a restart
    assert "The first catalog sync has started" in answer.text  # as `bcagent connect` starts it
    folder = ConnectionStore(console.home).folder(OTHER_HASH)
    deadline = time.monotonic() + 180
    while last_sync(folder) == "never" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert last_sync(folder) != "never"
    threads = f"{console.base_url}/v1/stores/{OTHER_HASH}/threads"
    while httpx.post(threads, json={}, timeout=60).status_code != 201 and time.monotonic() < deadline:
        time.sleep(0.5)  # the running server opens the new store's assistant in the background
    thread = httpx.post(threads, json={}, timeout=60).json()
    said = httpx.post(
        f"{threads}/{thread['thread_id']}/messages",
        json={"text": "hi"},
        headers={"X-Thread-Secret": thread["secret"]},
        timeout=60,
    )
    assert said.status_code == 200 and info["name"] in said.json()["replies"][0]  # its own assistant
    again = _connect(console, pasted, FULL_TOKEN)
    assert again.status_code == 200 and "Reconnected" in again.text and "first catalog sync" not in again.text
    connection = ConnectionStore(console.home).load(OTHER_HASH)
    assert connection.scopes["orders"] == "modify"
    assert ConnectionStore(console.home).token(OTHER_HASH).reveal() == FULL_TOKEN
    _no_secret_in(answer.text)


def test_a_token_without_a_scope_connects_and_says_what_the_scope_turns_off(console: Console) -> None:
    answer = _connect(console, f"https://api.bigcommerce.com/stores/{OTHER_HASH}/v3/", NO_MARKETING)
    assert answer.status_code == 200, answer.text
    forbidden = [p for p in re.findall(r'role="alert">([^<]+)<', answer.text) if "Access forbidden" in p]
    assert len(forbidden) == 1
    assert "Marketing" in forbidden[0] and "lookup_discount_code" in forbidden[0]
    assert ConnectionStore(console.home).load(OTHER_HASH).scopes["marketing"] == "none"
    _no_secret_in(answer.text)
    assert _connect(console, OTHER_HASH, FULL_TOKEN).status_code == 200  # as the other tests expect


@pytest.mark.parametrize(
    ("store", "token", "api_url", "expected"),
    [
        (DEMO_STORE_HASH, "not-a-token-of-this-store-000001", "", "Invalid access token"),
        (DEMO_STORE_HASH, NO_SCOPES, "", "Access forbidden"),
        ("https://example.com/manage/dashboard", FULL_TOKEN, "", "Invalid store hash"),
        (f"https://store-{DEMO_STORE_HASH}.mybigcommerce.com/x", FULL_TOKEN, "dead", "Cannot reach"),
    ],
    ids=["invalid-token", "no-scope", "not-a-bigcommerce-url", "unreachable"],
)
def test_each_connect_error_says_what_is_wrong_and_saves_nothing(
    console: Console, store: str, token: str, api_url: str, expected: str
) -> None:
    extra = {"api_url": f"http://127.0.0.1:{free_port()}"} if api_url == "dead" else {}
    answer = _connect(console, store, token, **extra)
    assert answer.status_code == 400
    alert = re.search(r'role="alert">([^<]+)<', answer.text)
    assert alert and alert.group(1).startswith(expected), answer.text
    assert DEMO_STORE_HASH not in ConnectionStore(console.home).hashes()
    _no_secret_in(answer.text)


def test_connecting_needs_the_servers_admin_token_not_a_console_session(console: Console) -> None:
    merchant = console.install(OTHER_HASH, user_id=7, email="merchant@other.example")
    url = f"{console.base_url}/admin/connect"
    form = {"store": DEMO_STORE_HASH, "token": FULL_TOKEN}
    assert merchant.post(url, data=form).status_code == 401  # a store's session is no operator
    wrong = httpx.post(url, data={**form, "admin_token": "guessed"}, timeout=60)
    assert wrong.status_code == 401 and "guessed" not in wrong.text
    assert DEMO_STORE_HASH not in ConnectionStore(console.home).hashes()
    by_header = httpx.post(
        url, data={**form, "token": "wrong-token-000000000000000001"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=60,
    )  # fmt: skip
    assert by_header.status_code == 400 and "Invalid access token" in by_header.text


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_a_user_replaces_their_own_stores_token(console: Console) -> None:
    browser = console.install(OTHER_HASH, user_id=8, email="owner@other.example")
    setup = browser.get(f"{console.base_url}/admin/stores/{OTHER_HASH}")
    assert "Replace the access token" in setup.text
    url = f"{console.base_url}/admin/stores/{OTHER_HASH}/token"
    before = ConnectionStore(console.home).token(OTHER_HASH).reveal()
    forged = browser.post(url, data={"token": NO_MARKETING, "csrf": "forged"})
    assert forged.status_code == 403
    assert ConnectionStore(console.home).token(OTHER_HASH).reveal() == before
    csrf = _csrf(setup.text)
    bad = browser.post(url, data={"token": "revoked-token-00000000000000001", "csrf": csrf})
    assert bad.status_code == 400 and "Invalid access token" in bad.text
    assert ConnectionStore(console.home).token(OTHER_HASH).reveal() == before
    done = browser.post(url, data={"token": NO_MARKETING, "csrf": csrf})
    assert done.status_code == 200 and "Reconnected" in done.text
    assert "Access forbidden" in done.text and "lookup_discount_code" in done.text
    assert ConnectionStore(console.home).token(OTHER_HASH).reveal() == NO_MARKETING
    _no_secret_in(done.text, before)
    again = browser.post(url, data={"token": FULL_TOKEN, "csrf": csrf})
    assert again.status_code == 200 and "every scope the assistant uses" in again.text


def test_a_user_cannot_replace_another_stores_token(console: Console) -> None:
    _connect(console, DEMO_STORE_HASH, FULL_TOKEN)
    other = console.install(OTHER_HASH, user_id=9, email="clerk@other.example")
    csrf = _csrf(other.get(f"{console.base_url}/admin/stores/{OTHER_HASH}").text)
    answer = other.post(
        f"{console.base_url}/admin/stores/{DEMO_STORE_HASH}/token", data={"token": NO_SCOPES, "csrf": csrf}
    )
    assert answer.status_code == 404
    assert ConnectionStore(console.home).token(DEMO_STORE_HASH).reveal() == FULL_TOKEN


def test_the_running_server_sends_the_replaced_token_once_the_old_one_is_revoked(
    console: Console, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agent.server.live")
    store = console.sandbox.stores[SERVED_HASH]
    store.tokens[REPLACEMENT] = store.tokens[FULL_TOKEN]
    chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)

    def ask(code: str) -> str:  # a code not asked before: the answer is read from the store, not a cache
        thread = chat.post("/threads").json()
        answer = chat.post(
            f"/threads/{thread['thread_id']}/messages",
            json={"text": f"Is the code {code} valid?"},
            headers={"X-Thread-Secret": thread["secret"]},
        ).json()
        return " ".join(answer["replies"])

    working = ask("GLOVES10")
    assert "GLOVES10" in working and "isn't available" not in working
    reconnected = _connect(console, SERVED_HASH, REPLACEMENT)  # as the console's token form does
    assert reconnected.status_code == 200 and "restart" not in reconnected.text  # served: it follows
    followed = f"store {SERVED_HASH}: the replaced access token is in use"
    deadline = time.monotonic() + 30
    while followed not in caplog.text and time.monotonic() < deadline:  # the server follows within seconds
        time.sleep(0.2)
    assert followed in caplog.text
    del store.tokens[FULL_TOKEN]  # the old API account is deleted in BigCommerce
    answered = ask("WELCOME10")
    assert "WELCOME10" in answered and "isn't available" not in answered  # the new token went out
    assert REPLACEMENT not in caplog.text
