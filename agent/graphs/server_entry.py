"""The graph for LangGraph Server and Studio (``langgraph.json``).

``make_graph`` is the documented graph factory: an ``asynccontextmanager`` taking the server's runtime
(``langgraph_sdk.runtime.ServerRuntime``), which LangGraph Server / ``langgraph dev`` enters for each
run, state read and schema request, and which yields the router graph. The run context (the connected
store's client, records, index, NLU and model, built by ``agent.assembly.open_context``) cannot travel
in a request, so the host builds it once per server process, on first use, from the settings
(``$BCAGENT_HOME``, ``BCAGENT_STORE`` to pick one of several connected stores,
``BCAGENT_DATABASE_URL``...), and keeps it open for the life of the process. The yielded graph carries it
as its graph-level context, which LangGraph gives every run whose request carries no context of its own
(the run's own context wins). The server supplies its own checkpointer. ``graph`` is the same graph
without a host context, for tools that only draw it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from langgraph._internal._constants import CONFIG_KEY_RUNTIME
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.graphs.router import build

if TYPE_CHECKING:
    from langgraph_sdk.runtime import ServerRuntime

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
                from agent.assembly import open_context
                from agent.settings import Settings

                settings = Settings.from_env()
                self.context = await self._stack.enter_async_context(open_context(settings, settings.store))
            return self.context


_host = _Host()


def hosted(graph_: CompiledStateGraph[Any, Any, Any, Any], context: AgentContext) -> Any:
    """``graph_`` with ``context`` as its graph-level run context: used by every run that passes none
    (LangGraph adopts a runtime seeded in the graph's config as the parent of each run's own; copies,
    such as the server's ``graph.copy(update={"checkpointer": ...})``, keep it). The server sends each
    run the request's context, ``{}`` when it has none; the hosted graph declares no context schema, so
    that empty dict is not made into an (incomplete) ``AgentContext`` and the host's context is used."""
    unschematic = graph_.copy(update={"context_schema": None})
    return unschematic.with_config(configurable={CONFIG_KEY_RUNTIME: Runtime(context=context)})


@asynccontextmanager
async def make_graph(runtime: ServerRuntime[Any]) -> AsyncIterator[Any]:
    """The router graph with the host's run context (the graph factory of ``langgraph.json``)."""
    yield hosted(build(), await _host.get())
