"""The merchant's policy as `bcagent policy set` keeps it, enforced by the tools (issue 22): every
status before shipping is cancellable by default (Awaiting Pickup, Manual Verification Required and
Incomplete included); `verified_only` refuses a shopper who is not signed in, at both steps; promotion
lists hide codes when told to and never show a private code."""

from __future__ import annotations

import dataclasses
import json

import pytest

from agent.store.merchant_settings import PolicySettings
from agent.tools.cancel import SIGNED_IN_ONLY, execute_cancellation, propose_cancellation
from agent.tools.context import StorePolicy, VerifiedCustomer
from agent.tools.marketing import list_active_promotions
from tests.tools.conftest import ToolsEnv

JANE = "jane.doe@example.com"


@pytest.mark.parametrize("status_id", [0, 8, 12])
async def test_unshipped_statuses_are_cancellable_by_default(env: ToolsEnv, status_id: int) -> None:
    order = next(o for o in env.store.orders.values() if o["status_id"] == status_id)
    conversation = env.new_conversation(f"s{status_id}")
    outcome = await propose_cancellation(
        env.ctx, conversation, str(order["id"]), order["billing_address"]["email"]
    )
    assert outcome["status"] == "confirm", outcome["message"]
    done = await execute_cancellation(env.ctx, conversation, outcome["confirmation"], True)
    assert done["cancelled"] and env.store.orders[order["id"]]["status_id"] == 5


def test_the_kept_policy_becomes_the_tools_policy() -> None:
    kept = PolicySettings(
        cancellable_status_ids=(1, 11),
        max_order_age_days=14,
        who_may_cancel="verified_only",
        private_codes=("STAFF50",),
        show_codes_in_promotions=False,
    )
    policy = StorePolicy.from_settings(kept, base=StorePolicy(max_failed_lookups=3))
    assert policy.cancellable_status_ids == frozenset({1, 11}) and policy.max_order_age_days == 14
    assert policy.who_may_cancel == "verified_only" and policy.private_codes == frozenset({"STAFF50"})
    assert not policy.show_codes_in_promotions and policy.max_failed_lookups == 3  # limits kept
    assert PolicySettings.from_json(json.loads(json.dumps(dataclasses.asdict(kept)))) == kept


async def test_verified_only_refuses_an_order_number_and_email(env: ToolsEnv) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="verified_only")
    refused = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert refused["status"] == "refused" and refused["message"] == SIGNED_IN_ONLY
    assert "team" in refused["message"] and env.store.orders[12346]["status_id"] == 11


async def test_verified_only_lets_the_signed_in_owner_cancel_and_rechecks_at_confirmation(
    env: ToolsEnv,
) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="verified_only")
    signed_in = env.new_conversation("signed-in")
    signed_in.verified_customer = VerifiedCustomer(id=1, email=JANE)
    proposal = await propose_cancellation(env.ctx, signed_in, "12346", None)
    assert proposal["status"] == "confirm", proposal["message"]
    signed_in.verified_customer = None  # signed out between the question and the "yes"
    refused = await execute_cancellation(env.ctx, signed_in, proposal["confirmation"], True)
    assert refused["status"] == "refused" and env.store.orders[12346]["status_id"] == 11
    entries = await env.ctx.records.audit_entries(12346)
    assert entries[-1].outcome == "refused" and entries[-1].detail == "not signed in"


async def test_promotion_lists_can_hide_every_code_and_never_show_a_private_one(env: ToolsEnv) -> None:
    shown = await list_active_promotions(env.ctx, env.conversation)
    codes = {o.get("code") for o in shown["promotions"]} - {None}
    assert {"SAVE20", "SPRING15"} <= codes
    env.ctx.policy = dataclasses.replace(env.ctx.policy, private_codes=frozenset({"save20"}))
    private = await list_active_promotions(env.ctx, env.conversation)
    assert "SAVE20" not in json.dumps(private) and "SPRING15" in json.dumps(private)
    env.ctx.policy = dataclasses.replace(env.ctx.policy, show_codes_in_promotions=False)
    hidden = await list_active_promotions(env.ctx, env.conversation)
    assert hidden["status"] == "ok" and hidden["promotions"]  # the automatic ones are still listed
    assert not any(o.get("code") for o in hidden["promotions"])
    assert all(o.get("how") == "applied automatically" for o in hidden["promotions"])
