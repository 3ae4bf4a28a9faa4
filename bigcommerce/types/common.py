"""Models shared by several resources: sub-resource links, counts and v3 pagination metadata."""

from __future__ import annotations

from typing import Any

from ._base import BCModel

__all__ = ["Count", "CursorPagination", "FormField", "Link", "Meta", "Pagination", "PaginationLinks"]


class Link(BCModel):
    """A v2 sub-resource reference, e.g. an order's ``products``: ``{"url", "resource"}``."""

    url: str | None = None
    resource: str | None = None


class FormField(BCModel):
    """A custom checkout/account form field value."""

    name: str | None = None
    value: Any = None


class Count(BCModel):
    """The body of a v2 ``/count`` endpoint."""

    count: int = 0


class PaginationLinks(BCModel):
    """Query strings of the neighbouring pages, e.g. ``"?page=2&limit=50"``."""

    previous: str | None = None
    current: str | None = None
    next: str | None = None


class Pagination(BCModel):
    """v3 offset pagination (``meta.pagination``)."""

    total: int | None = None
    count: int | None = None
    per_page: int | None = None
    current_page: int | None = None
    total_pages: int | None = None
    links: PaginationLinks | None = None


class CursorPagination(BCModel):
    """v3 cursor pagination (``meta.cursor_pagination``)."""

    count: int | None = None
    per_page: int | None = None
    start_cursor: str | None = None
    end_cursor: str | None = None
    links: PaginationLinks | None = None


class Meta(BCModel):
    """The ``meta`` object of a v3 envelope."""

    pagination: Pagination | None = None
    cursor_pagination: CursorPagination | None = None
