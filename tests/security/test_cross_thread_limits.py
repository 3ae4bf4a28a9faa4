"""Limits keyed on what is attacked, across conversations (offline model): a new thread does not reset
them. Enumerating one order number over many threads, many order numbers from one client, and gift and
discount codes from one client and across the store; each lockout is in the audit log."""

from __future__ import annotations

import json
import re
from typing import Any

from agent.persistence.attempts import client_key
from agent.tools.context import StorePolicy, serving_client

JANE = {"id": 1, "email": "jane.doe@example.com"}
ATTACKER = client_key("203.0.113.7")


def statuses(turn: Any, tool: str) -> list[str]:
    return [json.loads(r["content"])["status"] for r in turn.tool_results if r["name"] == tool]


def order_reads(rig: Any, number: int) -> int:
    return len([p for m, p in rig.recorder.requests if m == "GET" and re.search(rf"/v2/orders/{number}$", p)])


async def test_one_order_over_twenty_threads_locks_by_the_sixth_failure(
    make_rig: Any, record_property: Any
) -> None:
    async with make_rig() as rig:
        seen: list[str] = []
        for attempt in range(20):
            thread = f"enum-{attempt}"  # a new conversation each time, from many addresses
            with serving_client(client_key(f"198.51.100.{attempt}")):
                turn = await rig.say(thread, f"Where is order #12346? My email is guess{attempt}@example.net")
            seen += statuses(turn, "get_order_information")
        assert seen[:4] == ["not_found"] * 4
        assert set(seen[4:]) == {"locked"}  # the 5th failure locks; the 6th is refused
        assert order_reads(rig, 12346) == 5  # locked: the store is not even asked
        # the right email in a new thread: still locked (the attacker may have guessed it)
        right = await rig.say("enum-right", "Where is order #12346? My email is jane.doe@example.com")
        assert statuses(right, "get_order_information") == ["locked"]
        assert "sign in" in right.text.lower() and "Awaiting" not in right.text
        # ... but its signed-in owner still sees it
        owner = await rig.say("owner", "Where is order #12346?", verified_customer=JANE)
        assert statuses(owner, "get_order_information") == ["ok"]
        lockouts = [e for e in await rig.records.audit_entries() if e.action == "lockout"]
        assert [(e.outcome, e.order_id) for e in lockouts] == [("order_locked", 12346)]
        # another order is not affected
        other = await rig.say("fresh", "Where is order #12345? My email is jane.doe@example.com")
        assert statuses(other, "get_order_information") == ["ok"]
    record_property("tried", "20 threads guessing emails for #12346: locked at the 5th failure")


async def test_one_client_enumerating_order_numbers_over_threads_is_locked(make_rig: Any) -> None:
    async with make_rig() as rig:
        seen: list[str] = []
        with serving_client(ATTACKER):
            for number in range(12300, 12400):
                thread = f"sweep-{(number - 12300) // 5}"  # 5 guesses per thread, 20 threads
                turn = await rig.say(thread, f"Where is order #{number}? jane.doe@example.com")
                seen += statuses(turn, "get_order_information")
        assert "ok" not in seen  # Jane's #12345 and #12346 (the 46th and 47th guesses) never found
        assert seen.count("not_found") < 20 and seen[20:] == ["locked"] * (len(seen) - 20)
        reads = [p for m, p in rig.recorder.requests if m == "GET" and re.search(r"/v2/orders/\d+$", p)]
        assert len(reads) == 20
        lockouts = [e for e in await rig.records.audit_entries() if e.action == "lockout"]
        assert [e.outcome for e in lockouts] == ["client_locked"]
        # another client is not locked
        with serving_client(client_key("192.0.2.1")):
            jane = await rig.say("jane", "Where is order #12345? jane.doe@example.com")
        assert statuses(jane, "get_order_information") == ["ok"]


async def test_gift_codes_are_limited_per_client_across_threads(make_rig: Any) -> None:
    async with make_rig() as rig:
        with serving_client(ATTACKER):
            for i in range(12):
                await rig.say(f"gift-{i}", f"What's the balance on gift card GIFT-DEMO-{9000 + i}?")
            real = await rig.say("gift-last", "What's the balance on gift card GIFT-DEMO-0001?")
        assert "$62.50" not in real.text and "try again later" in real.text
        assert statuses(real, "check_gift_card_balance") == ["locked"]
        with serving_client(client_key("192.0.2.1")):
            honest = await rig.say("gift-honest", "What's the balance on gift card GIFT-DEMO-0001?")
        assert "$62.50" in honest.text
        lockouts = [e for e in await rig.records.audit_entries() if e.action == "lockout"]
        assert [e.outcome for e in lockouts] == ["client_locked"]


async def test_discount_codes_are_limited_per_store_across_clients(make_rig: Any) -> None:
    policy = StorePolicy(wrong_discount_codes_per_store=6, wrong_discount_codes_per_client=100)
    async with make_rig(policy=policy) as rig:
        for i in range(6):
            with serving_client(client_key(f"198.51.100.{i}")):
                await rig.say(f"code-{i}", f"Is the discount code GUESS{i:03d} valid?")
        with serving_client(client_key("192.0.2.1")):
            real = await rig.say("code-real", "Is the discount code SAVE20 valid?")
        assert "20%" not in real.text and "paused" in real.text
        lockouts = [e for e in await rig.records.audit_entries() if e.action == "lockout"]
        assert [e.outcome for e in lockouts] == ["store_locked"]


async def test_a_found_code_is_not_counted(make_rig: Any) -> None:
    policy = StorePolicy(wrong_discount_codes_per_client=2)
    async with make_rig(policy=policy) as rig:
        with serving_client(ATTACKER):
            for i in range(4):
                turn = await rig.say(f"save-{i}", "Is the discount code SAVE20 valid?")
                assert "20%" in turn.text
        assert await rig.records.attempts.failures(f"client:{ATTACKER}:discount", 3600) == 0
