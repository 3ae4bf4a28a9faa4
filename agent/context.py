"""The LangGraph run context: everything a run needs, built once per process and passed to every run
(``graph.ainvoke(..., context=AgentContext(...))``). Never a module global."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models.llm_router import RoutingMemory
from .settings import LLMSettings
from .tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .models.intents import NLU


@dataclass
class Counters:
    """What a run did, for evals and benchmarks: LLM calls, routing decisions, grounding replacements,
    the LLM's failures by kind, safety-net tool calls, tool calls refused for unproven arguments."""

    llm_calls: int = 0
    router_llm_calls: int = 0
    grounding_replacements: int = 0
    safety_net_calls: int = 0
    provenance_refusals: int = 0
    model_failures: Counter[str] = field(default_factory=Counter)


@dataclass
class AgentContext:
    tools: ToolContext
    model: BaseChatModel | None = None  # the subgraphs' chat model (offline or an LLM)
    nlu: NLU | None = None  # the semantic router (and the offline model's understanding)
    llm: BaseChatModel | None = None  # set when a real LLM is configured: routing fallback, direct replies
    store_name: str = "our store"
    counters: Counters = field(default_factory=Counters)
    llm_settings: LLMSettings = field(default_factory=LLMSettings)
    context_tokens: int = 4096  # the LLM's context window (``LLMSettings.context_window``)
    routing: RoutingMemory = field(default_factory=RoutingMemory)
    extra: dict[str, Any] = field(default_factory=dict)
