"""The console as a BigCommerce single-click app, end to end over real sockets: the sandbox plays the
control panel and BigCommerce's OAuth server, ``bcagent serve`` runs the console. Install (token exchange,
connect, widget script, first sync), load, per-store isolation, CSRF, forged and expired payloads, the
password sign-in and its rate limit, conversations and insights counted from the transcripts, uninstall
and remove_user."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import jwt
import pytest

from agent.persistence.transcripts import Query, open_transcripts
from agent.store.connections import ConnectionStore
from sandbox.demo import DEMO_STORE_HASH
from tests.console.served import CLIENT_ID, CLIENT_SECRET, OTHER_HASH, SERVED_HASH, Console, serve_console


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Console]:
    yield from serve_console(tmp_path_factory.mktemp("console-home"), embedder)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def _wait_for_sync(browser: httpx.Client, base_url: str, store_hash: str) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job: dict[str, Any] = browser.get(f"{base_url}/admin/stores/{store_hash}/sync.json").json()
        if job["finished"]:
            return job
        time.sleep(0.5)
    raise AssertionError("the first sync did not finish")


def test_install_connects_installs_the_widget_syncs_and_opens_the_console(console: Console) -> None:
    browser = console.install(DEMO_STORE_HASH)
    page = browser.get(f"{console.base_url}/admin/stores/{DEMO_STORE_HASH}").text
    connection = ConnectionStore(console.home).load(DEMO_STORE_HASH)
    assert connection.name in page and "Set-up" in page
    assert connection.scopes["orders"] == "modify" and connection.scopes["products"] == "read"
    assert "Installed on the storefront" in page
    scripts = list(console.sandbox.stores[DEMO_STORE_HASH].scripts.values())
    assert len(scripts) == 1
    script = scripts[0]
    assert script["location"] == "footer" and script["consent_category"] == "functional"
    assert script["auto_uninstall"] is True and script["api_client_id"] == CLIENT_ID
    assert f'src="{console.base_url}/widget.js" data-store="{DEMO_STORE_HASH}"' in script["html"]
    job = _wait_for_sync(browser, console.base_url, DEMO_STORE_HASH)
    assert job["total"] == 20 and job["done"] == 20, job
    token = ConnectionStore(console.home).token(DEMO_STORE_HASH).reveal()
    for path in ("", "/conversations", "/insights"):
        shown = browser.get(f"{console.base_url}/admin/stores/{DEMO_STORE_HASH}{path}").text
        assert token not in shown and CLIENT_SECRET not in shown


def _disabled_tools(console: Console) -> list[str]:
    """The store's tool switches as every server reads them (the merchant's live settings)."""
    from agent.store.live import effective_connection

    connection = ConnectionStore(console.home).load(DEMO_STORE_HASH)
    with ThreadPoolExecutor(1) as pool:
        effective, _ = pool.submit(asyncio.run, effective_connection(console.settings, connection)).result()
    return list(effective.disabled_tools)


def test_a_tool_switch_needs_the_sessions_csrf_token(console: Console) -> None:
    browser = console.install(DEMO_STORE_HASH)
    url = f"{console.base_url}/admin/stores/{DEMO_STORE_HASH}"
    form = {"tool": "lookup_discount_code", "action": "disable"}
    refused = browser.post(f"{url}/tools", data={**form, "csrf": "forged"})
    assert refused.status_code == 403
    assert "lookup_discount_code" not in _disabled_tools(console)
    done = browser.post(f"{url}/tools", data={**form, "csrf": _csrf(browser.get(url).text)})
    assert done.status_code == 200 and "Turn on lookup_discount_code" in done.text
    assert _disabled_tools(console) == ["lookup_discount_code"]
    browser.post(
        f"{url}/tools", data={"tool": "lookup_discount_code", "action": "enable", "csrf": _csrf(done.text)}
    )
    assert _disabled_tools(console) == []


def test_a_user_of_one_store_never_sees_another(console: Console) -> None:
    console.install(DEMO_STORE_HASH)
    other = console.install(OTHER_HASH, user_id=9, email="clerk@other.example")
    for path in ("", "/conversations", "/insights", "/sync.json"):
        assert other.get(f"{console.base_url}/admin/stores/{DEMO_STORE_HASH}{path}").status_code == 404
    unknown = other.get(f"{console.base_url}/admin/stores/nosuchstore").status_code
    assert unknown == 404  # the same answer for a store that does not exist


def _payload(**changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"aud": CLIENT_ID, "iss": "bc", "iat": now, "nbf": now, "exp": now + 3600, "sub": f"stores/{DEMO_STORE_HASH}",
              "user": {"id": 1, "email": "owner@example.com"}, "owner": {"id": 1, "email": "owner@example.com"}}  # fmt: skip
    claims.update(changes)
    secret = str(claims.pop("_secret", CLIENT_SECRET))
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.mark.parametrize(
    "forged",
    [
        {"_secret": "not-the-client-secret-0123456789abcdefghij"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 90000, "nbf": int(time.time()) - 90000},
        {"aud": "another-app"},
        {"iss": "someone"},
    ],
    ids=["wrong-secret", "expired", "other-audience", "other-issuer"],
)
def test_load_refuses_a_forged_or_expired_payload(console: Console, forged: dict[str, Any]) -> None:
    console.install(DEMO_STORE_HASH)
    browser = httpx.Client(follow_redirects=False, timeout=60)
    answer = browser.get(f"{console.base_url}/load", params={"signed_payload_jwt": _payload(**forged)})
    assert answer.status_code == 401 and "bcagent_console" not in answer.headers.get("set-cookie", "")
    good = browser.get(f"{console.base_url}/load", params={"signed_payload_jwt": _payload()})
    assert good.status_code == 303 and good.headers["location"] == f"/admin/stores/{DEMO_STORE_HASH}"
    assert "bcagent_console=" in good.headers["set-cookie"]


def test_password_sign_in_and_its_rate_limit(console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.cli import main

    monkeypatch.setenv("BCAGENT_HOME", str(console.home))
    monkeypatch.setenv("BCAGENT_ADMIN_PASSWORD", "a long enough password")
    with ThreadPoolExecutor(1) as pool:
        for email in ("ops@served.example", "target@served.example"):
            code = pool.submit(
                main, ["admin", "set-password", "--email", email, "--store", SERVED_HASH]
            ).result()
            assert code == 0
    browser = httpx.Client(follow_redirects=True, timeout=60)
    form = {"store_hash": SERVED_HASH, "email": "ops@served.example"}
    page = browser.post(
        f"{console.base_url}/admin/sign-in", data={**form, "password": "a long enough password"}
    )
    assert page.status_code == 200 and str(page.url).endswith(f"/admin/stores/{SERVED_HASH}")
    target = {"store_hash": SERVED_HASH, "email": "target@served.example"}
    statuses = [
        httpx.post(
            f"{console.base_url}/admin/sign-in", data={**target, "password": f"wrong {i}"}, timeout=60
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    right = httpx.post(
        f"{console.base_url}/admin/sign-in", data={**target, "password": "a long enough password"}
    )
    assert right.status_code == 429  # locked for the window, even with the right password


def test_conversations_and_insights_count_what_the_transcripts_hold(console: Console) -> None:
    chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)
    for text in (
        "Where is order 12345? jane.doe@example.com",
        "do you sell gloves",
        "talk to a human please",
    ):
        created = chat.post("/threads")
        assert created.status_code == 201
        thread = created.json()
        headers = {"X-Thread-Secret": thread["secret"]}
        assert (
            chat.post(
                f"/threads/{thread['thread_id']}/messages", json={"text": text}, headers=headers
            ).status_code
            == 200
        )
    browser = httpx.Client(follow_redirects=True, timeout=60)
    browser.post(f"{console.base_url}/admin/sign-in", data={"store_hash": SERVED_HASH, "email": "ops@served.example",
                                                            "password": "a long enough password"})  # fmt: skip

    async def counted() -> tuple[int, int, int]:
        folder = ConnectionStore(console.home).folder(SERVED_HASH)
        async with open_transcripts(console.settings, folder) as transcripts:
            threads = await transcripts.threads(Query(store_hash=SERVED_HASH))
        return len(threads), sum(t.turns for t in threads), sum(1 for t in threads if t.handoff)

    with ThreadPoolExecutor(1) as pool:
        conversations, turns, handoffs = pool.submit(asyncio.run, counted()).result()
    assert conversations >= 3
    listing = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/conversations").text
    assert listing.count(f"/admin/stores/{SERVED_HASH}/conversations/") == conversations
    assert "jane.doe@example.com" not in listing and "[email]" in listing  # masked unless asked
    by_order = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/conversations?order=12345").text
    assert by_order.count(f"/admin/stores/{SERVED_HASH}/conversations/") == 1
    handed = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/conversations?status=handoff").text
    assert handed.count(f"/admin/stores/{SERVED_HASH}/conversations/") == handoffs
    insights = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/insights").text
    assert f'id="fig-conversations">{conversations}<' in insights
    assert f'id="fig-turns">{turns}<' in insights
    assert f'id="fig-handoffs">{handoffs} (' in insights
    csv_text = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/insights?format=csv").text
    assert f"conversations,{conversations}" in csv_text


def test_a_tool_switched_off_in_the_console_is_no_longer_offered_in_the_chat(console: Console) -> None:
    browser = httpx.Client(follow_redirects=True, timeout=60)
    page = browser.post(
        f"{console.base_url}/admin/sign-in",
        data={"store_hash": SERVED_HASH, "email": "ops@served.example", "password": "a long enough password"},
    )
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    off = {"tool": "lookup_discount_code", "action": "disable", "csrf": _csrf(page.text)}
    assert browser.post(f"{url}/tools", data=off).status_code == 200
    chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)
    deadline = time.monotonic() + 30
    reply = ""
    while time.monotonic() < deadline:  # every server follows the switch within seconds, without a restart
        thread = chat.post("/threads").json()
        answer = chat.post(
            f"/threads/{thread['thread_id']}/messages",
            json={"text": "Is the code SAVE20 valid?"},
            headers={"X-Thread-Secret": thread["secret"]},
        ).json()
        reply = " ".join(answer["replies"])
        if "isn't available" in reply:
            break
        time.sleep(1)
    assert "isn't available in this store's chat" in reply and "SAVE20" not in reply
    on = {"tool": "lookup_discount_code", "action": "enable", "csrf": _csrf(page.text)}
    assert browser.post(f"{url}/tools", data=on).status_code == 200


def test_the_inbox_reply_reaches_the_shoppers_chat_and_close_hands_back(console: Console) -> None:
    chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)
    thread = chat.post("/threads").json()
    headers = {"X-Thread-Secret": thread["secret"]}
    talk = f"/threads/{thread['thread_id']}/messages"
    chat.post(talk, json={"text": "I want to talk to a real person about my order"}, headers=headers)
    chat.post(talk, json={"text": "shopper.console@example.com"}, headers=headers)
    browser = httpx.Client(follow_redirects=True, timeout=60)
    browser.post(f"{console.base_url}/admin/sign-in", data={"store_hash": SERVED_HASH, "email": "ops@served.example",
                                                            "password": "a long enough password"})  # fmt: skip
    inbox = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/inbox").text
    ids = re.findall(rf"/admin/stores/{SERVED_HASH}/inbox/(\d+)", inbox)
    assert ids, "the handoff is not in the inbox"
    page = browser.get(f"{console.base_url}/admin/stores/{SERVED_HASH}/inbox/{ids[0]}")
    assert "talk to a real person" in page.text
    sent = browser.post(page.url, data={"csrf": _csrf(page.text), "action": "reply", "author": "Sam",
                                        "text": "Hi, Sam here: <b>checking</b> your order now."})  # fmt: skip
    assert "Sent:" in sent.text
    view = chat.get(f"/threads/{thread['thread_id']}", headers=headers).json()
    staff = [m for m in view["messages"] if m["role"] == "staff"]
    assert (
        staff and staff[-1]["author"] == "Sam" and "<b>checking</b>" in staff[-1]["text"]
    )  # text, never markup
    quiet = chat.post(talk, json={"text": "thanks, waiting"}, headers=headers).json()
    assert quiet["replies"] == []  # staff have the conversation: the assistant stays silent
    closed = browser.post(page.url, data={"csrf": _csrf(sent.text), "action": "close"})
    assert "Closed:" in closed.text
    back = chat.post(talk, json={"text": "do you sell gloves?"}, headers=headers).json()
    assert back["replies"]  # the assistant answers again


def test_uninstall_and_remove_user_arrive_signed_and_forget_the_store(console: Console) -> None:
    other = console.install(OTHER_HASH, user_id=9, email="clerk@other.example")
    removed = httpx.post(
        f"{console.sandbox_url}/__sandbox__/control-panel/{OTHER_HASH}/apps/{CLIENT_ID}/remove-user?user_id=9&user_email=clerk@other.example",
        timeout=60,
    ).json()
    assert removed["callback_status"] == 200
    assert other.get(f"{console.base_url}/admin/stores/{OTHER_HASH}").url.path == "/admin/sign-in"
    console.install(OTHER_HASH, user_id=1)
    answer = httpx.post(
        f"{console.sandbox_url}/__sandbox__/control-panel/{OTHER_HASH}/apps/{CLIENT_ID}/uninstall"
    ).json()
    assert answer["callback_status"] == 200 and answer["tokens_revoked"] == 1
    assert OTHER_HASH not in ConnectionStore(console.home).hashes()
    forged = httpx.get(
        f"{console.base_url}/uninstall", params={"signed_payload_jwt": _payload(_secret="x" * 40)}
    )
    assert forged.status_code == 401
