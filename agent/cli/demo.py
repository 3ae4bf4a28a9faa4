"""The demo: a sandbox store on loopback, connected, its catalog synced, and the assistant served by
`bcagent serve` with the demo page at ``/`` (or, with ``--terminal``, a chat in this terminal).

Everything is local and offline: the store is the sandbox's generated demo shop, the model is the
offline dialogue model. State lives in its own folder (``$BCAGENT_HOME/demo``). The sandbox also plays
the storefront: the demo store's app signs shoppers' Current Customer JWTs, and the chat server proxies
the storefront sign-in and ``/customer/current.jwt`` to it, so the demo page on the server's own origin
can sign a shopper in. Ctrl-C stops the server (after the turn in flight) and then the sandbox.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TextIO

from sandbox.app import Sandbox
from sandbox.demo import DEMO_APP_CLIENT_ID, DEMO_APP_CLIENT_SECRET, DEMO_STORE_HASH, FULL_TOKEN
from sandbox.run import SandboxOptions, load_store
from sandbox.server import SandboxServer

from ..assembly import open_agent
from ..ports import check_port
from ..settings import Settings
from ..store.catalog import run_ingest
from ..store.connect import connect_store
from ..store.connections import ConnectionStore, Secret, StorefrontApp
from .terminal import ChatSession

TRY = """Try the example questions (the demo store's data is listed in the README):
  Where is my order #12345?            (the email is jane.doe@example.com)
  Cancel my order 12346
  What sizes do the Premium Boxing Gloves come in?
  Are the Premium Boxing Gloves in stock in 16oz blue?
  How much are the Premium Boxing Gloves?
  Is the code SAVE20 still valid?
  What's the balance on gift card GIFT-DEMO-0001?
  Are there any sales on right now?
"""


def demo_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, home=settings.home / "demo")


async def run_demo(
    settings: Settings,
    options: SandboxOptions,
    progress: object = None,
    stdin: TextIO | None = None,
    *,
    terminal: bool = True,
) -> int:
    """Set the demo up, then chat in the terminal (``terminal``) or serve the chat API until Ctrl-C."""
    local = demo_settings(settings)
    if not terminal:
        check_port(local.serve.host, local.serve.port)
    store = load_store(options)
    sandbox = Sandbox([store], quota=options.quota)
    with SandboxServer(sandbox, port=options.port if options.port != 8377 else 0) as server:
        print(
            f"Sandbox store {store.info['name']!r} running at {server.base_url} (a local stand-in for BigCommerce)."
        )
        connections = ConnectionStore(local.home)
        await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, connections)
        connections.save_storefront_app(
            DEMO_STORE_HASH, StorefrontApp(DEMO_APP_CLIENT_ID, Secret(DEMO_APP_CLIENT_SECRET))
        )
        print("Connected. Syncing the catalog into the vector store...", flush=True)
        report = await run_ingest(local, DEMO_STORE_HASH, full=False, progress=progress)  # type: ignore[arg-type]
        print(report.lines()[0])
        if terminal:
            print(TRY, flush=True)
            async with open_agent(local, DEMO_STORE_HASH) as agent:
                session = ChatSession(agent, out=sys.stdout)
                return await session.run(stdin)
        return await _serve(local, server.base_url)


async def _serve(settings: Settings, sandbox_url: str) -> int:
    from ..server.app import ServeOptions, create_app
    from ..server.run import serve

    host, port = settings.serve.host, settings.serve.port
    base = f"http://{host}:{port}"
    options = ServeOptions(demo_storefront=sandbox_url, on_ready=lambda: print(f"Ready: {base}/", flush=True))
    app = create_app(settings, [DEMO_STORE_HASH], options)
    print(
        f"\nThe demo page:   {base}/   (API docs at {base}/docs)\n"
        f"Sign in as a demo shopper: POST {base}/__sandbox__/storefront/{DEMO_STORE_HASH}/login "
        '{"email": "jane.doe@example.com"}\n'
        f"Terminal chat:   BCAGENT_HOME={settings.home} bcagent chat   (while this runs), "
        "or `bcagent demo --terminal`\n"
        f"{TRY}Loading the assistant... Ctrl-C stops the server and the sandbox.",
        flush=True,
    )
    await serve(app, host, port)
    return 0
