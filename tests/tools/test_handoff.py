"""transfer_to_human records a request the operations team can list."""

from __future__ import annotations

from agent.tools.handoff import transfer_to_human
from tests.tools.conftest import ToolsEnv


async def test_handoff_is_recorded_and_listed(env: ToolsEnv) -> None:
    outcome = await transfer_to_human(
        env.ctx, env.conversation, "Shopper wants to change the delivery address.", "address change"
    )
    assert outcome["status"] == "ok" and outcome["request_id"] == 1
    (handoff,) = await env.ctx.records.handoffs()
    assert (handoff.thread_id, handoff.store_hash, handoff.reason) == ("t1", "demostore", "address change")
    assert (await env.ctx.records.close_handoff(1)) and (await env.ctx.records.handoffs()) == []


async def test_empty_and_huge_summaries(env: ToolsEnv) -> None:
    assert (await transfer_to_human(env.ctx, env.conversation, "   "))["status"] == "needs_info"
    await transfer_to_human(env.ctx, env.conversation, "x" * 50_000)
    assert len((await env.ctx.records.handoffs())[0].summary) == 2000
