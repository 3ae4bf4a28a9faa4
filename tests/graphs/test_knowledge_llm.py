"""The store-knowledge tools on the LLM path (a local fake OpenAI-compatible server): offered with their
schemas, called, answered from; the address change's confirmation pauses and resumes as cancel's does."""

from __future__ import annotations

import uuid

from agent.runtime import Agent
from tests.fakes.openai_server import FakeOpenAIServer
from tests.tools.conftest import ToolsEnv


async def test_llm_answers_shipping_from_the_zones(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_tool_call("get_shipping_options", {"destination": "Canada"})
    fake.reply_text("Yes, we ship to Canada: a flat $14.95, 5-10 business days.")
    result = await llm_agent.send(uuid.uuid4().hex, "do u ship to canada")
    assert result.routes == ["product_expert"]
    assert "$14.95" in result.text
    offered = set(fake.requests[0].tool_names)
    assert {
        "search_store_info",
        "get_shipping_options",
        "get_payment_methods",
        "get_store_contact",
    } <= offered
    sent_back = fake.requests[1].messages
    assert any(m.get("role") == "tool" and "$14.95" in str(m.get("content")) for m in sent_back)


async def test_an_invented_shipping_price_is_replaced(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_tool_call("get_shipping_options", {"destination": "Canada"})
    fake.reply_text("Shipping to Canada is only $4.99!")
    result = await llm_agent.send(uuid.uuid4().hex, "how much is shipping to canada")
    assert "$4.99" not in result.text and "$14.95" in result.text


async def test_llm_quotes_the_returns_page(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_tool_call("search_store_info", {"question": "return policy"})
    fake.reply_text(
        "You can send items back within 30 days of delivery, unused and in the original packaging."
    )
    result = await llm_agent.send(uuid.uuid4().hex, "whats ur return policy")
    assert "30 days" in result.text
    tool_results = [r for r in result.tool_results if r["name"] == "search_store_info"]
    assert tool_results and "shipping-returns" in tool_results[0]["content"]


async def test_llm_changes_an_address_only_after_the_shopper_confirms(
    llm_agent: Agent,
    fake: FakeOpenAIServer,
    env: ToolsEnv,
) -> None:
    thread = uuid.uuid4().hex
    fake.reply_tool_call(
        "change_shipping_address",
        {
            "order_id": "12346",
            "email": "jane.doe@example.com",
            "street_1": "500 Elm Street",
            "city": "Dallas",
            "state": "TX",
            "zip": "75201",
        },
    )
    asked = await llm_agent.send(
        thread,
        "please change the address of order 12346 to 500 Elm Street, Dallas, TX 75201. jane.doe@example.com",
    )
    assert asked.confirmation is not None and asked.confirmation["type"] == "confirm_address_change"
    assert "123 Main Street" in asked.confirmation["question"]
    assert env.store.orders[12346]["shipping_addresses"][0]["street_1"] == "123 Main Street"
    fake.reply_text("Done: order #12346 now ships to 500 Elm Street, Dallas, TX 75201.")
    answer = {"confirm": True, "order_id": 12346, "proposal_id": asked.confirmation["proposal_id"]}
    done = await llm_agent.confirm(thread, answer)
    assert "500 Elm Street" in done.text
    assert env.store.orders[12346]["shipping_addresses"][0]["street_1"] == "500 Elm Street"
