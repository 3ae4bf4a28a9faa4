"""Server test set-up: a sandbox demo store on loopback, connected and indexed as `bcagent connect` and
`bcagent ingest` do, and `bcagent serve` on a real uvicorn on a free loopback port. One per module."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.server.app import ServeOptions, create_app
from agent.server.run import BackgroundServer
from agent.settings import ServeSettings, Settings
from agent.store.catalog import catalog_runtime
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret, StorefrontApp
from bigcommerce.sandbox.app import Sandbox
from bigcommerce.sandbox.demo import (
    DEMO_APP_CLIENT_ID,
    DEMO_APP_CLIENT_SECRET,
    DEMO_STORE_HASH,
    FULL_TOKEN,
    generate_demo_store,
)
from bigcommerce.sandbox.server import SandboxServer
from bigcommerce.sandbox.state import SandboxStore
from ingest.sync import sync_catalog

STOREFRONT = "https://knockout-fitness.example"


@dataclass
class Served:
    sandbox: SandboxServer
    server: BackgroundServer
    settings: Settings
    app: Any

    @property
    def url(self) -> str:
        return self.server.base_url

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)

    def thread(self, client: httpx.Client, store: str = DEMO_STORE_HASH) -> tuple[str, dict[str, str]]:
        answer = client.post(f"/v1/stores/{store}/threads", json={})
        assert answer.status_code == 201, answer.text
        body = answer.json()
        return body["thread_id"], {"X-Thread-Secret": body["secret"]}

    def messages(self, thread_id: str, store: str = DEMO_STORE_HASH) -> str:
        return f"/v1/stores/{store}/threads/{thread_id}/messages"

    def shopper_token(self, email: str, client_id: str = DEMO_APP_CLIENT_ID) -> str:
        """Sign in at the sandbox's storefront and fetch the Current Customer JWT, as the widget does."""
        with httpx.Client(base_url=self.sandbox.base_url) as storefront:
            signed_in = storefront.post(f"/__sandbox__/storefront/{DEMO_STORE_HASH}/login", json={"email": email})
            assert signed_in.status_code == 200, signed_in.text
            answer = storefront.get("/customer/current.jwt", params={"app_client_id": client_id})
            assert answer.status_code == 200, answer.text
            return answer.text


async def _prepare(home: Path, sandbox_url: str, embedder: Any) -> Settings:
    settings = Settings(home=home)
    connections = ConnectionStore(home)
    await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), sandbox_url, connections)
    connections.save_storefront_app(
        DEMO_STORE_HASH, StorefrontApp(DEMO_APP_CLIENT_ID, Secret(DEMO_APP_CLIENT_SECRET))
    )
    async with catalog_runtime(settings, DEMO_STORE_HASH, embedder) as runtime:
        await sync_catalog(runtime.client, runtime.index, runtime.folder, runtime.context, full=True)
    return settings


@contextmanager
def serve_demo_store(home: Path, embedder: Any, products: int = 40, **limits: Any) -> Iterator[Served]:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(products, seed=0))], quota=10**6)
    with SandboxServer(sandbox) as sandbox_server:
        settings = asyncio.run(_prepare(home, sandbox_server.base_url, embedder))
        settings = dataclasses.replace(settings, serve=ServeSettings(port=0, **limits))
        app = create_app(settings, [DEMO_STORE_HASH], ServeOptions(embedder=embedder))
        with BackgroundServer(app) as server:
            yield Served(sandbox_server, server, settings, app)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Served]:
    with serve_demo_store(tmp_path_factory.mktemp("home"), embedder) as served:
        yield served
