"""The pages ``bcagent serve`` serves besides the API: ``/`` (the demo page, ``widget_pages.demo_page``),
``/widget.js`` (the widget with its stylesheet inlined, ``widget_pages.widget_response``) and
``/static/...`` (agent/server/static/ as it is).

In demo mode (``bcagent demo``) the demo page is a storefront on this server's own origin, so the
storefront routes the widget calls are proxied to the sandbox that plays the store:
``GET /customer/current.jwt`` and ``POST /__sandbox__/storefront/{hash}/login|logout`` (cookies pass
through). Outside demo mode those paths do not exist here.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from .deps import Server
from .errors import ApiError
from .state import ServerState
from .widget_pages import demo_page, widget_response

STATIC = Path(__file__).parent / "static"
PASSED_HEADERS = ("content-type", "cache-control", "set-cookie")


def add_pages(app: FastAPI) -> None:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def home(request: Request, server: Server) -> Response:
        return await demo_page(request, server)

    @router.get("/widget.js")
    async def widget() -> Response:
        return widget_response()

    app.include_router(router)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")


async def _proxy(request: Request, server: ServerState, path: str) -> Response:
    if server.demo_storefront is None:
        raise ApiError(404, "not_found", "There is nothing at this address; see /docs for the API.")
    headers = {k: v for k, v in request.headers.items() if k.lower() in ("cookie", "content-type", "accept")}
    async with httpx.AsyncClient(base_url=server.demo_storefront, timeout=10) as client:
        answer = await client.request(
            request.method, path, params=request.query_params, content=await request.body(), headers=headers
        )
    response = Response(answer.content, status_code=answer.status_code)
    for name, value in answer.headers.multi_items():
        if name.lower() in PASSED_HEADERS:
            response.headers.append(name, value)
    return response


def add_demo_storefront(app: FastAPI) -> None:
    router = APIRouter(include_in_schema=False)

    @router.get("/customer/current.jwt")
    async def current_jwt(request: Request, server: Server) -> Response:
        return await _proxy(request, server, "/customer/current.jwt")

    @router.post("/__sandbox__/storefront/{store_hash}/{action}")
    async def storefront(request: Request, server: Server, store_hash: str, action: str) -> Response:
        server.store(store_hash)  # 404 unknown_store for a store not served here
        if action not in ("login", "logout"):
            raise ApiError(404, "not_found", "There is nothing at this address; see /docs for the API.")
        return await _proxy(request, server, f"/__sandbox__/storefront/{store_hash}/{action}")

    app.include_router(router)
