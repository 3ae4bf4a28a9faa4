"""Delivery from the outbox to a real SMTP server and a real HTTP receiver on loopback: the email's
summary, transcript and Reply-To, no secrets in it; the webhook's Standard Webhooks signature; retries
when the server refuses or the endpoint answers 500; never twice; the failure visible."""

from __future__ import annotations

import base64
from pathlib import Path

from agent.handoff.delivery import Deliverer, StoreLabel, enqueue_closed, enqueue_handoff, enqueue_message
from agent.persistence.records import AgentRecords, open_private_records
from agent.settings import HandoffSettings
from tests.handoffs.receivers import smtp_server, webhook_receiver

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
STORE = StoreLabel("demostore", "Knockout Fitness Supply")
TOKEN = "demofulltoken0000000000000000001"


async def _handoff(records: AgentRecords, email: str | None = "jane.doe@example.com") -> int:
    made = await records.handoff_requests.add(
        "demostore",
        "thread-abc",
        "my gloves arrived torn, I want a replacement",
        "damaged or wrong item",
        contact_email=email,
        contact_state="verified" if email else "asked",
        facts={"order_numbers": ["12345"]},
        transcript=[
            {"role": "shopper", "text": "my gloves arrived torn, I want a replacement"},
            {
                "role": "assistant",
                "text": "I'm sorry to hear that. Would you like me to pass this to our team?",
            },
        ],
    )
    return made.id


async def test_email_reaches_the_smtp_server_with_summary_transcript_and_reply_to(tmp_path: Path) -> None:
    with smtp_server() as (box, port, _):
        settings = HandoffSettings(
            smtp_url=f"smtp://127.0.0.1:{port}",
            email_to="support@knockout.example",
            email_from="bot@knockout.example",
        )
        records = await open_private_records("demostore")
        try:
            handoff = await records.handoff_requests.get(await _handoff(records))
            assert handoff is not None
            await enqueue_handoff(records, settings, handoff, wait_for_contact=False)
            await enqueue_handoff(records, settings, handoff, wait_for_contact=False)  # a repeat: one item
            deliverer = Deliverer(records, settings, STORE)
            assert await deliverer.run_once() == 1
            assert await deliverer.run_once() == 0
            (mail,) = box.messages
            assert mail["To"] == "support@knockout.example" and mail["Reply-To"] == "jane.doe@example.com"
            assert "Request #1" in mail["Subject"] and "Knockout Fitness Supply" in mail["Subject"]
            body = mail.get_content()
            assert "my gloves arrived torn" in body and "#12345" in body
            assert "Shopper: my gloves arrived torn" in body and "Assistant: I'm sorry" in body
            assert "/v1/admin/stores/demostore/handoffs/1" in body
            assert TOKEN not in mail.as_string() and "thread-abc" not in mail.as_string()
            assert mail["Message-ID"] == "<handoff-demostore-1-created-email@bcagent>"
            assert (await records.outbox.health()).sent == 1
        finally:
            await records.aclose()


async def test_a_refusing_server_is_retried_with_the_same_message_id_and_sent_once(tmp_path: Path) -> None:
    with smtp_server() as (box, port, _):
        settings = HandoffSettings(smtp_url=f"smtp://127.0.0.1:{port}", email_to="support@knockout.example")
        records = await open_private_records("demostore")
        try:
            handoff = await records.handoff_requests.get(await _handoff(records, email=None))
            assert handoff is not None
            await enqueue_handoff(records, settings, handoff, wait_for_contact=False)
            box.refuse = True
            deliverer = Deliverer(records, settings, STORE)
            assert await deliverer.run_once() == 1
            health = await records.outbox.health()
            assert health.retrying == 1 and "451" in (health.last_error or "")
            box.refuse = False
            (item,) = await records.outbox.items()
            await records.outbox.retry(item.id, item.last_error or "", 0)  # due now (the test does not wait)
            assert await deliverer.run_once() == 1
            (mail,) = box.messages
            assert mail["Reply-To"] is None  # no contact given
            assert (await records.outbox.health()).sent == 1
        finally:
            await records.aclose()


async def test_a_dead_smtp_server_is_a_retry_not_a_loss(tmp_path: Path) -> None:
    with smtp_server() as (_, port, _controller):
        pass  # stopped: nothing listens on the port now
    settings = HandoffSettings(
        smtp_url=f"smtp://user:hunter2pass@127.0.0.1:{port}", email_to="team@x.example"
    )
    records = await open_private_records("demostore")
    try:
        handoff = await records.handoff_requests.get(await _handoff(records))
        assert handoff is not None
        await enqueue_handoff(records, settings, handoff, wait_for_contact=False)
        await Deliverer(records, settings, STORE).run_once()
        health = await records.outbox.health()
        assert health.pending == 1 and health.retrying == 1
        assert "could not reach the mail server" in (health.last_error or "")
        assert "hunter2pass" not in (health.last_error or "")
    finally:
        await records.aclose()


async def test_webhook_is_signed_the_standard_webhooks_way(tmp_path: Path) -> None:
    with webhook_receiver(SECRET) as (hooks, url):
        settings = HandoffSettings(webhook_url=url, webhook_secret=SECRET)
        records = await open_private_records("demostore")
        try:
            handoff = await records.handoff_requests.get(await _handoff(records))
            assert handoff is not None
            await enqueue_handoff(records, settings, handoff, wait_for_contact=False)
            deliverer = Deliverer(records, settings, STORE)
            hooks.answer = 500
            await deliverer.run_once()
            assert hooks.received == [] and "500" in ((await records.outbox.health()).last_error or "")
            hooks.answer = 200
            (item,) = await records.outbox.items()
            await records.outbox.retry(item.id, "x", 0)
            await deliverer.run_once()
            (payload,) = hooks.received
            assert hooks.bad_signatures == 0 and hooks.ids == ["handoff-demostore-1-created-webhook"]
            assert payload["type"] == "handoff.created"
            data = payload["data"]
            assert data["handoff"]["summary"].startswith("my gloves") and data["handoff"]["facts"] == {
                "order_numbers": ["12345"]
            }
            assert data["transcript"][0] == {
                "role": "shopper",
                "text": "my gloves arrived torn, I want a replacement",
            }
            message = await records.handoff_requests.add_message(handoff.id, "shopper", "any news?")
            await enqueue_message(records, settings, handoff, message)
            await enqueue_closed(records, settings, handoff)
            await deliverer.run_once()
            assert [p["type"] for p in hooks.received] == [
                "handoff.created",
                "handoff.message",
                "handoff.closed",
            ]
            assert hooks.received[1]["data"]["message"]["text"] == "any news?"
        finally:
            await records.aclose()


async def test_a_wrong_secret_fails_verification(tmp_path: Path) -> None:
    other = "whsec_" + base64.b64encode(b"another-secret-of-32-bytes-long!").decode()
    with webhook_receiver(other) as (hooks, url):
        settings = HandoffSettings(webhook_url=url, webhook_secret=SECRET)
        records = await open_private_records("demostore")
        try:
            handoff = await records.handoff_requests.get(await _handoff(records))
            assert handoff is not None
            await enqueue_handoff(records, settings, handoff, wait_for_contact=False)
            await Deliverer(records, settings, STORE).run_once()
            assert hooks.bad_signatures == 1 and hooks.received == []
            assert (await records.outbox.health()).failed == 1  # 401: retrying cannot help; kept as failed
        finally:
            await records.aclose()


async def test_a_staff_reply_is_emailed_unless_the_widget_showed_it(tmp_path: Path) -> None:
    with smtp_server() as (box, port, _):
        settings = HandoffSettings(smtp_url=f"smtp://127.0.0.1:{port}", email_to="support@knockout.example")
        records = await open_private_records("demostore")
        try:
            desk = records.handoff_requests
            handoff = await desk.get(await _handoff(records))
            assert handoff is not None
            deliverer = Deliverer(records, settings, STORE)
            first = await desk.add_message(
                handoff.id, "staff", "<b>Hi</b> Jane, a new pair ships today.", author="Sam"
            )
            await enqueue_message(records, settings, handoff, first, shopper_email_wait=0)
            await deliverer.run_once()
            (mail,) = box.messages
            assert mail["To"] == "jane.doe@example.com" and mail["Reply-To"] == "support@knockout.example"
            assert "Sam from Knockout Fitness Supply" in mail.get_content()
            second = await desk.add_message(handoff.id, "staff", "Tracking to follow.", author="Sam")
            await desk.seen(handoff.thread_id)  # the open widget polled after the reply
            await enqueue_message(records, settings, handoff, second, shopper_email_wait=0)
            await deliverer.run_once()
            assert len(box.messages) == 1
            assert [i.status for i in await records.outbox.items()] == ["sent", "skipped"]
        finally:
            await records.aclose()


async def test_a_store_with_its_own_address_is_emailed_there_as_it_is_now(tmp_path: Path) -> None:
    """The server has an SMTP server and no address; the store's (the console's policy form) is read at
    each delivery, so a change made while serving applies to the next email."""
    from agent.store.merchant_settings import TeamSettings

    with smtp_server() as (box, port, _):
        server = HandoffSettings(smtp_url=f"smtp://127.0.0.1:{port}", email_from="bot@knockout.example")
        store = {"team": TeamSettings(handoff_email_to="desk@knockout.example")}
        records = await open_private_records("demostore")
        try:
            deliverer = Deliverer(records, server, STORE, current=lambda: store["team"].handoff(server))
            first = await records.handoff_requests.get(await _handoff(records))
            assert first is not None and not server.email and deliverer.settings.email
            await enqueue_handoff(records, deliverer.settings, first, wait_for_contact=False)
            assert await deliverer.run_once() == 1
            store["team"] = TeamSettings(handoff_email_to="night@knockout.example")
            second = await records.handoff_requests.get(await _handoff(records))
            assert second is not None
            await enqueue_handoff(records, deliverer.settings, second, wait_for_contact=False)
            assert await deliverer.run_once() == 1
            assert [m["To"] for m in box.messages] == ["desk@knockout.example", "night@knockout.example"]
        finally:
            await records.aclose()
