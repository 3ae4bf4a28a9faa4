"""The shared shape of the two subgraphs: a model <-> tools loop over the subgraph's own state.

Top-down: the model node, the edge that decides between tools and the end, the builder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime

from ..context import AgentContext
from ..models.prompts import system_prompt
from ..tools.registry import build_tools
from ..transcripts.capture import timed

MAX_MODEL_CALLS = 4  # per turn in one subgraph: a tool call, its reply, and a little slack
OFFLINE = "bcagent-offline"


def model_node(kind: str, tool_names: Sequence[str]) -> Callable[..., Any]:
    async def call_model(state: dict[str, Any], runtime: Runtime[AgentContext]) -> dict[str, Any]:
        context = runtime.context
        if context.model is None:
            raise RuntimeError("AgentContext.model is not set")
        messages = state["messages"]
        since_human = 0
        for message in reversed(messages):
            if isinstance(message, HumanMessage):
                break
            since_human += isinstance(message, AIMessage)
        if since_human >= MAX_MODEL_CALLS:
            return {"messages": [AIMessage(content="Sorry, I couldn't finish that. Could you ask again?")]}
        enabled = [name for name in tool_names if name in context.tools.enabled()]
        model = context.model.bind_tools(build_tools(enabled)) if enabled else context.model
        prompt = SystemMessage(content=system_prompt(kind, context.store_name))
        response = await model.ainvoke([prompt, *messages])
        if getattr(context.model, "_llm_type", "") != OFFLINE:
            context.counters.llm_calls += 1
        return {"messages": [response]}

    return call_model


def tools_or_end(state: dict[str, Any]) -> Literal["tools", "__end__"]:
    last = state["messages"][-1]
    return "tools" if isinstance(last, AIMessage) and last.tool_calls else "__end__"


def build_subgraph(
    state_type: type[Any], kind: str, tool_names: Sequence[str]
) -> CompiledStateGraph[Any, Any, Any, Any]:
    builder = StateGraph(state_type, context_schema=AgentContext)
    builder.add_node("model", timed("model", kind, model_node(kind, tool_names)))
    builder.add_node("tools", ToolNode(build_tools(tool_names)))
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_or_end, {"tools": "tools", "__end__": END})
    builder.add_edge("tools", "model")
    return builder.compile(name=kind)
