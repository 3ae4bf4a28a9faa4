"""Tool test set-up: a fresh demo store in the sandbox per test (reached in-process), a client, the
connection as `bcagent connect` saves it, in-memory agent records, and a conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from agent.persistence.records import open_private_records
from agent.store.capabilities import FULL_ACCESS
from agent.store.connections import Connection
from agent.tools.context import Conversation, StorePolicy, ToolContext
from bigcommerce import AsyncBigCommerce
from bigcommerce.money import MoneyFormat
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.state import SandboxStore

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass
class ToolsEnv:
    sandbox: Sandbox
    ctx: ToolContext
    conversation: Conversation

    @property
    def store(self) -> SandboxStore:
        return self.sandbox.store

    def new_conversation(self, thread_id: str = "t2") -> Conversation:
        return Conversation(thread_id=thread_id)


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture(scope="session")
def tools_embedder(embedder: MiniLMEmbedding) -> MiniLMEmbedding:
    return embedder


@pytest.fixture
async def env() -> AsyncIterator[ToolsEnv]:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(40, seed=0))], quota=10**6)
    connection = Connection(
        store_hash=DEMO_STORE_HASH,
        api_url="http://sandbox.test",
        name="Knockout Fitness Supply",
        secure_url="https://knockout-fitness.example",
        money=MoneyFormat(),
        timezone="America/Chicago",
        scopes=dict(FULL_ACCESS),
    )
    client = AsyncBigCommerce(
        DEMO_STORE_HASH,
        FULL_TOKEN,
        base_url="http://sandbox.test",
        transport=httpx.ASGITransport(app=sandbox),
        sleep=_no_sleep,
        max_retries=1,
    )
    records = await open_private_records(DEMO_STORE_HASH)
    async with client:
        ctx = ToolContext(client, connection, records, policy=StorePolicy(), clock=lambda: NOW)
        yield ToolsEnv(sandbox, ctx, Conversation(thread_id="t1"))
    await records.aclose()


@pytest.fixture
async def indexed_env(env: ToolsEnv, tools_embedder: MiniLMEmbedding, tmp_path: Path) -> ToolsEnv:
    """The same, with the demo catalog synced into a Chroma index (as `bcagent ingest` does)."""
    index = ProductIndex(chroma_client(path=tmp_path / "chroma"), DEMO_STORE_HASH, tools_embedder)
    context = CatalogContext(storefront_url=env.ctx.connection.secure_url, money=env.ctx.connection.money)
    await sync_catalog(env.ctx.client, index, tmp_path / "state", context)
    env.ctx.index = index
    return env
