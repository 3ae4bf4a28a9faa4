"""Rendering console pages: one Jinja2 environment over ``templates/``, autoescaped, and the headers
every console page carries (no caching; framing only by the page itself and BigCommerce's control panel)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

# The control panel frames the app from its own hosts; anywhere else the console may not be framed.
FRAME_ANCESTORS = "'self' https://*.bigcommerce.com https://*.mybigcommerce.com"
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        f"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        f"frame-ancestors {FRAME_ANCESTORS}; form-action 'self'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("agent.console", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
