"""The repositories behave the same on both engines: policy state with atomic updates, the audit log,
handoffs, chat threads; and counters lose no update when replicas (two open databases, or processes)
count at once."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg

from agent.persistence import timestamps
from agent.persistence.records import ConversationState, open_records
from agent.persistence.threads import open_threads
from agent.settings import Settings

ROOT = str(Path(__file__).resolve().parents[2])


async def test_records_keep_state_audit_and_handoffs(settings: Settings, tmp_path: Path) -> None:
    records = await open_records(settings, "demostore", tmp_path)
    try:
        assert await records.load("t1") == ConversationState()
        await records.save("t1", ConversationState(bound_email="jane@example.com", verified_orders=[12345]))
        changed = await records.update("t1", lambda s: setattr(s, "failed_lookups", s.failed_lookups + 2))
        assert changed.failed_lookups == 2 and (await records.load("t1")).bound_email == "jane@example.com"
        assert (await records.load("t1")).verified_orders == [12345]
        assert await records.load("t2") == ConversationState()
        await records.audit(
            "demostore", "t1", "cancel_order", "proposed", order_id=12346, status_before="Pending"
        )
        await records.audit(
            "demostore", "t1", "cancel_order", "cancelled", order_id=12346, status_after="Cancelled"
        )
        await records.audit("demostore", "t1", "cancel_order", "refused", order_id=99)
        entries = await records.audit_entries(12346)
        assert [e.outcome for e in entries] == ["proposed", "cancelled"]
        assert entries[0].status_before == "Pending" and entries[1].status_after == "Cancelled"
        assert len(await records.audit_entries()) == 3
        handoff = await records.add_handoff("demostore", "t1", "wants a person", "asked")
        assert [h.id for h in await records.handoffs()] == [handoff.id]
        assert await records.close_handoff(handoff.id) and not await records.close_handoff(handoff.id)
        assert await records.handoffs() == [] and len(await records.handoffs(status=None)) == 1
        listed = (await records.handoffs(status=None))[0]
        assert listed.time == handoff.time and listed.status == "closed"
    finally:
        await records.aclose()


async def test_every_repository_spells_time_the_same_way(settings: Settings, tmp_path: Path) -> None:
    records = await open_records(settings, "demostore", tmp_path)
    threads = await open_threads(settings, "demostore", tmp_path)
    try:
        spelled = timestamps.now()
        handoff = await records.add_handoff("demostore", "t1", "wants a person", None)
        await records.audit("demostore", "t1", "cancel_order", "refused", order_id=1)
        thread_id, _ = await threads.create()
        await threads.stamp(thread_id, ["m1"], spelled)
        times = [handoff.time, (await records.audit_entries())[0].time, await threads.created_at(thread_id)]
        times.append((await threads.times(thread_id))["m1"])
        for time in times:
            assert len(time) == len(spelled) and time.endswith("+00:00") and time[19] == ".", time
        assert (await threads.times(thread_id))["m1"] == spelled
    finally:
        await records.aclose()
        await threads.aclose()


async def test_threads_keep_only_the_secrets_hash(settings: Settings, tmp_path: Path) -> None:
    threads = await open_threads(settings, "demostore", tmp_path)
    try:
        thread_id, secret = await threads.create()
        assert len(thread_id) == 32 and len(secret) >= 43  # 128 bits of id, 256 of secret
        assert await threads.check(thread_id, secret)
        assert not await threads.check(thread_id, secret + "x")
        assert not await threads.check(thread_id, None) and not await threads.check("0" * 32, secret)
        assert not await threads.check("x" * 65, secret)
        await threads.stamp(thread_id, ["m1", None, "m2"], "2026-03-05T12:00:00.000+00:00")
        await threads.stamp(thread_id, ["m1", "m3"])  # m1 keeps its first time
        times = await threads.times(thread_id)
        assert times["m1"] == "2026-03-05T12:00:00.000+00:00" and set(times) == {"m1", "m2", "m3"}
        assert await threads.times("0" * 32) == {}
    finally:
        await threads.aclose()
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            stored = conn.execute("SELECT secret_sha256 FROM serve_threads").fetchall()
    else:
        with sqlite3.connect(tmp_path / "serve.sqlite") as conn:
            stored = conn.execute("SELECT secret_sha256 FROM threads").fetchall()
    assert len(stored) == 1 and secret not in stored[0][0] and len(stored[0][0]) == 64


async def test_a_thread_belongs_to_its_first_verified_customer(settings: Settings, tmp_path: Path) -> None:
    threads = await open_threads(settings, "demostore", tmp_path)
    try:
        thread_id, _ = await threads.create()
        other_id, _ = await threads.create()
        assert await threads.claim(thread_id, 7)
        assert await threads.claim(thread_id, 7)  # the same shopper again
        assert not await threads.claim(thread_id, 8)  # another signed-in shopper is refused
        assert await threads.claim(other_id, 8)  # threads are claimed one by one
        assert not await threads.claim("0" * 32, 7)  # no such thread
    finally:
        await threads.aclose()


async def test_stores_sharing_a_database_do_not_see_each_other(settings: Settings, tmp_path: Path) -> None:
    folder_one, folder_two = tmp_path / "one", tmp_path / "two"
    one, two = (
        await open_records(settings, "storeone", folder_one),
        await open_records(settings, "storetwo", folder_two),
    )
    threads_one = await open_threads(settings, "storeone", folder_one)
    threads_two = await open_threads(settings, "storetwo", folder_two)
    try:
        await one.update("t", lambda s: setattr(s, "failed_lookups", 4))
        await one.add_handoff("storeone", "t", "hi", None)
        thread_id, secret = await threads_one.create()
        assert (await two.load("t")).failed_lookups == 0 and await two.handoffs() == []
        assert not await threads_two.check(thread_id, secret) and await threads_one.check(thread_id, secret)
    finally:
        for repository in (one, two, threads_one, threads_two):
            await repository.aclose()


async def test_two_replicas_counting_at_once_lose_no_update(settings: Settings, tmp_path: Path) -> None:
    first = await open_records(settings, "demostore", tmp_path)
    second = await open_records(settings, "demostore", tmp_path)  # another connection (pool), as a replica
    try:

        def add(state: ConversationState) -> None:
            state.failed_lookups += 1

        await asyncio.gather(
            *(replica.update("shared", add) for _ in range(20) for replica in (first, second))
        )
        assert (await first.load("shared")).failed_lookups == 40
    finally:
        await first.aclose()
        await second.aclose()


COUNTER = """
import asyncio, sys
from pathlib import Path
from agent.persistence.records import open_records
from agent.settings import Settings

async def main() -> None:
    settings = Settings(home=Path(sys.argv[1]), database_url=sys.argv[2] or None)
    records = await open_records(settings, "demostore", Path(sys.argv[1]))
    try:
        for _ in range(int(sys.argv[3])):
            await records.update("shared", lambda s: setattr(s, "failed_lookups", s.failed_lookups + 1))
    finally:
        await records.aclose()

asyncio.run(main())
"""


async def test_processes_counting_at_once_lose_no_update(settings: Settings, tmp_path: Path) -> None:
    await (await open_records(settings, "demostore", tmp_path)).aclose()  # migrate once, before the race
    command = [sys.executable, "-c", COUNTER, str(tmp_path), settings.database_url or "", "30"]
    workers = [subprocess.Popen(command, env={**os.environ, "PYTHONPATH": ROOT}) for _ in range(3)]
    for worker in workers:
        assert await asyncio.to_thread(worker.wait, 120) == 0
    records = await open_records(settings, "demostore", tmp_path)
    try:
        assert (await records.load("shared")).failed_lookups == 90
    finally:
        await records.aclose()
