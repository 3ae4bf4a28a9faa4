"""Handoff tests: repositories on both engines (as tests/persistence), the assistant with the offline
model on a sandbox demo store (as tests/graphs)."""

from __future__ import annotations

from tests.graphs.conftest import agent, env, nlu, tools_embedder
from tests.persistence.conftest import settings

__all__ = ["agent", "env", "nlu", "settings", "tools_embedder"]
