"""The demo: a sandbox store on loopback, connected, its catalog synced, and the assistant served by
`bcagent serve` with the demo page at ``/`` (or, with ``--terminal``, a chat in this terminal).

Everything is local and offline: the store is the sandbox's generated demo shop, the model is the
offline dialogue model. State lives in its own folder (``$BCAGENT_HOME/demo``). The sandbox also plays
the storefront: the demo store's app signs shoppers' Current Customer JWTs, and the chat server proxies
the storefront sign-in and ``/customer/current.jwt`` to it, so the demo page on the server's own origin
can sign a shopper in. Ctrl-C stops the server (after the turn in flight) and then the sandbox.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shlex
import shutil
import sys
from pathlib import Path
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


SANDBOX_PORT = 8377  # the port the README's sandbox examples use


def demo_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, home=settings.home / "demo")


def sandbox_port(host: str, port: int) -> tuple[int, str | None]:
    """The port the demo's sandbox listens on: the one asked for (default 8377, the README's); when the
    default is taken, a free one and a note saying which port to use instead."""
    if port != SANDBOX_PORT:
        return port, None
    try:
        check_port(host, port)
    except OSError:
        return (
            0,
            f"Port {SANDBOX_PORT} is taken, so the sandbox took another: use its port in the README's examples.",
        )
    return port, None


def bcagent_command() -> str:
    """How to run `bcagent` from this shell: the bare name when it is on PATH, else the script beside
    this interpreter (``.venv/bin/bcagent``), else ``python -m agent.cli``."""
    if shutil.which("bcagent"):
        return "bcagent"
    beside = Path(sys.executable).parent / "bcagent"
    if beside.is_file() and os.access(beside, os.X_OK):
        try:
            return shlex.quote(str(beside.relative_to(Path.cwd())))
        except ValueError:
            return shlex.quote(str(beside))
    return f"{shlex.quote(sys.executable)} -m agent.cli"


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
    port, note = sandbox_port("127.0.0.1", options.port)
    with SandboxServer(sandbox, port=port) as server:
        print(
            f"Sandbox store {store.info['name']!r} running at {server.base_url} (a local stand-in for BigCommerce)."
        )
        if note:
            print(note)
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
    command = bcagent_command()
    announced: list[asyncio.Task[None]] = []

    async def announce() -> None:  # the address only once the server answers it
        await _answering(base)
        print(
            f"\nThe demo page:   {base}/   (API docs at {base}/docs)\n"
            f"Sign in as a demo shopper: POST {base}/__sandbox__/storefront/{DEMO_STORE_HASH}/login "
            '{"email": "jane.doe@example.com"}\n'
            f"Terminal chat:   BCAGENT_HOME={shlex.quote(str(settings.home))} {command} chat --store "
            f"{DEMO_STORE_HASH}   (while this runs; it uses the demo's own folder), or `{command} demo --terminal`\n"
            f"{TRY}Ready: {base}/   Ctrl-C stops the server and the sandbox.",
            flush=True,
        )

    def ready() -> None:
        announced.append(asyncio.get_running_loop().create_task(announce()))

    app = create_app(settings, [DEMO_STORE_HASH], ServeOptions(demo_storefront=sandbox_url, on_ready=ready))
    print("Loading the assistant (the address follows once it answers)...", flush=True)
    await serve(app, host, port)
    for task in announced:
        task.cancel()
    return 0


async def _answering(base: str, timeout: float = 120.0) -> None:
    """Wait until ``base``/readyz answers 200 (uvicorn binds its port after the app's start-up)."""
    import httpx

    async with httpx.AsyncClient(timeout=2.0) as http:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            try:
                if (await http.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
