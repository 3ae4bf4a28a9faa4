"""Graph test set-up: the assistant with the offline model on a fresh sandbox demo store per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.graphs import router
from agent.models.intents import NLU
from agent.runtime import Agent
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from tests.tools import conftest as tools_fixtures
from tests.tools.conftest import ToolsEnv

env = tools_fixtures.env  # the tools' fixtures, shared
tools_embedder = tools_fixtures.tools_embedder


@pytest.fixture(scope="session")
def nlu(tools_embedder: MiniLMEmbedding) -> NLU:
    return NLU(tools_embedder)


@pytest.fixture
async def agent(
    env: ToolsEnv, nlu: NLU, tools_embedder: MiniLMEmbedding, tmp_path: Path
) -> AsyncIterator[Agent]:
    index = ProductIndex(chroma_client(path=tmp_path / "chroma"), "demostore", tools_embedder)
    context = CatalogContext(storefront_url=env.ctx.connection.secure_url, money=env.ctx.connection.money)
    await sync_catalog(env.ctx.client, index, tmp_path / "state", context)
    env.ctx.index = index
    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "checkpoints.sqlite")) as saver:
        yield Agent(router.build(saver), env.context)
