"""Freshness test set-up: the small store in a sandbox on loopback, connected under a temporary home,
and the webhook router mounted on a small FastAPI app of the test's own, served by a real uvicorn on
loopback in the test's event loop (the FreshnessService starts and stops in the app's lifespan)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from agent.server.webhooks import WEBHOOK_PATH, webhook_router
from agent.settings import Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from agent.store.freshness_service import FreshnessService
from ingest.embeddings import MiniLMEmbedding
from sandbox.app import Sandbox
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN

STORE = "smallshop"


@dataclass
class Shop:
    """The sandbox store, connected under ``settings.home``."""

    sandbox: Sandbox
    base_url: str
    settings: Settings
    connections: ConnectionStore

    @property
    def store(self) -> SandboxStore:
        return self.sandbox.store

    def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = httpx.request(method, f"{self.base_url}/__sandbox__/stores/{STORE}{path}", json=body)
        assert response.status_code < 300, response.text
        return response


@pytest.fixture
def shop(small_data: dict[str, Any], tmp_path: Path) -> Iterator[Shop]:
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    with SandboxServer(sandbox) as server:
        settings = Settings(home=tmp_path / "home")
        connections = ConnectionStore(settings.home)
        asyncio.run(connect_store(STORE, Secret(SMALL_FULL_TOKEN), server.base_url, connections))
        yield Shop(sandbox, server.base_url, settings, connections)


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` (lifespan on) on a free loopback port in this event loop; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def receiver_app(service: FreshnessService) -> FastAPI:
    """What the serve app does, in small: the router mounted, the service in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(lifespan=lifespan)
    app.include_router(webhook_router(service.receiver))
    return app


@dataclass
class Running:
    service: FreshnessService
    url: str  # the webhook URL

    @property
    def store(self) -> Any:
        return self.service.stores[STORE]


@pytest.fixture
def running(shop: Shop, embedder: MiniLMEmbedding) -> Callable[..., Any]:
    """``async with running(interval=0, register=True) as run:``: the service serving webhooks."""

    @asynccontextmanager
    async def start(interval: float = 0, register: bool = True, sync: bool = True) -> AsyncIterator[Running]:
        from agent.store import hooks

        service = FreshnessService(
            shop.settings, embedder, [STORE], interval_seconds=interval, debounce_seconds=0.05
        )
        # the secret must exist before the service starts, the URL only once the port is known
        if register:
            shop.connections.save_webhook_secret(STORE, Secret("test-secret-0123456789"))
        async with serve(receiver_app(service)) as base:
            url = base + WEBHOOK_PATH
            if register:
                await hooks.register(shop.connections, STORE, url)
            run = Running(service, url)
            if sync:
                assert await run.store.scheduler.run_once() is not None
            yield run

    return start


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 60.0) -> None:
    """Wait until ``check()`` is true (the sandbox delivers from its own thread). The timeout only
    catches a hang: it is generous because a busy CI machine may take many seconds to re-embed."""
    async with asyncio.timeout(timeout):
        while True:
            result = check()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)
