"""The graph for LangGraph Server and Studio (``langgraph.json``).

``make_graph`` is the graph factory ``langgraph dev`` / LangGraph Server calls for each run. The run
context (the connected store's client, records, index, NLU and model) cannot travel in a request, so
the host builds it: on the first call, from the settings (``$BCAGENT_HOME``, ``BCAGENT_STORE`` to pick
one of several connected stores, ``BCAGENT_DATABASE_URL``...), kept open for the life of the server
process and given to every run whose request carries no context of its own. The server supplies its
own checkpointer. ``graph`` is the same graph without a host context, for tools that only draw it.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from agent.context import AgentContext
from agent.graphs.router import build

graph = build()  # absolute imports above: LangGraph Server loads this file by path


class _Host:
    """The server process's one run context, opened on first use (a process cache, not a dependency)."""

    def __init__(self) -> None:
        self.context: AgentContext | None = None
        self._stack = AsyncExitStack()
        self._lock = asyncio.Lock()

    async def get(self) -> AgentContext:
        async with self._lock:
            if self.context is None:
                from agent.runtime import open_context
                from agent.settings import Settings

                settings = Settings.from_env()
                store = os.environ.get("BCAGENT_STORE") or None
                self.context = await self._stack.enter_async_context(open_context(settings, store))
            return self.context


_host = _Host()


def hosted(graph_: CompiledStateGraph[Any, Any, Any, Any], context: AgentContext) -> Any:
    """``graph_`` running with ``context`` whenever a caller passes none (copies keep it)."""
    base = type(graph_)

    def _pick(given: Any) -> Any:
        return given if isinstance(given, AgentContext) else context

    def stream(self: Any, input: Any, config: Any = None, *, context: Any = None, **kwargs: Any) -> Any:
        return base.stream(self, input, config, context=_pick(context), **kwargs)

    def astream(self: Any, input: Any, config: Any = None, *, context: Any = None, **kwargs: Any) -> Any:
        return base.astream(self, input, config, context=_pick(context), **kwargs)

    graph_.__class__ = type("HostedGraph", (base,), {"stream": stream, "astream": astream})
    return graph_


async def make_graph() -> Any:
    """The router graph with the host's run context (the graph factory of ``langgraph.json``)."""
    return hosted(build(), await _host.get())
