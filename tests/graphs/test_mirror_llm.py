"""The catalog mirror on the LLM path (the local fake OpenAI-compatible server): the product tool's facts
come from the mirror's copy (here deliberately unlike the live store, to tell them apart), the model is
given them without any word of where they came from, and the grounded reply quotes them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal

from agent.runtime import Agent
from agent.tools.mirror import MirroredFact
from tests.fakes.openai_server import FakeOpenAIServer
from tests.tools.conftest import ToolsEnv


class OneCopy:
    """A fake mirror holding one copy (the freshness rules are tested in tests/tools/test_mirror.py)."""

    def __init__(self, fact: MirroredFact) -> None:
        self.fact = fact

    async def products(self, product_ids: Iterable[int]) -> dict[int, MirroredFact]:
        return {i: self.fact for i in product_ids if i == self.fact.product.id}


async def test_the_llm_answers_from_the_mirrors_copy(
    llm_agent: Agent, env: ToolsEnv, fake: FakeOpenAIServer
) -> None:
    live = await env.ctx.client.products.get(1, include=["variants", "images", "custom_fields", "videos"])
    copy = live.model_copy(
        update={"price": Decimal("70.00"), "sale_price": Decimal(0), "calculated_price": None}
    )
    env.ctx.mirror = OneCopy(MirroredFact(copy, 12.0))
    await env.ctx.open_category_ids()
    fake.reply_tool_call("get_product_information", {"product_id": 1})
    fake.reply_text("The Premium Boxing Gloves cost $70.00.")
    before = env.ctx.client.stats.requests
    result = await llm_agent.send(uuid.uuid4().hex, "How much are product #1, the Premium Boxing Gloves?")
    assert env.ctx.client.stats.requests == before  # nothing asked of the store
    given = " ".join(str(m.get("content")) for m in fake.requests[-1].messages if m.get("role") == "tool")
    assert "$70.00" in given and "$79.99" not in given  # the mirror's copy, not the live product
    assert "mirror" not in given.lower() and "live" not in given.lower()
    assert "$70.00" in result.text and result.counters.grounding_replacements == 0
