"""The graph for LangGraph Server and Studio (``langgraph.json``).

LangGraph Server supplies its own checkpointer and passes the run context; the context is built from
the local settings (the connected store) the first time a run needs it.
"""

from __future__ import annotations

from .router import build

graph = build()
