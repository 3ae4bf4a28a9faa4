"""Handoffs (status open -> claimed -> closed, contact, staff messages) and the outbox (idempotency key,
claims, retries, give-up), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agent.persistence.records import open_records
from agent.settings import Settings


async def test_handoff_lifecycle_contact_and_messages(settings: Settings, tmp_path: Path) -> None:
    records = await open_records(settings, "demostore", tmp_path)
    try:
        desk = records.handoff_requests
        made = await desk.add(
            "demostore",
            "t1",
            "my gloves arrived torn",
            "damaged item",
            contact_state="asked",
            facts={"order_id": 12345},
            transcript=[{"role": "shopper", "text": "my gloves arrived torn"}],
        )
        assert (made.status, made.contact_state, made.facts) == ("open", "asked", {"order_id": 12345})
        assert (await desk.active("t1")) == made and await desk.active("t2") is None
        await desk.set_contact(made.id, "given", "jane@example.com")
        assert (await desk.get(made.id)).contact_email == "jane@example.com"  # type: ignore[union-attr]
        await desk.add_message(made.id, "staff", "Sorry! A new pair is on its way.", author="Sam")
        assert await desk.claim(made.id, "Sam")
        claimed = await desk.get(made.id)
        assert claimed is not None and (claimed.status, claimed.claimed_by) == ("claimed", "Sam")
        assert [h.id for h in await desk.find("claimed")] == [made.id] and await desk.find("open") == []
        await desk.add_message(made.id, "shopper", "thanks!")
        said = await desk.thread_messages("t1")
        assert [(m.role, m.author, m.text) for m in said] == [
            ("staff", "Sam", "Sorry! A new pair is on its way."),
            ("shopper", None, "thanks!"),
        ]
        assert await desk.close(made.id) and not await desk.close(made.id)
        assert not await desk.claim(made.id, "Sam")  # a closed handoff stays closed
        assert await desk.active("t1") is None and (await desk.latest("t1")).status == "closed"  # type: ignore[union-attr]
        assert [h.status for h in await desk.find(None)] == ["closed"]
    finally:
        await records.aclose()


async def test_another_store_never_sees_the_handoff(settings: Settings, tmp_path: Path) -> None:
    one = await open_records(settings, "storeone", tmp_path / "one")
    two = await open_records(settings, "storetwo", tmp_path / "two")
    try:
        made = await one.handoff_requests.add("storeone", "t", "help", None)
        assert await two.handoff_requests.get(made.id) is None
        assert not await two.handoff_requests.close(made.id)
        assert not await two.handoff_requests.claim(made.id, "Eve")
        await one.outbox.add("k", "email", "handoff.created", {"a": 1}, handoff_id=made.id)
        assert await two.outbox.claim() == []
    finally:
        await one.aclose()
        await two.aclose()


async def test_outbox_keeps_one_item_per_key_and_retries(settings: Settings, tmp_path: Path) -> None:
    records = await open_records(settings, "demostore", tmp_path)
    try:
        box = records.outbox
        assert await box.add("handoff:1:email", "email", "handoff.created", {"n": 1}, handoff_id=1)
        assert not await box.add("handoff:1:email", "email", "handoff.created", {"n": 2}, handoff_id=1)
        (item,) = await box.claim()
        assert (item.payload, item.attempts) == ({"n": 1}, 1)
        assert await box.claim() == []  # leased: no second sender gets it
        await box.retry(item.id, "SMTP 451 try later", after_seconds=0)
        (again,) = await box.claim()
        assert again.attempts == 2 and again.last_error == "SMTP 451 try later"
        health = await box.health()
        assert (health.pending, health.retrying, health.last_error) == (1, 1, "SMTP 451 try later")
        await box.give_up(again.id, "refused")
        assert (await box.health()).failed == 1 and await box.claim() == []
        assert await box.requeue_failed() == 1
        (third,) = await box.claim()
        await box.sent(third.id)
        health = await box.health()
        assert (health.pending, health.failed, health.sent) == (0, 0, 1)
        assert not await box.add(
            "handoff:1:email", "email", "handoff.created", {}, handoff_id=1
        )  # never twice
    finally:
        await records.aclose()


async def test_outbox_delay_and_due_now(settings: Settings, tmp_path: Path) -> None:
    records = await open_records(settings, "demostore", tmp_path)
    try:
        box = records.outbox
        await box.add("h:7", "email", "handoff.created", {}, handoff_id=7, delay_seconds=300)
        assert await box.claim() == []
        await box.due_now(7, "handoff.created")
        assert len(await box.claim()) == 1
    finally:
        await records.aclose()


async def test_two_senders_claim_each_item_once(settings: Settings, tmp_path: Path) -> None:
    one = await open_records(settings, "demostore", tmp_path)
    two = await open_records(settings, "demostore", tmp_path)
    try:
        for n in range(20):
            await one.outbox.add(f"k{n}", "webhook", "handoff.created", {"n": n})
        got = await asyncio.gather(*(r.outbox.claim(limit=3) for r in (one, two) for _ in range(5)))
        ids = [item.id for batch in got for item in batch]
        assert len(ids) == len(set(ids)) == 20
    finally:
        await one.aclose()
        await two.aclose()


async def test_a_staff_reply_on_one_replica_is_seen_on_another(settings: Settings, tmp_path: Path) -> None:
    from agent.handoff import takeover

    one = await open_records(settings, "demostore", tmp_path)
    two = await open_records(settings, "demostore", tmp_path)
    try:
        made = await one.handoff_requests.add("demostore", "t9", "help", None)
        await takeover.staff_reply(one, settings.handoff, made.id, "Hi, Ana here", "Ana")
        held = await takeover.held_by_staff(two, "t9")
        assert held is not None and held.claimed_by == "Ana"
        await takeover.shopper_wrote(two, settings.handoff, held, "thanks Ana")
        assert [m.text for m in await one.handoff_requests.thread_messages("t9")] == [
            "Hi, Ana here",
            "thanks Ana",
        ]
        await takeover.close(two, settings.handoff, made.id)
        assert await takeover.held_by_staff(one, "t9") is None
    finally:
        await one.aclose()
        await two.aclose()
