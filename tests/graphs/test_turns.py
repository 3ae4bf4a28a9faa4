"""agent.turns / agent.counters: a turn's figures are its own, even when two turns run at once on one
store (the counters travel on each run's stream, not in the store's shared run context)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.checkpoint.memory import InMemorySaver

from agent.graphs import router
from agent.runtime import Agent
from tests.security.gullible import GullibleChatModel
from tests.tools.conftest import ToolsEnv

QUESTION = "Where is my order 12345? My email is jane.doe@example.com"
GATE: list[asyncio.Barrier] = []  # when set, each turn's first model call waits for the other turn's


class Overlapping(GullibleChatModel):
    """The gullible test model (one tool call, then a reply: a known number of calls per turn)."""

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        last = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
        if GATE and not any(isinstance(m, AIMessage) for m in messages[last:]):
            await GATE[0].wait()
        return ChatResult(generations=[ChatGeneration(message=self.decide(messages))])


async def test_two_turns_at_once_on_one_store_count_their_own_calls(env: ToolsEnv) -> None:
    context = dataclasses.replace(env.context, model=Overlapping())
    agent = Agent(router.build(InMemorySaver()), context)  # one agent, one run context: the store's
    alone = await agent.send("alone", QUESTION)
    assert alone.counters.llm_calls == alone.llm_calls >= 2  # a tool call, then the reply
    assert [c["name"] for c in alone.tool_calls] == ["get_order_information"]

    GATE.append(asyncio.Barrier(2))  # both turns are inside the graph before either goes on
    try:
        first, second = await asyncio.wait_for(
            asyncio.gather(agent.send("first", QUESTION), agent.send("second", QUESTION)), timeout=120
        )
    finally:
        GATE.clear()
    for result in (first, second):
        assert result.llm_calls == alone.llm_calls  # not the other turn's calls too
        assert result.counters == alone.counters
        assert result.tool_calls == alone.tool_calls
