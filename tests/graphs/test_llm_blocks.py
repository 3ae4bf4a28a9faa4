"""Structured replies on the LLM path (a local fake OpenAI-compatible server): each reply carries the tool
results it was written from (``TurnResult.evidence``), so the LLM's words become the paragraphs and the
order card comes from the tool result, never from the model's text."""

from __future__ import annotations

import uuid

from agent.blocks import UrlPolicy, blocks_of
from agent.blocks.vocabulary import OrderBlock, Paragraph
from agent.runtime import Agent
from tests.fakes.openai_server import FakeOpenAIServer

POLICY = UrlPolicy.for_store("demostore", "https://knockout-fitness.example")


async def test_the_llms_words_are_paragraphs_and_the_card_comes_from_the_tool(
    llm_agent: Agent, fake: FakeOpenAIServer
) -> None:
    assert llm_agent.context.llm is not None  # the server lays this store's replies out as the LLM brain
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    words = "Good news, it's on its way with UPS (1Z999AA10123456784)."
    fake.reply_text(words)
    result = await llm_agent.send(uuid.uuid4().hex, "Where is my order 12345? jane.doe@example.com")
    assert len(result.evidence) == len(result.replies) == 1
    assert [item["name"] for item in result.evidence[0]] == ["get_order_information"]
    blocks = blocks_of(result.replies[0], result.evidence[0], "llm", POLICY)
    assert blocks[0] == Paragraph(text=result.replies[0])
    card = blocks[1]
    assert isinstance(card, OrderBlock)
    assert (card.number, card.status, card.tracking_number) == (12345, "Shipped", "1Z999AA10123456784")
    assert card.tracking_link is not None and card.tracking_link.startswith("https://www.ups.com/")


async def test_a_reply_with_no_tool_is_just_its_words(llm_agent: Agent, fake: FakeOpenAIServer) -> None:
    fake.reply_structured({"route": "respond", "reason": "greeting"})
    fake.reply_text("Hello! How can I help?")
    result = await llm_agent.send(uuid.uuid4().hex, "hello there")
    assert result.replies and all(evidence == [] for evidence in result.evidence)
    assert blocks_of(result.replies[-1], result.evidence[-1], "llm", POLICY) == [
        Paragraph(text=result.replies[-1])
    ]
