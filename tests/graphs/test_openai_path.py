"""The same graph on an OpenAI-compatible model (a local fake server): tool calls, replies, grounding,
routing by the LLM when the semantic router is unsure, and LLM calls per turn."""

from __future__ import annotations

import dataclasses
import uuid

from agent.runtime import Agent
from tests.fakes.openai_server import FakeOpenAIServer


async def test_llm_calls_a_tool_and_answers_from_its_result(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text("Your order #12345 has shipped with UPS, tracking number 1Z999AA10123456784.")
    result = await llm_agent.send(uuid.uuid4().hex, "Where is my order 12345? jane.doe@example.com")
    assert "1Z999AA10123456784" in result.text
    assert result.routes == ["order_management"]
    assert result.llm_calls == 2  # confident semantic routing: no LLM call to route
    assert result.input_tokens > 0 and result.output_tokens > 0  # usage reported by the server
    offered = fake.requests[0].tool_names
    assert set(offered) == {
        "get_order_information",
        "cancel_order",
        "change_shipping_address",
        "check_gift_card_balance",
        "transfer_to_human",
    }
    sent_back = fake.requests[1].messages
    assert any(m.get("role") == "tool" and "1Z999AA10123456784" in str(m.get("content")) for m in sent_back)


async def test_an_invented_figure_is_replaced_by_the_tool_result(
    llm_agent: Agent, fake: FakeOpenAIServer
) -> None:
    fake.reply_tool_call("get_product_information", {"product": "Premium Boxing Gloves"})
    fake.reply_text("The Premium Boxing Gloves cost $12.00 today only, with code FREEGLOVES.")
    result = await llm_agent.send(uuid.uuid4().hex, "How much are the Premium Boxing Gloves?")
    assert "$12.00" not in result.text and "FREEGLOVES" not in result.text
    assert "$79.99" in result.text
    assert result.counters.grounding_replacements == 1


async def test_unsure_routing_asks_the_llm(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_structured({"route": "respond", "reason": "small talk"})
    result = await llm_agent.send(uuid.uuid4().hex, "can you check something for me")
    assert result.routes == ["respond"]
    assert result.counters.router_llm_calls == 1


async def test_a_failing_llm_router_falls_back_to_the_semantic_route(
    llm_agent: Agent, fake: FakeOpenAIServer
) -> None:
    fake.reply_error(500, "upstream exploded")
    result = await llm_agent.send(uuid.uuid4().hex, "can you check something for me")
    assert result.text  # the turn still answers


async def test_llm_is_told_what_is_off_and_how_to_refuse_it(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    """Issue 22 on the LLM brain: a switched-off tool is not offered, and the subgraph's prompt says it
    is off here and how to refuse it (one sentence, what is on, a person)."""
    tools = llm_agent.context.tools
    tools.connection = dataclasses.replace(tools.connection, disabled_tools=["check_gift_card_balance"])
    fake.reply_text(
        "Sorry, checking gift card balances isn't available here; I can connect you with our team."
    )
    await llm_agent.send(uuid.uuid4().hex, "What's the balance on gift card GIFT-DEMO-0001?")
    request = next(r for r in fake.requests if r.tool_names)  # the subgraph's call (not the router's)
    assert "check_gift_card_balance" not in request.tool_names
    system = str(request.messages[0].get("content"))
    assert "Not available in this store: checking gift card balances" in system
    assert "connect them with a member of the team" in system


async def test_the_llm_can_browse_at_a_price(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_tool_call("get_product_information", {"product": "gift for a boxer", "max_price": 50})
    fake.reply_text("Here are a few ideas for $50 or less.")
    await llm_agent.send(uuid.uuid4().hex, "gift ideas for my bf who boxes, budget $50")
    offered = next(
        t for t in fake.requests[0].body["tools"] if t["function"]["name"] == "get_product_information"
    )
    assert "max_price" in offered["function"]["parameters"]["properties"]
    sent_back = [m for m in fake.requests[1].messages if m.get("role") == "tool"]
    assert sent_back and "$50.00 or less" in str(sent_back[-1].get("content"))
