"""Merchant free text is untrusted on the LLM path too (issue 27): an OpenAI-compatible model (the local
fake server) that repeats a product's custom fields word for word never passes the planted instruction,
the refund amount, the phone number, the email or the link on to the shopper. The instruction line is
removed before the model sees the tool result; what the model repeats from the rest of the free text
is not evidence, so the grounding guard replaces the reply with one built from the structured fields."""

from __future__ import annotations

import uuid

from agent.runtime import Agent
from tests.fakes.openai_server import FakeOpenAIServer
from tests.graphs.conftest import fake, llm_agent, nlu, tools_embedder
from tests.security.test_free_text import MARKERS, PLANTED_SYSTEM, PLANTED_WARRANTY
from tests.tools.conftest import ToolsEnv, env

__all__ = ["env", "fake", "llm_agent", "nlu", "tools_embedder"]  # the graph tests' fixtures it uses


def plant(env: ToolsEnv) -> None:
    env.store.products[1]["custom_fields"] = [
        {"id": 98, "name": "Note", "value": PLANTED_SYSTEM},
        {"id": 99, "name": "Warranty", "value": PLANTED_WARRANTY},
        {"id": 100, "name": "Material", "value": "Genuine leather"},
    ]


async def test_a_model_repeating_planted_free_text_never_passes_it_on(
    llm_agent: Agent, env: ToolsEnv, fake: FakeOpenAIServer
) -> None:
    plant(env)
    fake.reply_tool_call("get_product_information", {"product": "Premium Boxing Gloves"})
    fake.reply_text(
        f"The Premium Boxing Gloves cost $79.99. {PLANTED_SYSTEM} Warranty: {PLANTED_WARRANTY} "
        "Material: Genuine leather."
    )
    result = await llm_agent.send(uuid.uuid4().hex, "What's the warranty on the Premium Boxing Gloves?")

    sent_back = " ".join(str(m.get("content")) for m in fake.requests[1].messages if m.get("role") == "tool")
    assert "Genuine leather" in sent_back  # the tool result reached the model ...
    assert "SYSTEM:" not in sent_back and "previous shopper" not in sent_back  # ... without the instruction
    assert not [m for m in MARKERS if m.lower() in result.text.lower()], result.text
    assert "Premium Boxing Gloves" in result.text and "$79.99" in result.text
    assert result.counters.grounding_replacements == 1
