"""Routing by the LLM: where the shopper's latest message goes, as one small JSON answer.

Three ways to ask for it, because servers differ in what they accept:

- ``json_schema``: ``response_format`` with the schema (OpenAI; llama.cpp answers 500);
- ``json_object``: ``response_format: {"type": "json_object"}`` and the shape spelled out in the prompt;
- ``tool``: a forced call of a ``RouteDecision`` tool.

``BCAGENT_LLM_ROUTING`` picks one; ``auto`` (the default) tries them in that order the first time and
remembers, in the process's ``RoutingMemory``, the first one the server accepted, so the probe costs
one or two requests once, not every turn.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from .model_errors import ModelError, describe_model_error, failure_kind
from .prompts import system_prompt

log = logging.getLogger(__name__)

# How much of the conversation the router sees besides the latest message.
ROUTER_HISTORY_MESSAGES: Final = 8
MODES: Final = ("json_schema", "json_object", "tool")
_JSON_SHAPE: Final = (
    'Answer with one JSON object and nothing else: {"route": "order_management" | "product_expert" | '
    '"respond", "reason": "a few words"}'
)
_OBJECT: Final = re.compile(r"\{.*\}", re.DOTALL)


class RouteDecision(BaseModel):
    """Where the router sends the shopper's latest message."""

    route: Literal["order_management", "product_expert", "respond"] = Field(
        description="order_management, product_expert, or respond"
    )
    reason: str = Field(description="A few words on why, for operators")


@dataclass
class RoutingMemory:
    """The routing mode this process uses: set by the setting, or learned by the first probe."""

    mode: str = "auto"
    learned: bool = False

    def candidates(self) -> tuple[str, ...]:
        if self.mode != "auto":
            return (self.mode,)
        return MODES


async def llm_route(
    model: BaseChatModel,
    text: str,
    history: Sequence[BaseMessage] = (),
    *,
    store_name: str = "this store",
    memory: RoutingMemory | None = None,
    timeout: float | None = None,
) -> RouteDecision:
    """Ask ``model`` where ``text`` (the shopper's latest message) goes, given the conversation so far.

    Raises ``ModelError`` on any failure: provider errors, refusals, or an answer that is not a valid
    ``RouteDecision``. With ``memory`` in ``auto`` mode, a refused mode is dropped for the next one and
    the first accepted one is remembered.
    """
    memory = memory or RoutingMemory("json_schema")
    messages: list[BaseMessage] = [
        SystemMessage(system_prompt("router", store_name)),
        *_router_transcript(history, text),
        HumanMessage(text),
    ]
    # One JSON answer, never streamed: nothing to show the shopper token by token, and the "nostream"
    # tag keeps it out of LangGraph's messages stream.
    quiet = model.model_copy(update={"streaming": False, "disable_streaming": True})
    extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    last: ModelError | None = None
    for mode in memory.candidates():
        try:
            answer = await _ask(quiet, mode, messages, extra)
        except Exception as exc:
            kind = failure_kind(exc)
            last = ModelError(f"The router model failed ({mode}): {describe_model_error(exc)}")
            last.__cause__ = exc
            if memory.mode == "auto" and kind in ("refused", "server_error", "not_found"):
                log.warning(
                    "routing with %s refused by the model server: %s", mode, describe_model_error(exc)
                )
                continue  # try the next way of asking
            if memory.mode == "auto" and kind == "invalid":
                memory.mode, memory.learned = mode, True  # accepted, the model just answered badly
            raise last from exc
        if memory.mode == "auto":
            memory.mode, memory.learned = mode, True
            log.info("routing with %s from now on", mode)
        return answer
    assert last is not None
    raise last


async def _ask(
    model: BaseChatModel, mode: str, messages: list[BaseMessage], extra: dict[str, Any]
) -> RouteDecision:
    if mode == "json_schema":
        structured = model.with_structured_output(RouteDecision).with_config(
            tags=["nostream"], run_name="llm_route"
        )
        answer: Any = await structured.ainvoke(messages, **extra)
        return answer if isinstance(answer, RouteDecision) else RouteDecision.model_validate(answer)
    if mode == "json_object":
        prompt = SystemMessage(f"{messages[0].text}\n\n{_JSON_SHAPE}")
        bound = model.bind(response_format={"type": "json_object"}).with_config(
            tags=["nostream"], run_name="llm_route"
        )
        reply = await bound.ainvoke([prompt, *messages[1:]], **extra)
        found = _OBJECT.search(reply.text if isinstance(reply, BaseMessage) else str(reply))
        if found is None:
            raise ValueError("the router's answer holds no JSON object")
        return RouteDecision.model_validate(json.loads(found.group(0)))
    forced: Any = {"type": "function", "function": {"name": "RouteDecision"}}
    tooled = model.bind_tools([RouteDecision], tool_choice=forced).with_config(
        tags=["nostream"], run_name="llm_route"
    )
    reply = await tooled.ainvoke(messages, **extra)
    calls = reply.tool_calls if isinstance(reply, AIMessage) else []
    if not calls:
        raise ValueError("the router called no tool")
    return RouteDecision.model_validate(calls[0]["args"])


def _router_transcript(history: Sequence[BaseMessage], text: str) -> list[BaseMessage]:
    """The recent shopper and assistant texts, without tool calls or tool results.

    Tool traffic is left out on purpose: it is long, may hold shopper data the router does not need,
    and a window that starts mid tool exchange is a request the API refuses.
    """
    turns: list[BaseMessage] = []
    for message in history:
        said = message.text.strip()
        if not said:
            continue
        if isinstance(message, HumanMessage):
            turns.append(HumanMessage(said))
        elif isinstance(message, AIMessage):
            turns.append(AIMessage(said))
    if turns and isinstance(turns[-1], HumanMessage) and turns[-1].text == text.strip():
        turns.pop()  # the caller passed the whole thread, latest message included
    return turns[-ROUTER_HISTORY_MESSAGES:]
