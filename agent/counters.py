"""What one turn did, counted per turn: LLM calls, routing decisions made by the LLM, grounding
replacements, the LLM's failures by kind, safety-net tool calls, tool calls refused for unproven
arguments.

The graphs, the tools and the model calls do not keep these figures anywhere: they ``count(...)`` each
event on the run's stream writer (LangGraph's ``custom`` stream mode), and the turn that streams the
graph adds them to its own ``Counters``. Two turns running at once on one store therefore never see
each other's figures, and a run whose caller does not ask for ``custom`` events (LangGraph Server, a
test's ``ainvoke``) counts nothing, at no cost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from langgraph.config import get_stream_writer
from langgraph.types import StreamWriter

COUNT = "bcagent_count"  # the key of a counting event in the ``custom`` stream

Name = Literal[
    "llm_calls",
    "router_llm_calls",
    "grounding_replacements",
    "safety_net_calls",
    "provenance_refusals",
]


@dataclass
class Counters:
    """The figures of one turn (``TurnResult.counters``)."""

    llm_calls: int = 0
    router_llm_calls: int = 0
    grounding_replacements: int = 0
    safety_net_calls: int = 0
    provenance_refusals: int = 0
    model_failures: Counter[str] = field(default_factory=Counter)

    def take(self, chunk: Any) -> bool:
        """Add one ``custom`` stream event if it is a count (True), else leave it (False)."""
        event = chunk.get(COUNT) if isinstance(chunk, dict) else None
        if not isinstance(event, dict):
            return False
        failure = event.get("model_failure")
        if isinstance(failure, str):
            self.model_failures[failure] += 1
        for name in get_args(Name):
            value = event.get(name)
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        return True


def count(*names: Name, n: int = 1, writer: StreamWriter | None = None) -> None:
    """Count ``n`` of each of ``names`` for the running turn (inside a graph run only)."""
    (writer or get_stream_writer())({COUNT: dict.fromkeys(names, n)})


def count_failure(kind: str, writer: StreamWriter | None = None) -> None:
    """Count one failed model call of ``kind`` (``"cut"``, ``"refused"``, ``"router_timeout"``...)."""
    (writer or get_stream_writer())({COUNT: {"model_failure": kind}})
