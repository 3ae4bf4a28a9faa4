"""The handoff on the LLM path (the fake OpenAI-compatible server): the same offer after the LLM's reply,
the "yes" answered before any model runs, and the LLM's own transfer_to_human asking for the contact."""

from __future__ import annotations

import uuid

from agent.handoff.offer import OFFER_QUESTION, OFFER_REPLIES
from tests.graphs.test_llm_servers import Make, make_agent, servers
from tests.tools.conftest import ToolsEnv

__all__ = ["make_agent", "servers"]


def thread() -> str:
    return uuid.uuid4().hex


async def test_the_llms_reply_gets_the_offer_and_yes_makes_the_handoff(
    make_agent: Make, env: ToolsEnv
) -> None:
    agent, fake = await make_agent(safety_net=False)
    fake.reply_text("I'm so sorry your gloves arrived damaged.")
    talk = thread()

    offered = await agent.send(talk, "my boxing gloves arrived damaged, the stitching is torn")

    assert offered.text.startswith("I'm so sorry") and offered.text.rstrip().endswith(OFFER_QUESTION)
    assert [r for n in offered.notes for r in n.get("quick_replies", [])] == list(OFFER_REPLIES)
    calls_before = len(fake.requests)
    accepted = await agent.send(talk, "Yes, pass it to the team")
    assert "request #" in accepted.text and "What email should our team reply to?" in accepted.text
    assert len(fake.requests) == calls_before  # answered before any model ran
    (handoff,) = await env.ctx.records.handoffs()
    assert "stitching is torn" in handoff.summary and handoff.reason == "damaged or wrong item"
    assert handoff.transcript[0]["role"] == "shopper" and handoff.transcript[1]["text"].startswith(
        "I'm so sorry"
    )


async def test_the_llms_own_transfer_to_human_asks_for_a_contact(make_agent: Make, env: ToolsEnv) -> None:
    agent, fake = await make_agent(safety_net=False)
    fake.reply_tool_call("transfer_to_human", {"summary": "wants a person"})
    fake.reply_text(
        "I've passed this to our team. What email should our team reply to? You can also stay here."
    )
    talk = thread()

    made = await agent.send(talk, "there is a billing error on order 12345, jane.doe@example.com")
    assert [c["name"] for c in made.tool_calls] == ["transfer_to_human"] and len(fake.requests) >= 1
    (handoff,) = await env.ctx.records.handoffs()
    assert handoff.contact_state == "asked"
    given = await agent.send(talk, "sure, it's jane.doe@example.com")
    assert "jane.doe@example.com" in given.text
    assert (await env.ctx.records.handoffs())[0].contact_email == "jane.doe@example.com"
