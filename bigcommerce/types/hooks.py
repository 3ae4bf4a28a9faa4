"""Models for webhooks: the hook object of ``/v3/hooks`` and the payload BigCommerce POSTs to it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import BCModel, RequestModel

__all__ = ["Hook", "HookCreate", "HookUpdate", "WebhookPayload"]


class Hook(BCModel):
    """A subscription: ``scope`` (e.g. ``store/product/*``) delivered to ``destination`` with ``headers``.

    ``created_at`` and ``updated_at`` are unix seconds. The ``headers`` may hold a shared secret: the
    repr leaves their values out."""

    id: int | None = None
    client_id: str | None = None
    store_hash: str | None = None
    scope: str | None = None
    destination: str | None = None
    is_active: bool | None = None
    headers: dict[str, str] | None = Field(default=None, repr=False)
    created_at: int | None = None
    updated_at: int | None = None


class HookCreate(RequestModel):
    """``POST /v3/hooks``: BigCommerce delivers only to https on port 443."""

    scope: str
    destination: str
    is_active: bool = True
    headers: dict[str, str] = Field(default_factory=dict, repr=False)


class HookUpdate(RequestModel):
    """``PUT /v3/hooks/{id}``: the fields to change."""

    scope: str | None = None
    destination: str | None = None
    is_active: bool | None = None
    headers: dict[str, str] | None = Field(default=None, repr=False)


class WebhookPayload(BCModel):
    """What the store POSTs: ``{scope, store_id, data: {type, id, ...}, hash, created_at, producer}``.

    ``producer`` is ``stores/<store_hash>``; ``hash`` is the same for every retry of one event."""

    scope: str | None = None
    store_id: str | None = None
    data: dict[str, Any] | None = None
    hash: str | None = None
    created_at: int | None = None
    producer: str | None = None

    @property
    def producer_store_hash(self) -> str | None:
        if not self.producer or not self.producer.startswith("stores/"):
            return None
        return self.producer.split("/", 1)[1] or None
