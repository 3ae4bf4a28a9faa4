"""A ``bcagent serve`` with the console as a BigCommerce single-click app, over real sockets, for the
console tests and the browser tests: the sandbox plays the control panel and BigCommerce's OAuth server
(three stores: the demo store, another store, and a store connected before serve starts, so it has an
agent to chat with)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.console.router import console_router
from agent.ports import free_port
from agent.server import app as serve_app
from agent.server import run as serve_run
from agent.settings import ServeSettings, Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore

CLIENT_ID = "bcagent-console-test-app"
CLIENT_SECRET = "console-test-client-secret-0123456789abcdef"
OTHER_HASH = "otherstore"
SERVED_HASH = "servedshop"
ADMIN_TOKEN = "console-test-admin-token-0123456789abcdef"  # BCAGENT_ADMIN_TOKEN: the operator
APP_SCOPES = [
    "store_v2_information_read_only",
    "store_v2_orders",
    "store_v2_products_read_only",
    "store_v2_customers_read_only",
    "store_v2_marketing_read_only",
    "store_v2_transactions_read_only",
    "store_v2_content",
]


@dataclass
class Console:
    base_url: str
    sandbox_url: str
    home: Path
    settings: Settings
    sandbox: Sandbox
    app: Any = None  # the served app (its state: the served stores, the catalog's freshness)

    def install(self, store_hash: str, user_id: int = 1, email: str = "") -> httpx.Client:
        """A browser of a merchant who installs the app on ``store_hash``: follows the control panel's
        redirects to the console, keeping the session cookie."""
        browser = httpx.Client(follow_redirects=True, timeout=60)
        query = f"?user_id={user_id}" + (f"&user_email={email}" if email else "")
        answer = browser.get(
            f"{self.sandbox_url}/__sandbox__/control-panel/{store_hash}/apps/{CLIENT_ID}/install{query}"
        )
        assert answer.status_code == 200, answer.text
        assert str(answer.url).endswith(f"/admin/stores/{store_hash}")
        return browser


def _store(store_hash: str, products: int) -> SandboxStore:
    data = generate_demo_store(products, seed=0)
    data["store"]["id"] = store_hash
    data["store"]["name"] = f"Shop {store_hash}"
    return SandboxStore.from_data(data)


def serve_console(home: Path, embedder: Any) -> Iterator[Console]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    demo = SandboxStore.from_data(generate_demo_store(20, seed=0))
    sandbox = Sandbox([demo, _store(OTHER_HASH, 14), _store(SERVED_HASH, 14)], quota=10**6)
    with pytest.MonkeyPatch.context() as env, SandboxServer(sandbox) as sandbox_server:
        env.setenv("BCAGENT_BC_CLIENT_ID", CLIENT_ID)
        env.setenv("BCAGENT_BC_CLIENT_SECRET", CLIENT_SECRET)
        env.setenv("BCAGENT_PUBLIC_URL", base_url)
        env.setenv("BCAGENT_BC_LOGIN_URL", sandbox_server.base_url)
        env.setenv("BCAGENT_BC_API_URL", sandbox_server.base_url)
        env.setenv("BCAGENT_ADMIN_TOKEN", ADMIN_TOKEN)
        profile = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_callback": f"{base_url}/auth",
            "load_callback": f"{base_url}/load",
            "uninstall_callback": f"{base_url}/uninstall",
            "remove_user_callback": f"{base_url}/remove_user",
            "scopes": APP_SCOPES,
        }
        assert (
            httpx.post(
                f"{sandbox_server.base_url}/__sandbox__/app-profiles", json=profile, timeout=60
            ).status_code
            == 201
        )
        connections = ConnectionStore(home)
        with ThreadPoolExecutor(1) as pool:  # a store connected before serve starts, with a chat to read
            pool.submit(
                asyncio.run,
                connect_store(SERVED_HASH, Secret(FULL_TOKEN), sandbox_server.base_url, connections),
            ).result()
        settings = Settings(home=home, serve=ServeSettings(port=port))
        options = serve_app.ServeOptions(
            embedder=embedder, routers=[lambda server: console_router(server, embedder=embedder)]
        )
        app = serve_app.create_app(settings, options=options)
        with serve_run.BackgroundServer(app, port=port) as server:
            assert server.base_url == base_url
            yield Console(base_url, sandbox_server.base_url, home, settings, sandbox, app)
