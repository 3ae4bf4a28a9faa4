"""What the chat routes receive through FastAPI's dependencies (the full-stack template's ``api/deps.py``):
the server's state, the served store (after the per-client-address limit), and a thread whose secret
was checked. A route declares them as parameters, ``store: CurrentStore, thread_id: AuthorizedThread``,
and FastAPI resolves each once per request (the client limit is counted once however many use it).

Errors are the API's (API-CONTRACT.md): ``unknown_store`` 404, ``unknown_thread`` 404 (also for a wrong
secret), ``rate_limited`` 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, Header, Request

from .errors import ApiError, unknown_thread
from .state import ServedStore, ServerState

SECRET_HEADER = "X-Thread-Secret"
SecretHeader = Annotated[str | None, Header(alias=SECRET_HEADER, description="the thread's secret")]


async def server_state(request: Request) -> ServerState:
    """The state of this ``bcagent serve`` process (``app.state.server``). Async only so that FastAPI
    calls it on the event loop rather than in its thread pool."""
    server = request.app.state.server
    assert isinstance(server, ServerState)
    return server


Server = Annotated[ServerState, Depends(server_state)]


def retry_after(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(
        429,
        "rate_limited",
        f"Too many requests; try again in {wait} second{'s' if wait != 1 else ''}.",
        {"Retry-After": str(wait)},
    )


async def rate_limit(server: ServerState, key: str, limit: int) -> None:
    """Count one request against ``key``; 429 when its limit per minute is spent."""
    wait = await server.limiter.hit(key, limit)
    if wait is not None:
        raise retry_after(wait)


def client_address(request: Request) -> str:
    """The client's address: the TCP peer's, or the one a trusted proxy forwarded
    (``BCAGENT_TRUSTED_PROXIES``, applied by uvicorn's proxy-headers handling before the app runs)."""
    return request.client.host if request.client else "unknown"


async def current_store(request: Request, store_hash: str, server: Server) -> ServedStore:
    """The served store of the path's ``{store_hash}``, after the per-client-address limit."""
    await rate_limit(server, f"client:{client_address(request)}", server.settings.serve.rate_per_client)
    await server.follow()  # a disconnect or a switch made a moment ago applies to this request
    return server.store(store_hash)


CurrentStore = Annotated[ServedStore, Depends(current_store)]


async def authorized_thread(store: CurrentStore, thread_id: str, secret: SecretHeader = None) -> str:
    """The path's ``{thread_id}``, once the ``X-Thread-Secret`` header opens it."""
    if not await store.threads.check(thread_id, secret):
        raise unknown_thread()
    return thread_id


AuthorizedThread = Annotated[str, Depends(authorized_thread)]
