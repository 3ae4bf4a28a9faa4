"""Tool test set-up: a fresh demo store in the sandbox per test (reached in-process), its run context
built by the one test fixture (``open_store``: the client, the connection as `bcagent connect` saves
it, in-memory agent records), and a conversation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.context import AgentContext
from agent.tools.code_cache import redis_client
from agent.tools.context import Conversation, ToolContext
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, generate_demo_store
from sandbox.state import SandboxStore
from tests.conftest import NOW

__all__ = ["NOW", "REDIS_URL", "ToolsEnv"]

REDIS_URL = "redis://127.0.0.1:6379/0"  # the caches shared by replicas (code_cache, shared_orders)


@dataclass
class ToolsEnv:
    sandbox: Sandbox
    ctx: ToolContext
    conversation: Conversation
    context: AgentContext  # the run context ``ctx`` belongs to (offline model)

    @property
    def store(self) -> SandboxStore:
        return self.sandbox.store

    def new_conversation(self, thread_id: str = "t2") -> Conversation:
        return Conversation(thread_id=thread_id)


@pytest.fixture(scope="session")
def tools_embedder(embedder: MiniLMEmbedding) -> MiniLMEmbedding:
    return embedder


@pytest.fixture
async def env(open_store: Any) -> AsyncIterator[ToolsEnv]:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(40, seed=0))], quota=10**6)
    async with open_store(sandbox) as context:
        yield ToolsEnv(sandbox, context.tools, Conversation(thread_id="t1"), context)


@pytest.fixture
async def indexed_env(env: ToolsEnv, tools_embedder: MiniLMEmbedding, tmp_path: Path) -> ToolsEnv:
    """The same, with the demo catalog synced into a Chroma index (as `bcagent ingest` does)."""
    index = ProductIndex(chroma_client(path=tmp_path / "chroma"), DEMO_STORE_HASH, tools_embedder)
    context = CatalogContext(storefront_url=env.ctx.connection.secure_url, money=env.ctx.connection.money)
    await sync_catalog(env.ctx.client, index, tmp_path / "state", context)
    env.ctx.index = index
    return env


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of the test's own in the local Redis; its keys are deleted after."""
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    client = redis_client(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
