"""The shared shape of the two subgraphs: a model <-> tools loop over the subgraph's own state.

Top-down: the model node, the edge that decides between tools and the end, the builder.

With the offline model the node just asks it. With an LLM, every way the call can go wrong becomes an
answer (``llm_call.call_llm`` raises ``ModelFailure`` for errors, cut, empty and runaway replies): the
safety net runs the tool call the shopper's request needs when the LLM made none; once tools have
answered, a failed wording is replaced by a reply composed from their results; otherwise the shopper
gets a short apology with a way forward. What happened is recorded on the message
(``response_metadata["bcagent"]``) and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime

from ..context import AgentContext
from ..counters import count, count_failure
from ..models.capabilities import prompt_lines
from ..models.entities import Entities, extract_entities
from ..models.llm_call import CallLimits, call_llm
from ..models.llm_context import context_note
from ..models.model_errors import FailureKind, ModelFailure
from ..models.prompts import system_prompt
from ..tools.registry import build_tools
from ..transcripts.capture import timed
from .safety_net import covered, net_tool_calls, offline_model

log = logging.getLogger(__name__)

MAX_MODEL_CALLS = 4  # per turn in one subgraph: a tool call, its reply, and a little slack
MAX_TOOL_ROUNDS = 2  # an LLM may follow its tool call with one more, then it must answer
OFFLINE = "bcagent-offline"
SORRY: Final[dict[str, str]] = {
    "busy": "Sorry, I can't answer right now: our assistant is busy or not responding.",
    "long": "Sorry, this conversation has grown too long for me to follow.",
    "cut": "Sorry, my answer was cut off before it was complete.",
}
NEXT_STEP: Final = " Please try again in a moment, or ask to talk to a person and I'll pass this to our team."


def _apology(kind: FailureKind) -> str:
    if kind == "overflow":
        return SORRY["long"] + " Please start a new conversation, or ask to talk to a person."
    if kind in ("cut", "length", "empty"):
        return SORRY["cut"] + NEXT_STEP
    return SORRY["busy"] + NEXT_STEP


def _since_human(messages: Sequence[BaseMessage]) -> tuple[int, bool]:
    """(model answers since the shopper's last message, whether a tool was called since)."""
    answers, called = 0, False
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage):
            answers += 1
            called = called or bool(message.tool_calls)
    return answers, called


def _called_tools(messages: Sequence[BaseMessage]) -> set[str]:
    """The tools called since the shopper's last message."""
    names: set[str] = set()
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage):
            names.update(c["name"] for c in message.tool_calls)
    return names


def _tool_rounds(messages: Sequence[BaseMessage]) -> int:
    rounds = 0
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        rounds += isinstance(message, AIMessage) and bool(message.tool_calls)
    return rounds


def _noted(message: AIMessage, **note: Any) -> AIMessage:
    meta = dict(message.response_metadata or {})
    meta["bcagent"] = {**meta.get("bcagent", {}), **note}
    message.response_metadata = meta
    return message


def model_node(kind: str, tool_names: Sequence[str]) -> Callable[..., Any]:
    async def call_model(state: dict[str, Any], runtime: Runtime[AgentContext]) -> dict[str, Any]:
        context = runtime.context
        if context.model is None:
            raise RuntimeError("AgentContext.model is not set")
        messages = state["messages"]
        answers, called = _since_human(messages)
        if answers >= MAX_MODEL_CALLS:
            return {"messages": [AIMessage(content="Sorry, I couldn't finish that. Could you ask again?")]}
        enabled = [name for name in tool_names if name in context.tools.enabled()]
        off = prompt_lines(context.tools.enabled())  # what is off here, and how to refuse it honestly
        prompt = SystemMessage(content=system_prompt(kind, context.store_name) + (f"\n{off}" if off else ""))
        if getattr(context.model, "_llm_type", "") == OFFLINE:  # told every tool on, for honest refusals
            model = context.model.bind_tools(build_tools(enabled), store_tools=context.tools.enabled())
            return {"messages": [await model.ainvoke([prompt, *messages])]}
        note = _context_note(context, messages, state.get("product_id"))
        if note:
            prompt = SystemMessage(content=f"{prompt.content}\n\n{note}")
        return {"messages": [await _llm_step(context, [prompt, *messages], enabled, called, state)]}

    return call_model


def _context_note(context: AgentContext, messages: Sequence[BaseMessage], product_id: Any) -> str:
    """The page product and the typed details of the shopper's latest message, for the LLM's tools."""
    human = next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)
    text = str(human.content) if human is not None and isinstance(human.content, str) else ""
    if context.nlu is None or not text.strip():
        return context_note("", Entities(), product_id if isinstance(product_id, int) else None)
    entities = extract_entities(text)  # regular expressions only: no second embedding
    return context_note(text, entities, product_id if isinstance(product_id, int) else None)


async def _llm_step(
    context: AgentContext,
    messages: list[BaseMessage],
    enabled: list[str],
    called: bool,
    state: dict[str, Any],
) -> AIMessage:
    assert context.model is not None
    settings = context.llm_settings
    limits = CallLimits(context.context_tokens, settings.max_tokens, settings.timeout_seconds)
    count("llm_calls")
    failure: ModelFailure | None = None
    answer: AIMessage | None = None
    try:
        answer, notes = await call_llm(context.model, messages, build_tools(enabled), limits)
        if notes:
            _noted(answer, **notes)
    except ModelFailure as exc:
        failure = exc
        count_failure(exc.kind)
        log.warning("model call failed (%s): %s", exc.kind, exc)
    if not called:
        verified = bool(state.get("verified_customer"))
        net = net_tool_calls(context, messages, enabled, verified)
        if net is not None and not covered(answer, net):
            count("safety_net_calls")
            if failure is not None:
                _noted(net, model_error=failure.kind, detail=str(failure))
            if answer is not None and answer.tool_calls:
                _noted(net, replaced_calls=[c["name"] for c in answer.tool_calls])
            return net
    if answer is not None and called and answer.tool_calls:
        fresh = [c for c in answer.tool_calls if c["name"] not in _called_tools(messages)]
        if not fresh or _tool_rounds(messages) >= MAX_TOOL_ROUNDS:  # answer from what the tools said
            failure = ModelFailure("invalid", "The model repeated a tool call instead of answering.")
            answer = None
    if answer is not None:
        return answer
    assert failure is not None
    if called:  # the tools answered: say what they said, without the LLM
        composed = offline_model(context).decide(messages)
        if composed.text and not composed.tool_calls:
            return _noted(
                AIMessage(content=composed.text), model_error=failure.kind, detail=str(failure), composed=True
            )
    return _noted(AIMessage(content=_apology(failure.kind)), model_error=failure.kind, detail=str(failure))


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
