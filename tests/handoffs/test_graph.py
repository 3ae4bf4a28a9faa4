"""The handoff in the router graph with the offline model: an explicit ask makes it at once; a complaint,
a damaged item, a payment problem, fraud words, a lockout or two unhelped turns get the offer as a
question with quick replies; "yes" makes it; the contact is the verified email, else asked (given,
declined, or invalid asked once); the reply says when the team answers."""

from __future__ import annotations

import uuid

import pytest

from agent.handoff.offer import OFFER_QUESTION, OFFER_REPLIES
from agent.runtime import Agent
from tests.tools.conftest import ToolsEnv


def thread() -> str:
    return uuid.uuid4().hex


def quick_replies(result: object) -> list[str]:
    return [r for n in result.notes for r in n.get("quick_replies", [])]  # type: ignore[attr-defined]


async def test_an_explicit_ask_makes_the_handoff_and_asks_for_a_contact(agent: Agent, env: ToolsEnv) -> None:
    talk = thread()
    made = await agent.send(talk, "this is useless, talk to a human")
    assert "request #1" in made.text and "What email should our team reply to?" in made.text
    assert "within one business day" in made.text and OFFER_QUESTION not in made.text
    (handoff,) = await env.ctx.records.handoffs()
    assert handoff.contact_state == "asked" and handoff.summary == "this is useless, talk to a human"
    given = await agent.send(talk, "it's jane.doe@example.com")
    assert "jane.doe@example.com" in given.text and given.routes == ["respond"]
    handoff = (await env.ctx.records.handoffs())[0]
    assert (handoff.contact_state, handoff.contact_email) == ("given", "jane.doe@example.com")
    again = await agent.send(talk, "can I talk to a person please")
    assert "already with our team" in again.text and len(await env.ctx.records.handoffs()) == 1


async def test_an_invalid_email_is_asked_again_once_then_the_handoff_goes_without(
    agent: Agent, env: ToolsEnv
) -> None:
    talk = thread()
    await agent.send(talk, "I want to speak to a person")
    first = await agent.send(talk, "jane at example")
    assert "doesn't look like an email" in first.text
    second = await agent.send(talk, "janeexample")
    assert "reply here in this chat" in second.text
    handoff = (await env.ctx.records.handoffs())[0]
    assert handoff.contact_state == "declined" and handoff.contact_email is None


async def test_the_shopper_may_decline_to_give_an_email(agent: Agent, env: ToolsEnv) -> None:
    talk = thread()
    await agent.send(talk, "connect me to someone from your team")
    declined = await agent.send(talk, "no thanks, I'll stay here")
    assert "reply here in this chat" in declined.text
    assert (await env.ctx.records.handoffs())[0].contact_state == "declined"


@pytest.mark.parametrize(
    "message",
    [
        "my boxing gloves arrived damaged",
        "I was charged twice for my order",
        "this is fraud, I never made this purchase",
        "you sent me the wrong size",
    ],
)
async def test_trouble_gets_the_offer_as_a_question(agent: Agent, env: ToolsEnv, message: str) -> None:
    talk = thread()
    offered = await agent.send(talk, message)
    assert offered.text.rstrip().endswith(OFFER_QUESTION), offered.text
    assert quick_replies(offered) == list(OFFER_REPLIES)
    assert await env.ctx.records.handoffs() == []  # offered, not made
    accepted = await agent.send(talk, "yes please")
    assert "request #1" in accepted.text
    (handoff,) = await env.ctx.records.handoffs()
    assert message in handoff.summary and "yes please" not in handoff.summary and handoff.reason


async def test_a_complaint_is_handed_off_or_offered(agent: Agent, env: ToolsEnv) -> None:
    result = await agent.send(thread(), "I want to make a complaint about your service")
    made = [c for c in result.tool_calls if c["name"] == "transfer_to_human"]
    assert made or result.text.rstrip().endswith(OFFER_QUESTION), result.text


async def test_no_thanks_to_the_offer_makes_nothing(agent: Agent, env: ToolsEnv) -> None:
    talk = thread()
    await agent.send(talk, "my order arrived broken")
    declined = await agent.send(talk, "no thanks")
    assert "anything else" in declined.text and await env.ctx.records.handoffs() == []


async def test_two_turns_without_help_get_the_offer(agent: Agent) -> None:
    talk = thread()
    first = await agent.send(talk, "can you book me a flight to Paris")
    # what it cannot help with says what it can do and offers a person at once (issue 23)
    assert "I can help with" in first.text and first.text.rstrip().endswith(OFFER_QUESTION), first.text
    second = await agent.send(talk, "what is the weather in Paris tomorrow")
    assert second.text.rstrip().endswith(OFFER_QUESTION), second.text


async def test_a_lookup_lockout_gets_the_offer(agent: Agent, env: ToolsEnv) -> None:
    talk = thread()
    result = None
    for n in range(6):
        result = await agent.send(talk, f"where is order {12345 + n}? my email is nobody{n}@example.com")
    assert result is not None and OFFER_QUESTION in result.text


async def test_a_verified_shopper_is_not_asked_for_an_email(agent: Agent, env: ToolsEnv) -> None:
    talk = thread()
    customer = {"id": 1, "email": "jane.doe@example.com"}
    made = await agent.send(talk, "let me talk to a human", verified_customer=customer)
    assert "What email" not in made.text and "j***@example.com" in made.text
    handoff = (await env.ctx.records.handoffs())[0]
    assert (handoff.contact_state, handoff.contact_email) == ("verified", "jane.doe@example.com")


async def test_a_payment_problem_is_not_read_as_a_cancellation(agent: Agent, env: ToolsEnv) -> None:
    result = await agent.send(thread(), "i got charged twice for order 12345!! pls fix")
    assert "cancel_order" not in [c["name"] for c in result.tool_calls]
    assert result.text.rstrip().endswith(OFFER_QUESTION) and env.store.orders[12345]["status_id"] != 5
