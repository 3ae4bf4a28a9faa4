"""Sandbox routes for the store's web pages: ``GET /v3/content/pages`` and ``/v3/content/pages/{pageId}``.

As pages.v3.yml documents them (docs/bigcommerce-api.md): filters ``channel_id``, ``id:in``, ``name``,
``name:like`` (name or body), paging, ``include=body`` (the body is sent only then); the single GET
applies the same filters (a page that does not match them is a 404); a query parameter the endpoint does
not support is a 400, a value of the wrong type a 422 whose ``errors`` lists the bad values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .formats import SandboxError, json_response
from .routing import store_of, v3_page, v3_query

router = APIRouter()
PAGES = "/stores/{store_hash}/v3/content/pages"
SUPPORTED = frozenset({"channel_id", "id:in", "name", "name:like", "limit", "page", "include"})
NEVER_BODY = frozenset({"link"})
# Fields each page type answers with, besides those every page has (pages.v3.yml's typeXxx schemas).
COMMON = ("id", "channel_id", "name", "is_visible", "parent_id", "sort_order", "type", "is_homepage",
          "is_customers_only")  # fmt: skip
META = ("meta_title", "meta_keywords", "meta_description")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "page": (*META, "search_keywords", "url"),
    "blog": (*META, "search_keywords", "url"),
    "contact_form": (*META, "search_keywords", "url", "email", "contact_fields"),
    "raw": ("search_keywords", "url", "content_type"),
    "link": ("link",),
}
Check = Callable[[dict[str, Any]], bool]


def _invalid(value: str) -> SandboxError:
    return SandboxError(422, "Invalid Input.", "v3", {"value": value})


def _integer(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise _invalid(raw) from None


def _filters(request: Request) -> tuple[list[Check], bool]:
    """The request's page filters and whether it asked for bodies; 400/422 for bad parameters."""
    params = request.query_params
    for param in params:
        if param not in SUPPORTED:
            raise SandboxError(400, f"The query parameter '{param}' is not supported by this endpoint.", "v3")
    checks: list[Check] = []
    if "channel_id" in params:
        channel = _integer(params["channel_id"])
        checks.append(lambda p: p["channel_id"] == channel)
    if "id:in" in params:
        ids = {_integer(part) for part in params["id:in"].split(",") if part.strip()}
        checks.append(lambda p: p["id"] in ids)
    if "name" in params:
        exact = params["name"]
        checks.append(lambda p: p["name"] == exact)
    if "name:like" in params:
        needle = params["name:like"].lower()
        checks.append(lambda p: needle in p["name"].lower() or needle in (p.get("body") or "").lower())
    for paging in ("limit", "page"):
        if paging in params:
            _integer(params[paging])
    include = [part.strip() for part in params.get("include", "").split(",") if part.strip()]
    for part in include:
        if part != "body":
            raise _invalid(part)
    return checks, "body" in include


def render_page(page: dict[str, Any], with_body: bool) -> dict[str, Any]:
    """A page as the API answers it: the fields of its type, its body only when asked for."""
    fields = (*COMMON, *TYPE_FIELDS[page["type"]])
    out = {key: page.get(key) for key in fields if key in page}
    for key in ("email", "contact_fields", "content_type", "url", "search_keywords"):
        if out.get(key, "") is None:  # not sent as null: absent
            del out[key]
    extra = {k: v for k, v in page.items() if k not in out and k not in _KNOWN}
    out.update(extra)
    if with_body and page["type"] not in NEVER_BODY:
        out["body"] = page.get("body") or ""
    return out


_KNOWN = frozenset({*COMMON, *(f for fields in TYPE_FIELDS.values() for f in fields), "body"})


def _matching(request: Request) -> tuple[list[dict[str, Any]], bool]:
    checks, with_body = _filters(request)
    pages = sorted(store_of(request).pages.values(), key=lambda p: p["id"])
    return [p for p in pages if all(check(p) for check in checks)], with_body


@router.get(PAGES)
async def list_pages(request: Request) -> Response:
    pages, with_body = _matching(request)
    return v3_page(pages, v3_query(request), lambda p: render_page(p, with_body))


@router.get(PAGES + "/{page_id}")
async def get_page(request: Request, page_id: str) -> Response:
    wanted = _integer(page_id) if page_id.strip().isdigit() else None
    if wanted is None:
        raise _invalid(page_id)
    pages, with_body = _matching(request)
    for page in pages:
        if page["id"] == wanted:
            return json_response({"data": render_page(page, with_body), "meta": {}})
    raise SandboxError(404, f"A Page was not found with an ID of {wanted}", "v3")
