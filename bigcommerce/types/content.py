"""Models for the store's web pages: ``GET /v3/content/pages`` (pages.v3.yml).

``body`` is present only when the request asked for ``include=body``; it is HTML (or other markup) that
the store's merchant wrote, so treat it as untrusted text.
"""

from __future__ import annotations

from ._base import BCModel

__all__ = ["PAGE_TYPES", "Page"]

PAGE_TYPES = ("page", "raw", "contact_form", "link", "blog")


class Page(BCModel):
    """A web page: ``type`` is one of :data:`PAGE_TYPES`; ``url`` the storefront path; ``link`` the target
    of a ``link`` page; ``email`` and ``contact_fields`` belong to ``contact_form`` pages."""

    id: int | None = None
    channel_id: int | None = None
    name: str | None = None
    type: str | None = None
    is_visible: bool | None = None
    parent_id: int | None = None
    sort_order: int | None = None
    is_homepage: bool | None = None
    is_customers_only: bool | None = None
    url: str | None = None
    link: str | None = None
    body: str | None = None
    content_type: str | None = None
    email: str | None = None
    contact_fields: str | None = None
    meta_title: str | None = None
    meta_keywords: str | None = None
    meta_description: str | None = None
    search_keywords: str | None = None

    @property
    def has_body(self) -> bool:
        """Whether the page has markup to read (link pages never do)."""
        return self.type != "link" and bool((self.body or "").strip())
