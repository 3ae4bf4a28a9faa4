"""Graph test set-up: the assistant with the offline model on a fresh sandbox demo store per test, and the
same assistant on an OpenAI-compatible model (``llm_agent``, talking to the local fake server ``fake``)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.assembly import model_fields
from agent.graphs import router
from agent.models.intents import NLU
from agent.runtime import Agent
from agent.settings import LLMSettings, Settings
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from tests.fakes.openai_server import FakeOpenAIServer
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


@pytest.fixture
def fake() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def llm_agent(env: ToolsEnv, nlu: NLU, fake: FakeOpenAIServer, tmp_path: Path) -> AsyncIterator[Agent]:
    """The assistant on the fake server's model (its tools are ``env.ctx``)."""
    settings = Settings(
        home=tmp_path,
        model="openai:fake-model",
        openai_base_url=fake.base_url,
        # the first turn also warms up the NLU; a fake server is not streamed from (stream "auto")
        llm=LLMSettings(turn_budget_seconds=600, max_retries=0, timeout_seconds=10),
    )
    context = dataclasses.replace(env.context, **model_fields(settings, nlu))
    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "c.sqlite")) as saver:
        yield Agent(router.build(saver), context)
