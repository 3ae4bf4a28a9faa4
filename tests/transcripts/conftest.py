"""Transcript test set-up: the assistant with the offline model on a fresh sandbox demo store, its
client's transport capturing BigCommerce traffic, and turns recorded into a SQLite file per test."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.graphs import router
from agent.models.intents import NLU
from agent.models.offline import OfflineChatModel
from agent.persistence.transcripts import TranscriptStore, open_transcript_file
from agent.runtime import Agent
from agent.store.connections import ConnectionStore, Secret
from agent.transcripts import CapturingTransport, Limits, Recorder
from bigcommerce import AsyncBigCommerce
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
from tests.graphs import conftest as graph_fixtures
from tests.tools.conftest import ToolsEnv

env = graph_fixtures.env
tools_embedder = graph_fixtures.tools_embedder
nlu = graph_fixtures.nlu


async def _no_sleep(seconds: float) -> None:
    return None


@dataclass
class Recorded:
    agent: Agent
    transcripts: TranscriptStore
    checkpointer: Any
    env: ToolsEnv
    path: Path


async def capturing_client(env: ToolsEnv) -> AsyncBigCommerce:
    """The tools' client again, its transport wrapped as ``open_agent`` wraps it."""
    client = AsyncBigCommerce(
        DEMO_STORE_HASH,
        FULL_TOKEN,
        base_url="http://sandbox.test",
        transport=CapturingTransport(httpx.ASGITransport(app=env.sandbox)),
        sleep=_no_sleep,
        max_retries=1,
    )
    env.ctx.client = client
    return client


async def build_recorded(
    env: ToolsEnv,
    model: Any,
    transcripts: TranscriptStore,
    saver: Any,
    path: Path,
    *,
    llm: Any = None,
    nlu: NLU | None = None,
    limits: Limits | None = None,
    model_name: str = "offline",
) -> Recorded:
    context = dataclasses.replace(env.context, tools=env.ctx, model=model, nlu=nlu, llm=llm)
    recorder = Recorder(
        transcripts, DEMO_STORE_HASH, model_name=model_name, secrets=[FULL_TOKEN], limits=limits
    )
    return Recorded(Agent(router.build(saver), context, recorder), transcripts, saver, env, path)


@pytest.fixture
async def indexed(env: ToolsEnv, tools_embedder: MiniLMEmbedding, tmp_path: Path) -> ToolsEnv:
    index = ProductIndex(chroma_client(path=tmp_path / "chroma"), DEMO_STORE_HASH, tools_embedder)
    context = CatalogContext(storefront_url=env.ctx.connection.secure_url, money=env.ctx.connection.money)
    await sync_catalog(env.ctx.client, index, tmp_path / "state", context)
    env.ctx.index = index
    return env


@pytest.fixture
def home(env: ToolsEnv, tmp_path: Path) -> Path:
    """A BCAGENT_HOME with the demo store connected, as `bcagent connect` leaves it."""
    home = tmp_path / "home"
    ConnectionStore(home).save(env.ctx.connection, Secret(FULL_TOKEN))
    return home


@pytest.fixture
async def recorded(indexed: ToolsEnv, nlu: NLU, home: Path) -> AsyncIterator[Recorded]:
    """Turns recorded where `bcagent transcripts` looks: the store's folder under ``home``."""
    client = await capturing_client(indexed)
    folder = ConnectionStore(home).folder(DEMO_STORE_HASH)
    path = folder / "transcripts.sqlite"
    transcripts = await open_transcript_file(path)
    async with client, AsyncSqliteSaver.from_conn_string(str(folder / "checkpoints.sqlite")) as saver:
        yield await build_recorded(indexed, OfflineChatModel(nlu=nlu), transcripts, saver, path, nlu=nlu)
    await transcripts.aclose()
