"""Attack-suite set-up: the assistant on a fresh demo store (its run context from the one test fixture,
``open_store``), with the offline or the gullible model, a sandbox whose requests are recorded (to count
writes), and records in the test's own folder."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.assembly import ClientOptions
from agent.graphs import router
from agent.models.intents import NLU
from agent.persistence.records import AgentRecords
from agent.runtime import Agent
from agent.store.connections import Connection
from agent.tools.context import StorePolicy
from bigcommerce import AsyncBigCommerce
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, generate_demo_store
from sandbox.state import SandboxStore

API = "http://sandbox.test"


class Recorder:
    """An ASGI wrapper that remembers every request (method, path) the sandbox received."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[tuple[str, str]] = []
        self.statuses: list[int] = []
        self.lose_answer_to: set[tuple[str, str]] = set()  # handled, then the connection "drops"
        self.time_out = False  # every API request times out (ASGITransport has no clock of its own)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        request = (scope["method"], scope["path"])
        self.requests.append(request)
        if self.time_out and "/stores/" in scope["path"]:
            raise httpx.ReadTimeout("the store did not answer in time")
        if request in self.lose_answer_to:
            self.lose_answer_to.discard(request)

            async def swallow(message: Any) -> None:
                return None

            await self.app(scope, receive, swallow)
            raise httpx.ReadError("connection dropped after the request was handled")

        async def noting(message: Any) -> None:
            if message.get("type") == "http.response.start":
                self.statuses.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, noting)

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m in ("PUT", "POST", "DELETE") and "/stores/" in p]


@dataclass
class Rig:
    agent: Agent
    sandbox: Sandbox
    recorder: Recorder
    records: AgentRecords
    replies: list[str] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)  # what the client was told to wait (not waited)

    async def faults(self, **settings: Any) -> None:
        """``PUT /__sandbox__/faults`` on the sandbox, as a test harness would."""
        transport = httpx.ASGITransport(app=self.sandbox)
        async with httpx.AsyncClient(transport=transport, base_url=API) as admin:
            answer = await admin.put("/__sandbox__/faults", json=settings)
            answer.raise_for_status()

    @property
    def store(self) -> SandboxStore:
        return self.sandbox.store

    async def say(self, thread: str, text: str, **kwargs: Any) -> Any:
        turn = await self.agent.send(thread, text, **kwargs)
        self.replies.extend(turn.replies)
        return turn


@pytest.fixture(scope="session")
def nlu(embedder: MiniLMEmbedding) -> NLU:
    return NLU(embedder)


RigFactory = Callable[..., Any]


@pytest.fixture
def make_rig(tmp_path: Path, embedder: MiniLMEmbedding, open_store: Any) -> Callable[..., Any]:
    """``async with make_rig(model=..., plant=fn, index=True) as rig``: ``plant`` edits the store data."""

    @asynccontextmanager
    async def build(
        model: BaseChatModel | None = None,
        plant: Callable[[dict[str, Any]], None] | None = None,
        index: bool = False,
        policy: StorePolicy | None = None,
        retries: int = 1,
        timeout: float | None = None,
        sandbox_options: dict[str, Any] | None = None,
        real_sleep: bool = False,
        products: int = 40,
    ) -> AsyncIterator[Rig]:
        data = generate_demo_store(products, seed=0)
        if plant is not None:
            plant(data)
        sandbox = Sandbox([SandboxStore.from_data(data)], **(sandbox_options or {"quota": 10**6}))
        recorder = Recorder(sandbox)
        sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            if real_sleep:
                await asyncio.sleep(seconds)

        async def synced(client: AsyncBigCommerce, connection: Connection) -> ProductIndex | None:
            if not index:
                return None
            vectors = ProductIndex(chroma_client(path=tmp_path / "chroma"), DEMO_STORE_HASH, embedder)
            catalog = CatalogContext(storefront_url=connection.secure_url, money=connection.money)
            await sync_catalog(client, vectors, tmp_path / "state", catalog)
            return vectors

        async with open_store(
            recorder,
            folder=tmp_path,  # records in the test's own folder
            policy=policy,
            index=synced,
            client=ClientOptions(sleep=sleep, max_retries=retries, timeout=timeout),
        ) as context:
            if model is not None:
                context = dataclasses.replace(context, model=model)
            async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "checkpoints.sqlite")) as saver:
                recorder.requests.clear()
                agent = Agent(router.build(saver), context)
                yield Rig(agent, sandbox, recorder, context.tools.records, sleeps=sleeps)

    return build
