"""Shared helpers for the BigCommerce client tests: fake time, response builders, constants."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

STORE_HASH = "abc1d2ef"
TOKEN = "tok9secretvalue7zq3x1abcdef0123"

Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


class FakeTime:
    """A clock that only moves when the client sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def api_path(request: httpx.Request) -> str:
    """The request path without ``/stores/{hash}``, e.g. ``/v2/orders``."""
    prefix = f"/stores/{STORE_HASH}"
    assert request.url.path.startswith(prefix)
    return request.url.path[len(prefix) :]


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def rate_headers(
    left: int, reset_ms: int = 15000, quota: int = 150, window_ms: int = 30000
) -> dict[str, str]:
    return {
        "X-Rate-Limit-Time-Window-Ms": str(window_ms),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Requests-Quota": str(quota),
        "X-Rate-Limit-Requests-Left": str(left),
    }


def v3_page(items: list[Any], page: int, total_pages: int, per_page: int = 250) -> dict[str, Any]:
    return {
        "data": items,
        "meta": {
            "pagination": {
                "total": per_page * (total_pages - 1) + len(items),
                "count": len(items),
                "per_page": per_page,
                "current_page": page,
                "total_pages": total_pages,
                "links": {"current": f"?page={page}&limit={per_page}"},
            }
        },
    }
