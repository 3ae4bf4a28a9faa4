"""The LangGraph run context: everything a run needs, built once per process and passed to every run
(``graph.ainvoke(..., context=AgentContext(...))``). Never a module global. Built by ``agent.assembly``.
Nothing in it belongs to one turn: what a turn did is counted on the turn's own stream
(``agent.counters``), so concurrent turns on one store never mix their figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models.llm_router import RoutingMemory
from .settings import LLMSettings
from .tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .models.intents import NLU


@dataclass
class AgentContext:
    tools: ToolContext
    model: BaseChatModel | None = None  # the subgraphs' chat model (offline or an LLM)
    nlu: NLU | None = None  # the semantic router (and the offline model's understanding)
    llm: BaseChatModel | None = None  # set when a real LLM is configured: routing fallback, direct replies
    store_name: str = "our store"
    llm_settings: LLMSettings = field(default_factory=LLMSettings)
    context_tokens: int = 4096  # the LLM's context window (``LLMSettings.context_window``)
    routing: RoutingMemory = field(default_factory=RoutingMemory)
    extra: dict[str, Any] = field(default_factory=dict)
