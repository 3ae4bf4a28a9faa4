"""``client.hooks``: webhook subscriptions (``/v3/hooks``). No OAuth scope is needed; a hook belongs to
the API account that created it, so a token lists only its own hooks."""

from __future__ import annotations

import builtins

from .._transport import decode_json
from ..errors import APIResponseValidationError
from ..types.hooks import Hook, HookCreate, HookUpdate
from ._base import Resource, object_id

__all__ = ["Hooks"]


class Hooks(Resource):
    async def list(self) -> builtins.list[Hook]:
        """Every hook of this API account (``GET /v3/hooks``, all pages)."""
        return await self._v3_paginator("/v3/hooks", Hook, {}, limit=250).collect()

    async def get(self, hook_id: int | str) -> Hook:
        return await self._get_v3(f"/v3/hooks/{object_id(hook_id, 'hook_id')}", Hook)

    async def create(
        self,
        scope: str,
        destination: str,
        *,
        headers: dict[str, str] | None = None,
        is_active: bool = True,
    ) -> Hook:
        """``POST /v3/hooks``. Not retried after a 5xx (the hook may exist): list the hooks to check."""
        body = HookCreate(scope=scope, destination=destination, is_active=is_active, headers=headers or {})
        return await self._write("POST", "/v3/hooks", body.model_dump())

    async def update(
        self,
        hook_id: int | str,
        *,
        scope: str | None = None,
        destination: str | None = None,
        is_active: bool | None = None,
        headers: dict[str, str] | None = None,
    ) -> Hook:
        body = HookUpdate(scope=scope, destination=destination, is_active=is_active, headers=headers)
        path = f"/v3/hooks/{object_id(hook_id, 'hook_id')}"
        return await self._write("PUT", path, body.model_dump(exclude_none=True))

    async def delete(self, hook_id: int | str) -> Hook | None:
        """``DELETE /v3/hooks/{id}``; returns the deleted hook when the store sends it back."""
        path = f"/v3/hooks/{object_id(hook_id, 'hook_id')}"
        response = await self._requester.request("DELETE", path)
        body = decode_json(response, "DELETE", path)
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            return self._validate(Hook, body["data"], path, "DELETE")
        return None

    async def _write(self, method: str, path: str, body: dict[str, object]) -> Hook:
        response = await self._requester.request(method, path, json=body)
        data = decode_json(response, method, path)
        if not isinstance(data, dict) or "data" not in data:
            raise APIResponseValidationError(method, path, "expected a {data, meta} envelope")
        return self._validate(Hook, data["data"], path, method)
