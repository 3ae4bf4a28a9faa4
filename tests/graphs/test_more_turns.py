"""More conversations: bare details, social replies after a task, streaming, and the turn result."""

from __future__ import annotations

import uuid

from agent.runtime import Agent
from tests.tools.conftest import ToolsEnv


async def test_a_bare_code_is_understood_without_a_question(agent: Agent) -> None:
    assert "$62.50" in (await agent.send(uuid.uuid4().hex, "GIFT-DEMO-0001")).text
    assert "20%" in (await agent.send(uuid.uuid4().hex, "SAVE20")).text


async def test_thanks_after_an_order_question_is_a_direct_reply(agent: Agent) -> None:
    thread = uuid.uuid4().hex
    await agent.send(thread, "where is order 12345? jane.doe@example.com")
    reply = await agent.send(thread, "thanks!")
    assert reply.routes == ["respond"] and "welcome" in reply.text.lower()


async def test_follow_up_detail_stays_in_the_active_subgraph(agent: Agent) -> None:
    thread = uuid.uuid4().hex
    first = await agent.send(thread, "I want to check on my order")
    assert first.routes == ["order_management"]
    second = await agent.send(thread, "#12345")
    assert second.routes == ["order_management"] and "email" in second.text.lower()


async def test_replies_stream_as_chunks_and_tools_are_reported(agent: Agent) -> None:
    events: list[tuple[str, object]] = []
    result = await agent.send(
        uuid.uuid4().hex,
        "How much are the Premium Boxing Gloves?",
        on_event=lambda k, p: events.append((k, p)),
    )
    tokens = [str(p) for k, p in events if k == "token"]
    assert len(tokens) > 3 and "".join(tokens).strip() == result.text.strip()
    assert [p["name"] for k, p in events if k == "tool"] == ["get_product_information"]  # type: ignore[index]
    assert result.tool_calls and result.tool_results and result.llm_calls == 0  # the offline model is no LLM


async def test_empty_huge_and_emoji_messages_are_safe(agent: Agent) -> None:
    for text in ("", "🥊🥊🥊", "x " * 10_000):
        result = await agent.send(uuid.uuid4().hex, text)
        assert result.text and result.tool_calls == []


def test_answer_kind() -> None:
    from agent.turns import answer_kind

    for text in ("yes", "Yes please", "yep, cancel it", "sure", "ok go ahead", "go ahead"):
        assert answer_kind(text) == "yes", text
    for text in ("no", "nope", "don't", "no thanks", "wait", "yes but not that one"):
        assert answer_kind(text) == "no", text
    for text in (
        "How much are the gloves?",
        "",
        "maybe",
        "what about order 12345 instead of this one please",
    ):
        assert answer_kind(text) == "other", text


async def test_a_typed_yes_please_confirms(agent: Agent, env: ToolsEnv) -> None:
    thread = uuid.uuid4().hex
    await agent.send(thread, "cancel order 12346, jane.doe@example.com")
    done = await agent.send(thread, "Yes please!")
    assert "cancelled" in done.text.lower() and env.store.orders[12346]["status_id"] == 5


async def test_asking_for_a_person_records_a_handoff(agent: Agent, env: ToolsEnv) -> None:
    thread = uuid.uuid4().hex
    await agent.send(thread, "where is order 12345?")
    reply = await agent.send(thread, "ok, connect me with a member of your team then")
    assert reply.routes == ["respond"] and "team" in reply.text
    assert len(await env.ctx.records.handoffs()) == 1
    assert [call["name"] for call in reply.tool_calls] == ["transfer_to_human"]
    assert reply.tool_calls[0]["args"]["summary"] == "ok, connect me with a member of your team then"
    assert [result["name"] for result in reply.tool_results] == ["transfer_to_human"]
    assert len(reply.replies) == 1
    assert "request #" in reply.text
