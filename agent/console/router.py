"""The console's routes as one router for ``bcagent serve`` (``agent.server.app.extra_routers``): the app
callbacks, the pages under ``/admin`` and their one script. Its lifespan opens the console's state (users,
sessions) and waits for the syncs it started when the server stops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import APIRouter, FastAPI
from starlette.responses import Response

from ..persistence.console import open_console_state
from . import (
    app_callbacks,
    connecting,
    conversation_notes,
    inbox,
    pages,
    recording_export,
    setup_forms,
    setup_webhooks,
)
from .config import ConsoleConfig
from .context import ConsoleContext

if TYPE_CHECKING:
    from ..server.state import ServerState

SCRIPT = files("agent.console").joinpath("static/console.js").read_bytes()


def console_router(
    server: ServerState,
    config: ConsoleConfig | None = None,
    *,
    embedder: Any = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> APIRouter:
    """The console for the stores ``server`` knows; configuration from the environment unless given.
    ``embedder``: the embedding model its catalog syncs use (default: their own); ``transport``: how it
    reaches BigCommerce (tests)."""
    settings = server.settings
    config = config or ConsoleConfig.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await open_console_state(settings)
        console = ConsoleContext(
            settings,
            config,
            state,
            transport=getattr(app.state, "console_transport", None),
            embedder=embedder,
        )
        app.state.console = console
        if config.grouping_interval > timedelta(0):  # the insights' unanswered questions, embedded ahead
            grouping = asyncio.create_task(
                console.question_grouper(server).keep_grouping(config.grouping_interval)
            )
            console.tasks.add(grouping)
            grouping.add_done_callback(console.tasks.discard)
        try:
            yield
        finally:
            for task in list(console.tasks):
                task.cancel()
            await asyncio.gather(*console.tasks, return_exceptions=True)
            await state.aclose()

    router = APIRouter(lifespan=lifespan, include_in_schema=False)
    router.include_router(app_callbacks.router)
    router.include_router(pages.router)
    router.include_router(inbox.router)
    router.include_router(connecting.router)
    router.include_router(setup_forms.router)
    router.include_router(setup_webhooks.router)
    router.include_router(conversation_notes.router)
    router.include_router(recording_export.router)

    @router.get("/admin/static/console.js")
    async def console_script() -> Response:
        return Response(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})

    return router
