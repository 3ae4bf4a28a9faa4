"""Typed async pagination over v2 and v3 list endpoints.

``AsyncPaginator`` is lazy: no request is sent until it is iterated. Iterate it for items
(``async for product in client.products.iter()``), call ``pages()`` for whole pages with their
metadata, or ``await collect()`` for a list.

Stop rules:

* v2 (bare JSON arrays, ``page``/``limit``): stop on 204 / empty body, or on a page shorter than ``limit``.
* v3 offset (``meta.pagination``): stop when ``current_page >= total_pages``, when ``data`` is empty, or
  when pagination metadata is missing.
* v3 cursor (``meta.cursor_pagination``): follow ``end_cursor`` while ``links.next`` is present.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ._transport import Requester
from .errors import APIResponseValidationError
from .types.common import CursorPagination, Meta, Pagination

__all__ = ["AsyncPaginator", "Page", "fetch_v2_page", "fetch_v3_page", "parse_items"]

logger = logging.getLogger("bigcommerce")

ModelT = TypeVar("ModelT", bound=BaseModel)
Params = Mapping[str, str]


@dataclass(frozen=True)
class Page(Generic[ModelT]):
    """One page of results with its metadata; ``next_params`` is None on the last page."""

    items: list[ModelT]
    params: Params
    pagination: Pagination | None = None
    cursor_pagination: CursorPagination | None = None
    next_params: Params | None = field(default=None, repr=False)

    @property
    def has_next(self) -> bool:
        return self.next_params is not None

    @property
    def page(self) -> int | None:
        """The page number requested (None for a cursor page)."""
        raw = self.params.get("page")
        return int(raw) if raw is not None else None

    @property
    def limit(self) -> int | None:
        raw = self.params.get("limit")
        return int(raw) if raw is not None else None

    def __iter__(self) -> Iterator[ModelT]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


PageFetcher = Callable[[Params], Awaitable[Page[ModelT]]]


class AsyncPaginator(Generic[ModelT]):
    """Lazily walks every page of a list endpoint."""

    def __init__(self, fetch: PageFetcher[ModelT], first_params: Params) -> None:
        self._fetch = fetch
        self._first_params = dict(first_params)

    async def pages(self) -> AsyncIterator[Page[ModelT]]:
        params: Params | None = self._first_params
        while params is not None:
            page = await self._fetch(params)
            yield page
            params = page.next_params

    async def _items(self) -> AsyncIterator[ModelT]:
        async for page in self.pages():
            for item in page.items:
                yield item

    def __aiter__(self) -> AsyncIterator[ModelT]:
        return self._items()

    async def collect(self, *, max_items: int | None = None) -> list[ModelT]:
        """All items as a list (stops requesting pages once ``max_items`` are in hand)."""
        items: list[ModelT] = []
        async for page in self.pages():
            items.extend(page.items)
            if max_items is not None and len(items) >= max_items:
                return items[:max_items]
        return items


def parse_items(model: type[ModelT], data: Any, method: str, path: str) -> list[ModelT]:
    """Validate a JSON array into models (each lenient); raise if it is not an array of objects."""
    if not isinstance(data, list):
        raise APIResponseValidationError(method, path, f"expected a JSON array, got {type(data).__name__}")
    try:
        return [model.model_validate(item) for item in data]
    except ValidationError as exc:
        raise APIResponseValidationError(method, path, f"an item is not a {model.__name__} object") from exc


async def fetch_v2_page(requester: Requester, path: str, model: type[ModelT], params: Params) -> Page[ModelT]:
    """Fetch one v2 page (a bare array; 204 means no items)."""
    data = await requester.get_json(path, params)
    items = [] if data is None else parse_items(model, data, "GET", path)
    limit = int(params.get("limit", "50"))
    page = int(params.get("page", "1"))
    next_params = {**params, "page": str(page + 1)} if items and len(items) >= limit else None
    return Page(items=items, params=params, next_params=next_params)


async def fetch_v3_page(requester: Requester, path: str, model: type[ModelT], params: Params) -> Page[ModelT]:
    """Fetch one v3 page (a ``{data, meta}`` envelope; 204 means no items)."""
    body = await requester.get_json(path, params)
    if body is None:
        return Page(items=[], params=params)
    if not isinstance(body, dict) or "data" not in body:
        raise APIResponseValidationError("GET", path, "expected a {data, meta} envelope")
    items = parse_items(model, body["data"], "GET", path)
    meta = Meta.model_validate(body.get("meta") or {})
    return Page(
        items=items,
        params=params,
        pagination=meta.pagination,
        cursor_pagination=meta.cursor_pagination,
        next_params=_v3_next_params(path, params, items, meta),
    )


def _v3_next_params(path: str, params: Params, items: list[Any], meta: Meta) -> Params | None:
    if not items:
        return None
    cursor = meta.cursor_pagination
    if "page" not in params and cursor is not None:
        if cursor.end_cursor and cursor.links is not None and cursor.links.next:
            return {**params, "after": cursor.end_cursor}
        return None
    pagination = meta.pagination
    if pagination is None or pagination.current_page is None or pagination.total_pages is None:
        return None
    if pagination.current_page >= pagination.total_pages:
        return None
    requested = int(params.get("page", "1"))
    if pagination.current_page != requested:
        logger.warning(
            "GET %s: asked for page %d but got page %d; stopping", path, requested, pagination.current_page
        )
        return None
    following = {key: value for key, value in params.items() if key not in ("after", "before")}
    return {**following, "page": str(pagination.current_page + 1)}
