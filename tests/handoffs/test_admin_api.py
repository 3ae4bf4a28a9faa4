"""The handoff end to end over HTTP on a real `bcagent serve`: the shopper asks for a person and gives an
email; the handoff email reaches a real SMTP server and the signed webhook a real receiver; staff list,
read, answer (HTML shown as text) and close through the admin API (401 without the token, the same for
unknown ids; 404 for another store's or a closed handoff); while staff have the thread the assistant is
silent; a reply the widget did not show is emailed to the shopper; after close the assistant is back."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agent.server.app import ServeOptions
from agent.settings import HandoffSettings
from tests.handoffs.receivers import Hooks, Mailbox, smtp_server, webhook_receiver
from tests.server.conftest import Served, serve_stores

ADMIN = "admin-token-for-tests-0123456789"
SECRET = "whsec_" + base64.b64encode(b"handoff-webhook-secret-32-bytes!").decode()
BEARER = {"Authorization": f"Bearer {ADMIN}"}


def wait_for(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[tuple[Served, Mailbox, Hooks]]:
    with smtp_server() as (box, port, _), webhook_receiver(SECRET) as (hooks, url):
        handoff = HandoffSettings(
            smtp_url=f"smtp://127.0.0.1:{port}",
            email_to="support@knockout.example",
            email_from="chat@knockout.example",
            webhook_url=url,
            webhook_secret=SECRET,
            admin_token=ADMIN,
            shopper_email_wait_seconds=1.0,
        )
        options = ServeOptions(follow_catalog=False, delivery_interval=0.1)
        with serve_stores(
            tmp_path_factory.mktemp("home"), embedder, small=True, options=options, handoff=handoff
        ) as s:
            yield s, box, hooks


def test_admin_routes_need_the_token_and_say_nothing_without_it(desk: tuple[Served, Mailbox, Hooks]) -> None:
    served, _, _ = desk
    with served.client() as client:
        answers = [
            client.get("/v1/admin/stores/demostore/handoffs"),
            client.get("/v1/admin/stores/demostore/handoffs/1", headers={"Authorization": "Bearer wrong"}),
            client.get(
                "/v1/admin/stores/demostore/handoffs/999999", headers={"Authorization": "Bearer wrong"}
            ),
            client.post("/v1/admin/stores/nosuchstore/handoffs/1/close"),
        ]
        assert {a.status_code for a in answers} == {401}
        assert len({a.text for a in answers}) == 1 and ADMIN not in answers[0].text
        assert client.get("/v1/admin/stores/demostore/handoffs/999999", headers=BEARER).status_code == 404
        assert client.get("/v1/admin/stores/nosuchstore/handoffs", headers=BEARER).status_code == 404
        bad = client.get("/v1/admin/stores/demostore/handoffs", params={"since": "yesterday"}, headers=BEARER)
        assert bad.status_code == 422 and "ISO 8601" in bad.text


def test_a_person_is_asked_for_answers_in_the_chat_and_hands_back(
    desk: tuple[Served, Mailbox, Hooks],
) -> None:
    served, box, hooks = desk
    with served.client() as client:
        thread, secret = served.thread(client)
        asked = client.post(
            served.messages(thread), json={"text": "this is useless, talk to a human"}, headers=secret
        )
        assert (
            asked.status_code == 200 and "What email should our team reply to?" in asked.json()["replies"][0]
        )
        given = client.post(served.messages(thread), json={"text": "jane.doe@example.com"}, headers=secret)
        assert "jane.doe@example.com" in given.json()["replies"][0]

        mail = wait_for(lambda: [m for m in box.messages if m["To"] == "support@knockout.example"])[0]
        assert mail["Reply-To"] == "jane.doe@example.com" and "talk to a human" in mail.get_content()
        assert secret["X-Thread-Secret"] not in mail.as_string()
        created = wait_for(lambda: [p for p in hooks.received if p["type"] == "handoff.created"])[0]
        assert (
            hooks.bad_signatures == 0
            and created["data"]["handoff"]["contact_email"] == "jane.doe@example.com"
        )
        handoff_id = created["data"]["handoff"]["id"]

        listed = client.get("/v1/admin/stores/demostore/handoffs", headers=BEARER).json()["handoffs"]
        assert [h["id"] for h in listed] == [handoff_id] and listed[0]["status"] == "open"
        assert (
            client.get(f"/v1/admin/stores/smallshop/handoffs/{handoff_id}", headers=BEARER).status_code == 404
        )
        one = client.get(f"/v1/admin/stores/demostore/handoffs/{handoff_id}", headers=BEARER).json()
        assert [m["role"] for m in one["messages"]][:2] == ["shopper", "assistant"]
        assert {d["channel"] for d in one["deliveries"]} == {"email", "webhook"}

        reply = client.post(
            f"/v1/admin/stores/demostore/handoffs/{handoff_id}/messages",
            json={"text": "<b>Hi Jane</b>, I'm on it.", "author": "Sam (Support)"},
            headers=BEARER,
        )
        assert reply.status_code == 201, reply.text
        view = client.get(f"/v1/stores/demostore/threads/{thread}", headers=secret).json()
        staff = [m for m in view["messages"] if m["role"] == "staff"]
        assert staff == [
            {
                "role": "staff",
                "text": "<b>Hi Jane</b>, I'm on it.",
                "time": staff[0]["time"],
                "author": "Sam (Support)",
                "blocks": [],
            }
        ]
        assert view["handoff"] == {"id": handoff_id, "status": "claimed"}
        claimed = client.get(
            "/v1/admin/stores/demostore/handoffs", params={"status": "claimed"}, headers=BEARER
        )
        assert [h["claimed_by"] for h in claimed.json()["handoffs"]] == ["Sam (Support)"]
        later = client.get(
            "/v1/admin/stores/demostore/handoffs",
            params={"status": "all", "since": "2999-01-01T00:00:00Z"},
            headers=BEARER,
        )
        assert later.json()["handoffs"] == []

        silent = client.post(
            served.messages(thread), json={"text": "thanks, the gloves are torn at the seam"}, headers=secret
        )
        assert (
            silent.status_code == 200
            and silent.json()["replies"] == []
            and silent.json()["routes"] == ["staff"]
        )
        update = wait_for(lambda: [p for p in hooks.received if p["type"] == "handoff.message"])[0]
        assert update["data"]["message"]["text"] == "thanks, the gloves are torn at the seam"

        client.post(
            f"/v1/admin/stores/demostore/handoffs/{handoff_id}/messages",
            json={"text": "A new pair ships today.", "author": "Sam (Support)"},
            headers=BEARER,
        )  # the widget does not poll now: the shopper gets it by email
        to_shopper = wait_for(lambda: [m for m in box.messages if m["To"] == "jane.doe@example.com"])
        assert "A new pair ships today." in to_shopper[0].get_content()
        assert to_shopper[0]["Reply-To"] == "support@knockout.example"

        closed = client.post(f"/v1/admin/stores/demostore/handoffs/{handoff_id}/close", headers=BEARER)
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        late = client.post(
            f"/v1/admin/stores/demostore/handoffs/{handoff_id}/messages",
            json={"text": "x", "author": "Sam"},
            headers=BEARER,
        )
        assert late.status_code == 404
        assert (
            client.post(f"/v1/admin/stores/demostore/handoffs/{handoff_id}/close", headers=BEARER).status_code
            == 404
        )
        back = client.post(served.messages(thread), json={"text": "hi"}, headers=secret).json()
        assert back["replies"] and back["routes"] != ["staff"]
        view = client.get(f"/v1/stores/demostore/threads/{thread}", headers=secret).json()
        assert any("I'm back" in m["text"] for m in view["messages"] if m["role"] == "assistant")
        assert view["handoff"]["status"] == "closed"
        closed_hook = wait_for(lambda: [p for p in hooks.received if p["type"] == "handoff.closed"])
        assert len(closed_hook) == 1
        ids = hooks.ids
        assert len(ids) == len(set(ids))  # nothing delivered twice


def test_quick_replies_come_with_the_offer(desk: tuple[Served, Mailbox, Hooks]) -> None:
    served, _, _ = desk
    with served.client() as client:
        thread, secret = served.thread(client)
        offered = client.post(
            served.messages(thread), json={"text": "I was charged twice for my order"}, headers=secret
        )
        body = offered.json()
        assert body["replies"][-1].endswith("Would you like me to pass this to our team?")
        assert body["quick_replies"] == ["Yes, pass it to the team", "No thanks"]
