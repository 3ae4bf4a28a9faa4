"""A real ``bcagent serve`` on loopback for the browser tests: the sandbox with the demo store and an XSS
store (product name and description full of markup), both connected with the storefront app that signs
Current Customer JWTs, served in demo mode (the sandbox's storefront routes proxied on the server's
origin) with the offline model."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from agent.ports import free_port
from agent.server import app as serve_app
from agent.server import run as serve_run
from agent.settings import ServeSettings, Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret, StorefrontApp
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

XSS_STORE_HASH = "xssstore"
XSS_NAME = 'Gloves <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>'
XSS_DESCRIPTION = (
    '<p>Padded <img src=x onerror="window.__xss=3"> &lt;script&gt;window.__xss=4&lt;/script&gt;</p>'
    "<script>window.__xss=5</script>"
)


def xss_store() -> SandboxStore:
    data = generate_demo_store(20, seed=0)
    data["store"]["id"] = XSS_STORE_HASH
    data["store"]["name"] = 'Markup <b onmouseover="window.__xss=6">Store</b>'
    product = next(p for p in data["products"] if p["id"] == 1)
    product["name"] = XSS_NAME
    product["description"] = XSS_DESCRIPTION
    return SandboxStore.from_data(data)


@dataclass
class Served:
    base_url: str
    sandbox_url: str
    demo: SandboxStore
    xss: SandboxStore

    def thread(self, store_hash: str, thread_id: str, secret: str) -> dict[str, Any]:
        answer = httpx.get(
            f"{self.base_url}/v1/stores/{store_hash}/threads/{thread_id}", headers={"X-Thread-Secret": secret}
        )
        answer.raise_for_status()
        data: dict[str, Any] = answer.json()
        return data


def serve_stores(home: Path, embedder: Any) -> Iterator[Served]:
    demo = SandboxStore.from_data(generate_demo_store(20, seed=0))
    xss = xss_store()
    connections = ConnectionStore(home)
    with SandboxServer(Sandbox([demo, xss], quota=10**6)) as sandbox:
        for store_hash in (DEMO_STORE_HASH, XSS_STORE_HASH):
            # in a thread of its own: Playwright's sync API keeps an event loop running in this one
            with ThreadPoolExecutor(1) as pool:
                pool.submit(
                    asyncio.run, connect_store(store_hash, Secret(FULL_TOKEN), sandbox.base_url, connections)
                ).result()
            connections.save_storefront_app(
                store_hash, StorefrontApp(DEMO_APP_CLIENT_ID, Secret(DEMO_APP_CLIENT_SECRET))
            )
        port = free_port()
        settings = Settings(home=home, serve=ServeSettings(port=port))
        options = serve_app.ServeOptions(embedder=embedder, demo_storefront=sandbox.base_url)
        app = serve_app.create_app(settings, options=options)
        with serve_run.BackgroundServer(app, port=port) as server:
            yield Served(server.base_url, sandbox.base_url, demo, xss)
