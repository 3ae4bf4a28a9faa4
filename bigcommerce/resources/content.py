"""``client.pages``: the store's web pages (``GET /v3/content/pages``; scope Content read-only).

Filters are those pages.v3.yml documents: ``channel_id``, ``id:in``, ``name``, ``name:like`` (the name or
the body contains it). There is no visibility filter: read ``Page.is_visible``. BigCommerce refuses
other query parameters with a 400.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, Unpack

from ..pagination import AsyncPaginator, Page
from ..types.content import Page as WebPage
from ._base import MAX_LIMIT, Resource, object_id

__all__ = ["PageFilters", "Pages"]

PAGES = "/v3/content/pages"


class PageFilters(TypedDict, total=False):
    channel_id: int
    name: str


def _params(
    include_body: bool, ids: Sequence[int] | None, name_like: str | None, filters: PageFilters
) -> dict[str, object]:
    params: dict[str, object] = dict(filters)
    if include_body:
        params["include"] = "body"
    if ids is not None:
        params["id:in"] = [object_id(i, "page id") for i in ids]
    if name_like is not None:
        params["name:like"] = name_like
    return params


class Pages(Resource):
    async def get(self, page_id: int | str, *, include_body: bool = True) -> WebPage:
        """``GET /v3/content/pages/{id}`` (with its body by default); a missing page raises NotFoundError."""
        params = _params(include_body, None, None, {})
        return await self._get_v3(f"{PAGES}/{object_id(page_id, 'page_id')}", WebPage, params)

    async def list(
        self,
        *,
        page: int = 1,
        limit: int = 50,
        include_body: bool = False,
        ids: Sequence[int] | None = None,
        name_like: str | None = None,
        **filters: Unpack[PageFilters],
    ) -> Page[WebPage]:
        """One page of ``GET /v3/content/pages`` with its ``meta.pagination``."""
        params = _params(include_body, ids, name_like, filters)
        return await self._v3_page(PAGES, WebPage, params, page=page, limit=limit)

    def iter(
        self,
        *,
        limit: int = MAX_LIMIT,
        include_body: bool = False,
        ids: Sequence[int] | None = None,
        name_like: str | None = None,
        **filters: Unpack[PageFilters],
    ) -> AsyncPaginator[WebPage]:
        """Every page matching the filters (visible or not), page by page."""
        return self._v3_paginator(PAGES, WebPage, _params(include_body, ids, name_like, filters), limit=limit)
