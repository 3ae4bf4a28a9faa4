"""cancel_order: only verified, unshipped, cancellable orders; bound confirmations; idempotent; audited."""

from __future__ import annotations

import dataclasses

import pytest

from agent.tools.cancel import execute_cancellation, propose_cancellation
from tests.tools.conftest import ToolsEnv

JANE = "jane.doe@example.com"


async def test_cancel_an_unshipped_order_after_confirmation(env: ToolsEnv) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert proposal["status"] == "confirm"
    confirmation = proposal["confirmation"]
    assert confirmation["order_id"] == 12346 and confirmation["total"].startswith("$")
    assert any("Premium Boxing Gloves" in item for item in confirmation["items"])
    assert env.store.orders[12346]["status_id"] == 11  # nothing written yet
    answer = {"confirm": True, "order_id": 12346, "proposal_id": confirmation["proposal_id"]}
    done = await execute_cancellation(env.ctx, env.conversation, confirmation, answer)
    assert done["status"] == "ok" and done["cancelled"] is True
    assert env.store.orders[12346]["status"] == "Cancelled"
    outcomes = [e.outcome for e in await env.ctx.records.audit_entries(12346)]
    assert outcomes == ["proposed", "cancelled"]
    entry = (await env.ctx.records.audit_entries(12346))[-1]
    assert (entry.store_hash, entry.thread_id, entry.status_before, entry.status_after) == (
        "demostore",
        "t1",
        "Awaiting Fulfillment",
        "Cancelled",
    )


async def test_confirming_a_different_order_is_void(env: ToolsEnv) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    confirmation = proposal["confirmation"]
    for answer in (
        {"confirm": True, "order_id": 12345},
        {"confirm": True, "order_id": 12346, "proposal_id": "x"},
    ):
        outcome = await execute_cancellation(env.ctx, env.conversation, confirmation, answer)
        assert outcome["status"] == "refused"
    assert env.store.orders[12346]["status_id"] == 11


@pytest.mark.parametrize(
    "answer", [False, "no", "maybe", {"confirm": False, "order_id": 12346}, None, "yes please not"]
)
async def test_anything_but_a_clear_yes_abandons(env: ToolsEnv, answer: object) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    outcome = await execute_cancellation(env.ctx, env.conversation, proposal["confirmation"], answer)
    assert outcome["status"] == "refused" and "not cancelled" in outcome["message"]
    assert env.store.orders[12346]["status_id"] == 11


async def test_cancelling_twice_writes_once(env: ToolsEnv) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    confirmation = proposal["confirmation"]
    first = await execute_cancellation(env.ctx, env.conversation, confirmation, True)
    modified = env.store.orders[12346]["date_modified"]
    second = await execute_cancellation(env.ctx, env.conversation, confirmation, True)  # a retry or a resume
    assert first["cancelled"] and second["cancelled"]
    assert env.store.orders[12346]["date_modified"] == modified  # no second write
    assert [e.outcome for e in await env.ctx.records.audit_entries(12346)][-2:] == [
        "cancelled",
        "already_cancelled",
    ]
    again = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert again["status"] == "ok" and "already cancelled" in again["message"]


@pytest.mark.parametrize(
    ("status_id", "words"),
    [(2, "shipped"), (3, "shipped"), (10, "completed"), (4, "refunded"), (6, "declined")],
)
async def test_shipped_completed_refunded_declined_are_refused_with_next_step(
    env: ToolsEnv, status_id: int, words: str
) -> None:
    order = next(o for o in env.store.orders.values() if o["status_id"] == status_id)
    conversation = env.new_conversation(f"s{status_id}")
    outcome = await propose_cancellation(
        env.ctx, conversation, str(order["id"]), order["billing_address"]["email"]
    )
    assert outcome["status"] == "refused" and words in outcome["message"]
    assert "return" in outcome["message"] or "team" in outcome["message"]
    assert env.store.orders[order["id"]]["status_id"] == status_id


async def test_merchant_can_change_the_cancellable_set_and_add_a_maximum_age(env: ToolsEnv) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, cancellable_status_ids=frozenset({1}))
    refused = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert refused["status"] == "refused" and "Awaiting Fulfillment" in refused["message"]
    env.ctx.policy = dataclasses.replace(
        env.ctx.policy, cancellable_status_ids=frozenset({11}), max_order_age_days=30
    )
    old = await propose_cancellation(env.ctx, env.new_conversation(), "12346", JANE)
    assert old["status"] == "refused" and "30 days" in old["message"]


async def test_cancel_needs_the_identity_rules_too(env: ToolsEnv) -> None:
    outcome = await propose_cancellation(env.ctx, env.conversation, "12346", "wrong@example.com")
    assert outcome["status"] == "not_found"
    forged = {
        "order_id": 12346,
        "proposal_id": "abc",
        "items": [],
        "total": "$0",
        "question": "",
        "type": "x",
    }
    unverified = await execute_cancellation(env.ctx, env.new_conversation(), forged, True)
    assert unverified["status"] == "refused"
    assert env.store.orders[12346]["status_id"] == 11


async def test_an_order_that_ships_before_the_yes_is_not_cancelled(env: ToolsEnv) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    env.store.update_order_status(12346, 2)
    outcome = await execute_cancellation(env.ctx, env.conversation, proposal["confirmation"], True)
    assert outcome["status"] == "refused" and env.store.orders[12346]["status_id"] == 2
