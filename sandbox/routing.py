"""Helpers shared by the sandbox's route modules: the request's store, its query, and list pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .formats import ApiVersion, SandboxError, json_response, no_content, v3_list
from .query import Query
from .state import SandboxStore


def store_of(request: Request) -> SandboxStore:
    store: SandboxStore = request.scope["bc_store"]
    return store


def v2_query(request: Request) -> Query:
    return Query(request.query_params, "v2")


def v3_query(request: Request) -> Query:
    return Query(request.query_params, "v3")


def v2_list(items: Sequence[Any], query: Query, render: Callable[[Any], Any] = lambda x: x) -> Response:
    """A v2 page: a bare JSON array, or 204 with an empty body when the page is empty."""
    page = query.page()
    chunk = items[page.start : page.start + page.limit]
    if not chunk:
        return no_content()
    return json_response([render(item) for item in chunk])


def v3_page(
    items: Sequence[Any],
    query: Query,
    render: Callable[[Any], Any] = lambda x: x,
    max_limit: int | None = None,
) -> Response:
    """A v3 page with ``meta.pagination``; an empty list is 200 with ``data: []``."""
    page = query.page()
    limit = min(page.limit, max_limit) if max_limit else page.limit
    start = (page.page - 1) * limit
    chunk = items[start : start + limit]
    return json_response(v3_list([render(item) for item in chunk], len(items), page.page, limit))


def not_found(version: ApiVersion, what: str = "resource") -> SandboxError:
    if version == "v2":
        return SandboxError(404, "The requested resource was not found.", "v2")
    return SandboxError(404, f"The requested {what} was not found.", "v3")


def sort_key_and_direction(query: Query, allowed: Sequence[str], default: str = "id") -> tuple[str, bool]:
    """Parse v3 ``sort`` + ``direction``; return (field, descending)."""
    field = query.text("sort") or default
    if field not in allowed:
        raise SandboxError(422, f"The filter 'sort' is invalid: use one of {', '.join(allowed)}.", "v3")
    direction = (query.text("direction") or "asc").lower()
    if direction not in ("asc", "desc"):
        raise SandboxError(422, "The filter 'direction' is invalid: use asc or desc.", "v3")
    return field, direction == "desc"


async def json_body(request: Request, version: ApiVersion) -> dict[str, Any]:
    """A write's JSON object body: 415 without a JSON Content-Type, 400 when malformed."""
    content_type = request.headers.get("content-type", "")
    if "json" not in content_type:
        raise SandboxError(415, "The Content-Type header must be application/json.", version)
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SandboxError(400, "The request body is not valid JSON.", version) from None
    if not isinstance(body, dict):
        raise SandboxError(400, "The request body must be a JSON object.", version)
    return body
