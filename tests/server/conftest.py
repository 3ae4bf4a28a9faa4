"""Server test set-up: a sandbox demo store on loopback, connected and indexed as `bcagent connect` and
`bcagent ingest` do, and `bcagent serve` on a real uvicorn on a free loopback port. One per module."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.server.app import ServeOptions, create_app
from agent.server.run import BackgroundServer
from agent.settings import HandoffSettings, ServeSettings, Settings
from agent.store.catalog import catalog_runtime
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret, StorefrontApp
from ingest.sync import sync_catalog
from sandbox.app import Sandbox
from sandbox.demo import (
    DEMO_APP_CLIENT_ID,
    DEMO_APP_CLIENT_SECRET,
    DEMO_STORE_HASH,
    FULL_TOKEN,
    generate_demo_store,
)
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.conftest import SMALL_FULL_TOKEN, SMALL_STORE

STOREFRONT = "https://knockout-fitness.example"
ADMIN_TOKEN = "test-admin-token-0000000000000001"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SMALL_HASH = "smallshop"
SMALL_APP_ID = "smallappclientid000000000000001"
SMALL_APP_SECRET = "smallappclientsecret0000000000000000001"


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

    def shopper_token(
        self, email: str, client_id: str = DEMO_APP_CLIENT_ID, store: str = DEMO_STORE_HASH
    ) -> str:
        """Sign in at the sandbox's storefront and fetch the Current Customer JWT, as the widget does."""
        with httpx.Client(base_url=self.sandbox.base_url) as storefront:
            signed_in = storefront.post(f"/__sandbox__/storefront/{store}/login", json={"email": email})
            assert signed_in.status_code == 200, signed_in.text
            answer = storefront.get("/customer/current.jwt", params={"app_client_id": client_id})
            assert answer.status_code == 200, answer.text
            return answer.text


STORES = {
    DEMO_STORE_HASH: (FULL_TOKEN, DEMO_APP_CLIENT_ID, DEMO_APP_CLIENT_SECRET),
    SMALL_HASH: (SMALL_FULL_TOKEN, SMALL_APP_ID, SMALL_APP_SECRET),
}


async def _prepare(home: Path, sandbox_url: str, embedder: Any, hashes: list[str]) -> Settings:
    settings = Settings(home=home)
    connections = ConnectionStore(home)
    for store_hash in hashes:
        token, app_id, app_secret = STORES[store_hash]
        await connect_store(store_hash, Secret(token), sandbox_url, connections)
        connections.save_storefront_app(store_hash, StorefrontApp(app_id, Secret(app_secret)))
        async with catalog_runtime(settings, store_hash, embedder) as runtime:
            await sync_catalog(runtime.client, runtime.index, runtime.folder, runtime.context, full=True)
    return settings


def small_store() -> SandboxStore:
    data = json.loads(SMALL_STORE.read_text())
    data["apps"] = [{"client_id": SMALL_APP_ID, "client_secret": SMALL_APP_SECRET, "name": "small widget"}]
    return SandboxStore.from_data(data, "small store")


@contextmanager
def serve_stores(
    home: Path,
    embedder: Any,
    small: bool = False,
    options: ServeOptions | None = None,
    handoff: HandoffSettings | None = None,
    **limits: Any,
) -> Iterator[Served]:
    """The demo store (40 products), and with ``small`` the small store too, behind one `bcagent serve`."""
    stores = [SandboxStore.from_data(generate_demo_store(40, seed=0))] + ([small_store()] if small else [])
    sandbox = Sandbox(stores, quota=10**6)
    hashes = [s.store_hash for s in stores]
    with SandboxServer(sandbox) as sandbox_server:
        settings = asyncio.run(_prepare(home, sandbox_server.base_url, embedder, hashes))
        limits.setdefault("admin_token", ADMIN_TOKEN)
        settings = dataclasses.replace(settings, serve=ServeSettings(port=0, **limits))
        if handoff is not None:
            settings = dataclasses.replace(settings, handoff=handoff)
        options = options or ServeOptions()
        options.embedder = embedder
        app = create_app(settings, hashes, options)
        with BackgroundServer(app) as server:
            yield Served(sandbox_server, server, settings, app)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Served]:
    """The demo store and the small store behind one server, shared by the modules that keep the
    default limits."""
    with serve_stores(tmp_path_factory.mktemp("home"), embedder, small=True) as served:
        yield served


def parse_events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """Server-Sent Events as (name, decoded data), in order."""
    name, data = None, []
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data.append(line[len("data: ") :])
        elif line == "" and name is not None:
            yield name, json.loads("\n".join(data))
            name, data = None, []


STREAM = {"Accept": "text/event-stream"}
