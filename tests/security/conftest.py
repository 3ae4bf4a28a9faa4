"""Attack-suite set-up: the assistant on a fresh demo store, with the offline or the gullible model, a
sandbox whose requests are recorded (to count writes), and records in the test's own folder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.context import AgentContext
from agent.graphs import router
from agent.models.intents import NLU
from agent.models.offline import OfflineChatModel
from agent.persistence.records import AgentRecords, open_private_records
from agent.runtime import Agent
from agent.store.capabilities import FULL_ACCESS
from agent.store.connections import Connection
from agent.tools.context import StorePolicy, ToolContext
from bigcommerce import AsyncBigCommerce
from bigcommerce.money import MoneyFormat
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding
from ingest.sync import sync_catalog
from ingest.vectors import ProductIndex, chroma_client
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.state import SandboxStore
from tests.tools.conftest import NOW

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
def make_rig(tmp_path: Path, embedder: MiniLMEmbedding, nlu: NLU) -> Callable[..., Any]:
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
        connection = Connection(
            store_hash=DEMO_STORE_HASH,
            api_url=API,
            name="Knockout Fitness Supply",
            secure_url="https://knockout-fitness.example",
            money=MoneyFormat(),
            timezone="America/Chicago",
            scopes=dict(FULL_ACCESS),
        )
        sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            if real_sleep:
                await asyncio.sleep(seconds)

        options: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        client = AsyncBigCommerce(
            DEMO_STORE_HASH,
            FULL_TOKEN,
            base_url=API,
            transport=httpx.ASGITransport(app=recorder),
            sleep=sleep,
            max_retries=retries,
            **options,
        )
        records = await open_private_records(DEMO_STORE_HASH, tmp_path / "agent.sqlite")
        async with client:
            ctx = ToolContext(client, connection, records, policy=policy or StorePolicy(), clock=lambda: NOW)
            if index:
                vectors = ProductIndex(chroma_client(path=tmp_path / "chroma"), DEMO_STORE_HASH, embedder)
                catalog = CatalogContext(storefront_url=connection.secure_url, money=connection.money)
                await sync_catalog(client, vectors, tmp_path / "state", catalog)
                ctx.index = vectors
            context = AgentContext(
                tools=ctx,
                model=model or OfflineChatModel(nlu=nlu),
                nlu=nlu,
                store_name="Knockout Fitness Supply",
            )
            async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "checkpoints.sqlite")) as saver:
                recorder.requests.clear()
                yield Rig(Agent(router.build(saver), context), sandbox, recorder, records, sleeps=sleeps)
        await records.aclose()

    return build
