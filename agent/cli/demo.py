"""The demo: a sandbox store on loopback, connected, its catalog synced, and a chat with the assistant.

Everything is local and offline: the store is the sandbox's generated demo shop, the model is the
offline dialogue model. State lives in its own folder (``$BCAGENT_HOME/demo``).
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TextIO

from bigcommerce.sandbox.app import Sandbox
from bigcommerce.sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
from bigcommerce.sandbox.run import SandboxOptions, load_store
from bigcommerce.sandbox.server import SandboxServer

from ..runtime import open_agent
from ..settings import Settings
from ..store.catalog import run_ingest
from ..store.connect import connect_store
from ..store.connections import ConnectionStore, Secret
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


async def run_demo(
    settings: Settings, options: SandboxOptions, progress: object = None, stdin: TextIO | None = None
) -> int:
    demo_settings = dataclasses.replace(settings, home=settings.home / "demo")
    store = load_store(options)
    sandbox = Sandbox([store], quota=options.quota)
    with SandboxServer(sandbox, port=options.port if options.port != 8377 else 0) as server:
        print(
            f"Sandbox store {store.info['name']!r} running at {server.base_url} (a local stand-in for BigCommerce)."
        )
        connections = ConnectionStore(demo_settings.home)
        await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), server.base_url, connections)
        print("Connected. Syncing the catalog into the vector store...", flush=True)
        report = await run_ingest(demo_settings, DEMO_STORE_HASH, full=False, progress=progress)  # type: ignore[arg-type]
        print(report.lines()[0])
        print(TRY, flush=True)
        async with open_agent(demo_settings, DEMO_STORE_HASH) as agent:
            session = ChatSession(agent, out=sys.stdout)
            return await session.run(stdin)
