"""A question stays asked: the detail the assistant asked for answers the request that needed it; the
offer of a person is a question too ("yes" hands off, "no" does not)."""

from __future__ import annotations

import uuid

from agent.models.offer import OFFER_PERSON
from agent.runtime import Agent
from tests.tools.conftest import ToolsEnv


async def test_an_email_answers_the_order_question_it_was_asked_for(agent: Agent) -> None:
    thread = uuid.uuid4().hex
    first = await agent.send(thread, "was order 12345 refunded?")
    assert "email" in first.text.lower()
    second = await agent.send(thread, "jane.doe@example.com")
    calls = [(c["name"], c["args"]) for c in second.tool_calls]
    assert calls == [("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})]
    assert "Order #12345" in second.text and "I can help with" not in second.text


async def test_an_order_number_answers_a_cancellation_asked_without_one(agent: Agent) -> None:
    thread = uuid.uuid4().hex
    first = await agent.send(thread, "i need to cancel something i ordered")
    assert first.routes == ["order_management"]
    second = await agent.send(thread, "12346 jane.doe@example.com")
    assert [c["name"] for c in second.tool_calls] == ["cancel_order"]
    assert second.tool_calls[0]["args"]["order_id"] == "12346"
    assert "Cancel order #12346" in second.text  # the identity check passed: the email reached the tool


async def test_a_code_answers_the_gift_card_question_and_is_checked_as_a_gift_card(agent: Agent) -> None:
    thread = uuid.uuid4().hex
    first = await agent.send(thread, "what's the balance on my gift card?")
    assert [c["args"] for c in first.tool_calls if c["name"] == "check_gift_card_balance"] in (
        [],
        [{}],
        [{"code": ""}],
    )
    second = await agent.send(thread, "GIFT-DEMO-0001")
    assert [c["name"] for c in second.tool_calls] == ["check_gift_card_balance"]
    assert "$62.50" in second.text


async def test_a_new_request_is_not_taken_for_the_missing_detail(agent: Agent) -> None:
    thread = uuid.uuid4().hex
    await agent.send(thread, "where is order 12345?")
    second = await agent.send(thread, "actually, is SAVE20 still valid?")
    assert [c["name"] for c in second.tool_calls] == ["lookup_discount_code"]
    assert "20%" in second.text


async def test_the_offer_of_a_person_is_a_question_that_a_yes_answers(agent: Agent, env: ToolsEnv) -> None:
    thread = uuid.uuid4().hex
    first = await agent.send(thread, "can you write me a poem about the sea")
    assert first.routes == ["respond"] and first.text.endswith(OFFER_PERSON)
    assert "I can help with" in first.text and first.tool_calls == []
    second = await agent.send(thread, "yes please")
    assert [c["name"] for c in second.tool_calls] == ["transfer_to_human"]
    assert "poem" in second.tool_calls[0]["args"]["summary"]
    assert len(await env.ctx.records.handoffs()) == 1


async def test_no_to_the_offer_of_a_person_hands_nothing_off(agent: Agent, env: ToolsEnv) -> None:
    thread = uuid.uuid4().hex
    await agent.send(thread, "can you write me a poem about the sea")
    second = await agent.send(thread, "no thanks")
    assert second.tool_calls == [] and "anything else" in second.text.lower()
    assert await env.ctx.records.handoffs() == []
