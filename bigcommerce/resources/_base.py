"""Shared plumbing for resource classes: typed GETs of v2/v3 objects and paginator construction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._params import FilterValue, encode_params
from .._transport import Requester
from ..errors import APIResponseValidationError
from ..pagination import AsyncPaginator, Page, fetch_v2_page, fetch_v3_page, parse_items

__all__ = ["MAX_LIMIT", "Filters", "Resource", "csv", "merge_filters", "object_id"]

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_LIMIT = 250


def object_id(value: int | str, what: str = "id") -> int:
    """A positive integer id for a URL path (so shopper input can never alter the path)."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a positive integer")
    if isinstance(value, str):
        value = value.strip().lstrip("#")
        if not value.isdigit():
            raise ValueError(f"{what} must be a positive integer")
        value = int(value)
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive integer")
    return value


def csv(value: str | Sequence[str] | None) -> str | None:
    """``["variants", "images"]`` -> ``"variants,images"`` (a string passes through)."""
    if value is None or isinstance(value, str):
        return value
    return ",".join(value)


Filters = Mapping[str, FilterValue] | None
"""Filters named as BigCommerce spells them, e.g. ``{"id:in": [1, 2], "date_modified:min": "2025-01-15"}``."""


def merge_filters(filters: Filters, keywords: Mapping[str, object]) -> dict[str, object]:
    """Combine the ``filters`` mapping with keyword filters (keywords win)."""
    return {**(filters or {}), **keywords}


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")


class Resource:
    """Base of every resource: holds the requester of its client view."""

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    async def _get_v2(
        self, path: str, model: type[ModelT], params: Mapping[str, object] | None = None
    ) -> ModelT:
        data = await self._requester.get_json(path, encode_params(params or {}))
        return self._validate(model, data, path)

    async def _get_v2_list(
        self, path: str, model: type[ModelT], params: Mapping[str, object] | None = None
    ) -> list[ModelT]:
        """A v2 list that is not paginated (204 -> [])."""
        data = await self._requester.get_json(path, encode_params(params or {}))
        return [] if data is None else parse_items(model, data, "GET", path)

    async def _get_v3(
        self, path: str, model: type[ModelT], params: Mapping[str, object] | None = None
    ) -> ModelT:
        body = await self._requester.get_json(path, encode_params(params or {}))
        if not isinstance(body, dict) or "data" not in body:
            raise APIResponseValidationError("GET", path, "expected a {data, meta} envelope")
        return self._validate(model, body["data"], path)

    @staticmethod
    def _validate(model: type[ModelT], data: Any, path: str, method: str = "GET") -> ModelT:
        if not isinstance(data, dict):
            raise APIResponseValidationError(
                method, path, f"expected a JSON object, got {type(data).__name__}"
            )
        try:
            return model.model_validate(data)
        except ValidationError as exc:  # pragma: no cover - lenient models accept any object
            raise APIResponseValidationError(method, path, f"not a {model.__name__} object") from exc

    def _v2_paginator(
        self, path: str, model: type[ModelT], params: Mapping[str, object], *, limit: int
    ) -> AsyncPaginator[ModelT]:
        _check_limit(limit)
        first = {**encode_params(params), "page": "1", "limit": str(limit)}

        async def fetch(page_params: Mapping[str, str]) -> Page[ModelT]:
            return await fetch_v2_page(self._requester, path, model, page_params)

        return AsyncPaginator(fetch, first)

    def _v3_paginator(
        self,
        path: str,
        model: type[ModelT],
        params: Mapping[str, object],
        *,
        limit: int,
        cursor: bool = False,
    ) -> AsyncPaginator[ModelT]:
        _check_limit(limit)
        first = {**encode_params(params), "limit": str(limit)}
        if not cursor:
            first["page"] = "1"

        async def fetch(page_params: Mapping[str, str]) -> Page[ModelT]:
            return await fetch_v3_page(self._requester, path, model, page_params)

        return AsyncPaginator(fetch, first)

    async def _v2_page(
        self, path: str, model: type[ModelT], params: Mapping[str, object], *, page: int, limit: int
    ) -> Page[ModelT]:
        _check_limit(limit)
        query = {**encode_params(params), "page": str(object_id(page, "page")), "limit": str(limit)}
        return await fetch_v2_page(self._requester, path, model, query)

    async def _v3_page(
        self, path: str, model: type[ModelT], params: Mapping[str, object], *, page: int, limit: int
    ) -> Page[ModelT]:
        _check_limit(limit)
        query = {**encode_params(params), "page": str(object_id(page, "page")), "limit": str(limit)}
        return await fetch_v3_page(self._requester, path, model, query)
