"""The set-up page's forms against ``bcagent serve`` and the sandbox over real sockets: the policy form
(CSRF, checked input, per store; ``email_code`` only with SMTP) and a change made in it changing what
the assistant does in the chat."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from agent.store.connections import ConnectionStore
from agent.store.live import effective_connection
from agent.store.merchant_settings import PolicySettings
from tests.console.served import OTHER_HASH, SERVED_HASH, Console, serve_console

EMAIL, PASSWORD = "ops@served.example", "a long enough password"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Console]:
    yield from serve_console(tmp_path_factory.mktemp("console-setup-forms"), embedder)


@pytest.fixture(scope="module")
def signed_in(console: Console) -> httpx.Client:
    """A console user of the served store (a password set with `bcagent admin set-password`)."""
    from agent.cli import main

    with pytest.MonkeyPatch.context() as env, ThreadPoolExecutor(1) as pool:
        env.setenv("BCAGENT_HOME", str(console.home))
        env.setenv("BCAGENT_ADMIN_PASSWORD", PASSWORD)
        assert (
            pool.submit(main, ["admin", "set-password", "--email", EMAIL, "--store", SERVED_HASH]).result()
            == 0
        )
    browser = httpx.Client(follow_redirects=True, timeout=60)
    page = browser.post(
        f"{console.base_url}/admin/sign-in",
        data={"store_hash": SERVED_HASH, "email": EMAIL, "password": PASSWORD},
    )
    assert str(page.url).endswith(f"/admin/stores/{SERVED_HASH}")
    return browser


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _policy(console: Console) -> PolicySettings:
    connection = ConnectionStore(console.home).load(SERVED_HASH)
    with ThreadPoolExecutor(1) as pool:
        _, live = pool.submit(asyncio.run, effective_connection(console.settings, connection)).result()
    return live.settings.policy


def _form(csrf: str, statuses: list[int], **fields: str) -> dict[str, Any]:
    return {"csrf": csrf, "status": [str(s) for s in statuses], "who_may_cancel": "order_and_email",
            "max_order_age_days": "", "private_codes": "", "show_codes_in_promotions": "on", **fields}  # fmt: skip


def _cancel_reply(console: Console, order_id: int, email: str) -> dict[str, Any]:
    chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)
    thread = chat.post("/threads").json()
    answer: dict[str, Any] = chat.post(
        f"/threads/{thread['thread_id']}/messages",
        json={"text": f"Cancel my order {order_id}, email {email}"},
        headers={"X-Thread-Secret": thread["secret"]},
    ).json()
    return answer


def _eventually(ask: Any, until: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    answer = ask()
    while not until(answer) and time.monotonic() < deadline:  # servers follow within seconds, no restart
        time.sleep(1)
        answer = ask()
    return dict(answer)


def test_the_policy_form_shows_the_policy_and_refuses_a_forged_or_bad_form(
    console: Console, signed_in: httpx.Client
) -> None:
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    page = signed_in.get(url).text
    assert 'name="status" value="11" checked' in page and 'value="order_and_email" checked' in page
    before = _policy(console)
    assert signed_in.post(f"{url}/policy", data=_form("forged", [1])).status_code == 403
    nothing = signed_in.post(f"{url}/policy", data=_form(_csrf(page), []))
    assert nothing.status_code == 422 and "at least one cancellable status" in nothing.text
    bad_age = signed_in.post(f"{url}/policy", data=_form(_csrf(page), [1], max_order_age_days="soon"))
    assert bad_age.status_code == 422 and "give a number of days" in bad_age.text
    who = signed_in.post(f"{url}/policy", data=_form(_csrf(page), [1], who_may_cancel="anyone"))
    assert who.status_code == 422 and "verified_only" in who.text
    assert _policy(console) == before
    saved = signed_in.post(
        f"{url}/policy",
        data=_form(_csrf(page), [1, 11], max_order_age_days="30", private_codes="VIP50, STAFF",
                   who_may_cancel="verified_only"),
    )  # fmt: skip
    assert saved.status_code == 200 and "Policy saved" in saved.text
    assert _policy(console) == PolicySettings(
        cancellable_status_ids=(1, 11), max_order_age_days=30, who_may_cancel="verified_only",
        private_codes=("VIP50", "STAFF"), show_codes_in_promotions=True,
    )  # fmt: skip
    assert 'name="status" value="9" checked' not in saved.text and 'value="VIP50, STAFF"' in saved.text
    signed_in.post(f"{url}/policy", data=_form(_csrf(page), sorted(before.cancellable_status_ids)))
    assert _policy(console) == before


def test_the_form_refuses_email_code_while_the_server_cannot_send_email(
    console: Console, signed_in: httpx.Client
) -> None:
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    page = signed_in.get(url).text
    assert 'value="email_code"' in page and "not available: BCAGENT_SMTP_URL is not set" in page
    before = _policy(console)
    refused = signed_in.post(f"{url}/policy", data=_form(_csrf(page), [11], who_may_cancel="email_code"))
    assert refused.status_code == 422 and "email_code needs email: set BCAGENT_SMTP_URL" in refused.text
    assert _policy(console) == before


def test_a_status_made_non_cancellable_in_the_form_refuses_the_cancellation_in_chat(
    console: Console, signed_in: httpx.Client
) -> None:
    store = console.sandbox.stores[SERVED_HASH]
    order = next(o for o in store.orders.values() if o["status_id"] == 11 and not o.get("items_shipped"))
    email = order["billing_address"]["email"]
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    csrf = _csrf(signed_in.get(url).text)
    first = (
        _eventually(  # cancellable to begin with (once the servers follow the previous test's last change)
            lambda: _cancel_reply(console, order["id"], email),
            lambda answer: answer["confirmation"] is not None,
        )
    )
    assert first["confirmation"] is not None
    others = [0, 1, 7, 8, 9, 12]  # every unshipped status but 11 (Awaiting Fulfillment)
    assert signed_in.post(f"{url}/policy", data=_form(csrf, others)).status_code == 200
    refused = _eventually(
        lambda: _cancel_reply(console, order["id"], email),
        lambda answer: answer["confirmation"] is None,
    )
    assert refused["confirmation"] is None
    assert f"#{order['id']} can't be cancelled while it is" in " ".join(refused["replies"])
    assert signed_in.post(f"{url}/policy", data=_form(csrf, [*others, 11])).status_code == 200
    allowed = _eventually(
        lambda: _cancel_reply(console, order["id"], email),
        lambda answer: answer["confirmation"] is not None,
    )
    assert allowed["confirmation"]["order_id"] == order["id"]
    assert store.orders[order["id"]]["status_id"] == 11  # proposed, never confirmed: nothing changed


def test_a_user_of_another_store_cannot_change_this_stores_policy(
    console: Console, signed_in: httpx.Client
) -> None:
    before = _policy(console)
    other = console.install(OTHER_HASH, user_id=9, email="clerk@other.example")
    csrf = _csrf(other.get(f"{console.base_url}/admin/stores/{OTHER_HASH}").text)
    answer = other.post(f"{console.base_url}/admin/stores/{SERVED_HASH}/policy", data=_form(csrf, [1]))
    assert answer.status_code == 404
    assert _policy(console) == before
    asked = other.get(f"{console.base_url}/admin/stores/{SERVED_HASH}", params={"explain": "1"})
    assert asked.status_code == 404 and "explain-answer" not in asked.text


def _explained(console: Console, reference: str) -> str:
    from agent.store.catalog import run_explain

    with ThreadPoolExecutor(1) as pool:
        return (
            pool.submit(asyncio.run, run_explain(console.settings, SERVED_HASH, reference)).result().message
        )


def _answer(page: str) -> str:
    found = re.search(r'id="explain-answer"[^>]*>([^<]*)<', page)
    assert found, "the page has no answer to 'why is this product missing?'"
    return html.unescape(found.group(1))


def test_why_is_this_product_missing_answers_as_ingest_explain(
    console: Console, signed_in: httpx.Client
) -> None:
    products = console.sandbox.stores[SERVED_HASH].products.values()
    hidden = next(p for p in products if not p["is_visible"])
    shown = next(
        p
        for p in products
        if p["is_visible"] and p["inventory_level"] > 0 and p["availability"] == "available"
    )
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    asked = {
        str(hidden["id"]): "is left out because",
        hidden["name"]: "is left out because",
        str(shown["id"]): "in the index",  # "is in the index and up to date" or "is not in the index yet"
        "no such product anywhere": "No product matches",
    }
    for reference, expected in asked.items():
        page = signed_in.get(url, params={"explain": reference})
        assert page.status_code == 200
        answer = _answer(page.text)
        assert expected in answer and answer == _explained(console, reference)
    too_long = _answer(signed_in.get(url, params={"explain": "x" * 300}).text)
    assert too_long.startswith("Give a product id, SKU or name")
    assert "explain-answer" not in signed_in.get(url).text  # asked only when asked


def test_webhooks_registered_or_not_and_the_last_delivery(console: Console, signed_in: httpx.Client) -> None:
    from agent.persistence.freshness import open_freshness_log
    from agent.store import hooks

    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    before = signed_in.get(url).text
    assert "Not registered" in before and "Last delivery: none received" in before
    assert "from it once the webhooks are registered; until then it asks the store" in before
    connections = ConnectionStore(console.home)
    target = "https://assistant.example/webhooks/bigcommerce"
    with ThreadPoolExecutor(1) as pool:
        registration = pool.submit(asyncio.run, hooks.register(connections, SERVED_HASH, target)).result()

        async def delivered() -> None:
            log = await open_freshness_log(console.settings, SERVED_HASH, connections.folder(SERVED_HASH))
            try:
                await log.accept("a-delivery-digest", "store/product/updated", ["product:1"], 1)
            finally:
                await log.aclose()

        pool.submit(asyncio.run, delivered()).result()
    after = signed_in.get(url).text
    hooks_made = len(registration.hooks)
    assert f"Registered: {hooks_made} of {hooks_made} hooks, {hooks_made} active." in after
    assert after.count(f"<td>{target}</td>") == hooks_made
    last = re.search(r'id="webhooks-last">([^<]*)<', after)
    assert last and re.fullmatch(
        r"Last delivery: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(store/product/updated\)", last.group(1)
    ), last
    mirror = re.search(r'id="webhooks-mirror">([^<]*)<', after)
    assert mirror and re.match(r"Catalog mirror: [1-9]\d* products, newest copy \d{4}-", mirror.group(1)), (
        mirror
    )
    assert "while the hooks deliver (or a sync ran)" in mirror.group(1)
    secret = connections.webhook_secret(SERVED_HASH)
    assert secret is not None and secret.reveal() not in after
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, hooks.remove(connections, SERVED_HASH)).result()
    assert "Not registered" in signed_in.get(url).text


def _store_hooks(console: Console) -> list[Any]:
    return [h for h in console.sandbox.webhooks.hooks.values() if h.store_hash == SERVED_HASH]


def test_register_and_remove_the_webhooks_from_the_page(console: Console, signed_in: httpx.Client) -> None:
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    page = signed_in.get(url).text
    receiver = f"{console.base_url}/webhooks/bigcommerce"  # this server's own receiver, by default
    assert (
        "Not registered" in page
        and f'id="webhooks-url" name="url" type="url" size="50" value="{receiver}"' in page
    )
    assert 'id="webhooks-remove"' not in page
    forged = signed_in.post(f"{url}/webhooks", data={"csrf": "forged", "action": "register"})
    assert forged.status_code == 403 and not _store_hooks(console)
    bad = signed_in.post(
        f"{url}/webhooks", data={"csrf": _csrf(page), "action": "register", "url": "nowhere"}
    )
    assert "Not done: &#39;nowhere&#39; is not a URL" in bad.text and not _store_hooks(console)

    registered = signed_in.post(
        f"{url}/webhooks", data={"csrf": _csrf(page), "action": "register", "url": ""}
    )
    made = _store_hooks(console)
    assert made and {h.destination for h in made} == {receiver}
    assert (
        f"Registered {len(made)} webhooks" in registered.text
        and "this server accepts them now" in registered.text
    )
    assert f"Registered: {len(made)} of {len(made)} hooks, {len(made)} active." in registered.text
    secret = ConnectionStore(console.home).webhook_secret(SERVED_HASH)
    assert secret is not None and secret.reveal() not in registered.text
    # a change in the store reaches this server, which accepts it with no restart
    product = next(iter(console.sandbox.stores[SERVED_HASH].products))
    changed = httpx.patch(f"{console.sandbox_url}/__sandbox__/stores/{SERVED_HASH}/products/{product}",
                          json={"price": 12.5}, timeout=30)  # fmt: skip
    assert changed.status_code == 200, changed.text
    ids = {h.id for h in made}
    statuses = _eventually(
        lambda: {"seen": [d.status for d in console.sandbox.webhooks.deliveries if d.hook_id in ids]},
        lambda answer: answer["seen"],
    )
    assert statuses["seen"] and set(statuses["seen"]) == {200}

    removed = signed_in.post(f"{url}/webhooks", data={"csrf": _csrf(registered.text), "action": "remove"})
    assert f"Webhooks removed ({len(made)})" in removed.text and "Not registered" in removed.text
    assert not _store_hooks(console) and ConnectionStore(console.home).webhook_secret(SERVED_HASH) is None


def test_the_stores_hours_handoff_address_and_sync_interval_are_set_on_the_policy_form(
    console: Console, signed_in: httpx.Client
) -> None:
    from agent.store.merchant_settings import TeamSettings

    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    page = signed_in.get(url).text
    assert 'id="business-hours" name="business_hours" type="text" size="50" value=""' in page
    statuses = sorted(_policy(console).cancellable_status_ids)
    bad_hours = signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses, business_hours="whenever"))
    assert bad_hours.status_code == 422 and "Business hours must end with a time zone" in bad_hours.text
    bad_email = signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses, handoff_email_to="desk"))
    assert bad_email.status_code == 422 and "is not an email address" in bad_email.text
    bad_minutes = signed_in.post(
        f"{url}/policy", data=_form(_csrf(page), statuses, sync_interval_minutes="-5")
    )
    assert bad_minutes.status_code == 422 and "whole number" in bad_minutes.text
    hours = "Mon-Fri 09:00-17:00 Europe/London"
    saved = signed_in.post(
        f"{url}/policy",
        data=_form(_csrf(page), statuses, business_hours=hours, handoff_email_to="desk@served.example",
                   sync_interval_minutes="45"),
    )  # fmt: skip
    assert saved.status_code == 200 and f'value="{hours}"' in saved.text and 'value="45"' in saved.text

    def store_team() -> dict[str, Any]:
        """What the running server uses now: the handoff reply's hours and address, the sync schedule."""
        served = console.app.state.server.stores[SERVED_HASH]
        handoff = served.agent.context.tools.handoff
        scheduler = console.app.state.freshness.stores[SERVED_HASH].scheduler
        return {"hours": handoff.business_hours, "email": handoff.email_to, "every": scheduler.interval}

    expected = {"hours": hours, "email": "desk@served.example", "every": 45 * 60.0}
    assert _eventually(store_team, lambda now: now == expected) == expected  # no restart
    cleared = signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses))  # empty: the server's again
    assert cleared.status_code == 200
    server = {"hours": console.settings.handoff.business_hours, "email": console.settings.handoff.email_to,
              "every": console.settings.sync_interval_minutes * 60.0}  # fmt: skip
    assert _eventually(store_team, lambda now: now == server) == server
    connection = ConnectionStore(console.home).load(SERVED_HASH)
    with ThreadPoolExecutor(1) as pool:
        _, live = pool.submit(asyncio.run, effective_connection(console.settings, connection)).result()
    assert live.settings.team == TeamSettings()


def _team(console: Console) -> Any:
    connection = ConnectionStore(console.home).load(SERVED_HASH)
    with ThreadPoolExecutor(1) as pool:
        _, live = pool.submit(asyncio.run, effective_connection(console.settings, connection)).result()
    return live.settings.team


def _shown_secret(page: str) -> str:
    found = re.search(r'id="webhook-secret" type="text" readonly size="60" value="([^"]+)"', page)
    assert found and "it will not be shown again" in page
    return html.unescape(found.group(1))


def test_a_stores_own_handoff_webhook_is_set_on_the_policy_form_and_its_secret_shown_once(
    console: Console, signed_in: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # what `bcagent serve -v` logs, and every debug line of our own
    caplog.set_level(logging.DEBUG, logger="agent")
    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    page = signed_in.get(url).text
    assert (
        'name="handoff_webhook_url" type="url" size="50" value=""' in page and "Make a new secret" not in page
    )
    statuses = sorted(_policy(console).cancellable_status_ids)
    for bad in ("http://hooks.example.com/x", "ftp://hooks.example.com/x", "https://u:p@hooks.example.com/x"):
        refused = signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses, handoff_webhook_url=bad))
        assert refused.status_code == 422 and "handoff webhook URL" in refused.text
    assert _team(console).handoff_webhook_url == ""

    hook = "https://hooks.example.com/servedshop"
    saved = signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses, handoff_webhook_url=hook))
    assert saved.status_code == 200 and saved.headers["cache-control"] == "no-store"
    secret = _shown_secret(saved.text)
    assert secret.startswith("whsec_") and _team(console).handoff_webhook_secret == secret
    page = signed_in.get(url).text  # a reload: the URL, never the secret
    assert secret not in page and f'value="{hook}"' in page and "Make a new secret" in page

    def store_hook() -> dict[str, Any]:
        """What the running server signs the store's handoffs with now."""
        handoff = console.app.state.server.stores[SERVED_HASH].agent.context.tools.handoff
        return {"url": handoff.webhook_url, "secret": handoff.webhook_secret}

    expected = {"url": hook, "secret": secret}
    assert _eventually(store_hook, lambda now: now == expected) == expected  # no restart

    kept = signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses, handoff_webhook_url=hook))
    assert kept.status_code == 200 and secret not in kept.text and "will not be shown again" not in kept.text
    assert _team(console).handoff_webhook_secret == secret  # the same URL saved again keeps its secret

    assert signed_in.post(f"{url}/handoff-webhook/secret", data={"csrf": "forged"}).status_code == 403
    rotated = signed_in.post(f"{url}/handoff-webhook/secret", data={"csrf": _csrf(page)})
    assert rotated.status_code == 200
    new = _shown_secret(rotated.text)
    assert new != secret and _team(console).handoff_webhook_secret == new
    assert new not in signed_in.get(url).text
    assert _eventually(store_hook, lambda now: now["secret"] == new)["secret"] == new

    cleared = signed_in.post(
        f"{url}/policy", data=_form(_csrf(page), statuses)
    )  # no URL: the server's webhook
    assert cleared.status_code == 200 and "will not be shown again" not in cleared.text
    team = _team(console)
    assert team.handoff_webhook_url == "" and team.handoff_webhook_secret == ""
    nothing = signed_in.post(f"{url}/handoff-webhook/secret", data={"csrf": _csrf(page)})
    assert nothing.status_code == 409 and _team(console).handoff_webhook_secret == ""
    server = {"url": console.settings.handoff.webhook_url, "secret": console.settings.handoff.webhook_secret}
    assert _eventually(store_hook, lambda now: now == server) == server
    assert secret not in caplog.text and new not in caplog.text


def test_a_handoff_of_the_store_reaches_its_own_webhook_signed_with_the_shown_secret(
    console: Console, signed_in: httpx.Client
) -> None:
    """The server has neither SMTP nor a webhook: the store's own webhook, set on the form while serving,
    gets the store's handoffs (a deliverer starts for it), signed with the secret the page showed."""
    from tests.handoffs.receivers import webhook_receiver

    url = f"{console.base_url}/admin/stores/{SERVED_HASH}"
    page = signed_in.get(url).text
    statuses = sorted(_policy(console).cancellable_status_ids)
    placeholder = "whsec_" + "A" * 44  # the receiver learns the real one from the page
    with webhook_receiver(placeholder) as (hooks, hook_url):
        saved = signed_in.post(
            f"{url}/policy", data=_form(_csrf(page), statuses, handoff_webhook_url=hook_url)
        )
        hooks.secret = _shown_secret(saved.text)

        def store_hook() -> dict[str, Any]:
            return {
                "url": console.app.state.server.stores[SERVED_HASH].agent.context.tools.handoff.webhook_url
            }

        assert _eventually(store_hook, lambda now: now["url"] == hook_url)["url"] == hook_url
        chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)
        thread = chat.post("/threads").json()
        headers = {"X-Thread-Secret": thread["secret"]}
        messages = f"/threads/{thread['thread_id']}/messages"
        chat.post(messages, json={"text": "this is useless, talk to a human"}, headers=headers)
        chat.post(messages, json={"text": "jane.doe@example.com"}, headers=headers)

        def received() -> dict[str, Any]:
            return {"types": [p["type"] for p in hooks.received]}

        got = _eventually(received, lambda now: "handoff.created" in now["types"])
        assert "handoff.created" in got["types"] and hooks.bad_signatures == 0
        (created,) = [p for p in hooks.received if p["type"] == "handoff.created"]
        assert created["data"]["store"]["hash"] == SERVED_HASH
        assert created["data"]["handoff"]["contact_email"] == "jane.doe@example.com"
        signed_in.post(f"{url}/policy", data=_form(_csrf(page), statuses))  # the server's again
