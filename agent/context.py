"""The LangGraph run context: everything a run needs, built once per process and passed to every run
(``graph.ainvoke(..., context=AgentContext(...))``). Never a module global."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from .models.intents import NLU


@dataclass
class Counters:
    """What a run did, for evals and benchmarks: LLM calls, routing decisions, grounding replacements."""

    llm_calls: int = 0
    router_llm_calls: int = 0
    grounding_replacements: int = 0


@dataclass
class AgentContext:
    tools: ToolContext
    model: BaseChatModel | None = None  # the subgraphs' chat model (offline or an LLM)
    nlu: NLU | None = None  # the semantic router (and the offline model's understanding)
    llm: BaseChatModel | None = None  # set when a real LLM is configured: routing fallback, direct replies
    store_name: str = "our store"
    counters: Counters = field(default_factory=Counters)
    extra: dict[str, Any] = field(default_factory=dict)
