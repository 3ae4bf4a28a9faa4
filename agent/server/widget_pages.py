"""The widget's pages on ``bcagent serve``: ``/widget.js`` (the script with its stylesheet inlined, so an
embed costs one request) and ``/`` (the demo page: a product page of a served store with the widget on it).

``/?store=<hash>`` picks one of the served stores (default: the first). In demo mode the page offers to
sign in as the store's first customer through the sandbox's storefront sign-in, which this server
proxies on its own origin (``pages.add_demo_storefront``), and shows who is signed in by verifying the
Current Customer JWT exactly as a chat turn does.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bigcommerce import BigCommerceError

from .customer_token import TokenRefused, verify
from .demo_page import DemoPage, DemoProduct, load_demo_product, render_demo_page
from .state import ServedStore, ServerState

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CSS_PLACEHOLDER = "/*BCAGENT_CSS*/ null"
SCRIPT_HEADERS = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}


@functools.cache
def widget_script() -> bytes:
    """widget.js with widget.css in place of its placeholder (read once per process)."""
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    if CSS_PLACEHOLDER not in script:
        raise RuntimeError("widget.js has lost its stylesheet placeholder")
    return script.replace(CSS_PLACEHOLDER, json.dumps(css), 1).encode("utf-8")


def widget_response() -> Response:
    return Response(widget_script(), media_type="text/javascript; charset=utf-8", headers=SCRIPT_HEADERS)


async def _signed_in_as(request: Request, server: ServerState, served: ServedStore) -> str | None:
    """The email of the demo storefront's signed-in shopper (a verified JWT), or None for a guest."""
    if server.demo_storefront is None or served.app is None or "cookie" not in request.headers:
        return None
    try:
        async with httpx.AsyncClient(base_url=server.demo_storefront, timeout=5) as client:
            answer = await client.get(
                "/customer/current.jwt",
                params={"app_client_id": served.app.client_id},
                headers={"cookie": request.headers["cookie"]},
            )
    except httpx.HTTPError:
        return None
    if answer.status_code != 200:
        return None
    try:
        shopper = verify(answer.text.strip(), served.store_hash, served.app)
    except TokenRefused:
        return None
    return shopper.email or f"customer {shopper.customer_id}"


async def _demo_customer(served: ServedStore) -> str | None:
    """The email to offer in the sign-in bar: the store's first customer."""
    try:
        async for customer in served.agent.context.tools.client.customers.iter(limit=1):
            return customer.email or None
    except BigCommerceError:
        return None
    return None


async def demo_page(request: Request, server: ServerState) -> HTMLResponse:
    wanted = request.query_params.get("store") or next(iter(server.stores), "")
    served = server.store(wanted)  # 404 unknown_store
    connection = served.connection
    product: DemoProduct | None = None
    notice = ""
    try:
        product = await load_demo_product(
            served.agent.context.tools.client, storefront_url=connection.secure_url
        )
    except BigCommerceError as exc:
        log.warning("demo page: the store answered %s", exc)
        notice = "The store cannot be reached right now, so the product is missing; the chat still loads."
    demo = server.demo_storefront is not None and served.app is not None
    page = DemoPage(
        store_hash=served.store_hash,
        store_name=connection.name or served.store_hash,
        widget_src="/widget.js",
        money=connection.money,
        app_client_id=served.app.client_id if served.app else None,
        demo_customer_email=await _demo_customer(served) if demo else None,
        signed_in_as=await _signed_in_as(request, server, served) if demo else None,
        sign_in_path=f"/__sandbox__/storefront/{served.store_hash}/login",
        sign_out_path=f"/__sandbox__/storefront/{served.store_hash}/logout",
        notice=notice,
    )
    return HTMLResponse(render_demo_page(product, page), headers={"Cache-Control": "no-store"})
