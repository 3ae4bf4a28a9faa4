"""Sandbox routes for ``/v3/hooks``: create, list, get, update and delete webhook subscriptions.

No OAuth scope is needed (section 13: default scope). A hook belongs to the API account (token) that
created it: another token of the same store neither lists nor reaches it (404)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .formats import SandboxError, json_response, v3_object
from .routing import json_body, not_found, store_of, v3_page, v3_query
from .webhooks import HookRecord, WebhookDispatcher, destination_problem

router = APIRouter()
HOOKS = "/stores/{store_hash}/v3/hooks"


def _dispatcher(request: Request) -> WebhookDispatcher:
    dispatcher: WebhookDispatcher = request.app.state.webhooks
    return dispatcher


def _owner(request: Request) -> str:
    return request.headers.get("x-auth-token", "").strip()


def _fields(body: dict[str, Any], creating: bool) -> dict[str, Any]:
    """The hook fields of a create or update body; 422 naming each bad field."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for name in ("scope", "destination"):
        if name in body or creating:
            value = body.get(name)
            if not isinstance(value, str) or not value.strip():
                errors[name] = f"{name} is required and must be a non-empty string"
            else:
                fields[name] = value.strip()
    if "destination" in fields and (problem := destination_problem(fields["destination"])):
        errors["destination"] = problem
    if "scope" in fields and not fields["scope"].startswith("store/"):
        errors["scope"] = "scope must be an event such as store/product/updated or store/product/*"
    if "is_active" in body:
        if not isinstance(body["is_active"], bool):
            errors["is_active"] = "is_active must be a boolean"
        else:
            fields["is_active"] = body["is_active"]
    if "headers" in body:
        headers = body["headers"]
        if headers is not None and (
            not isinstance(headers, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        ):
            errors["headers"] = "headers must be an object of string values"
        else:
            fields["headers"] = dict(headers or {})
    if errors:
        raise SandboxError(422, "The request payload is not valid.", "v3", errors)
    return fields


def _hook(request: Request, hook_id: int) -> HookRecord:
    store = store_of(request)
    hook = _dispatcher(request).hooks.get(hook_id)
    if hook is None or hook.store_hash != store.store_hash or hook.owner != _owner(request):
        raise not_found("v3", "webhook")
    return hook


@router.get(HOOKS)
async def list_hooks(request: Request) -> Response:
    query = v3_query(request)
    hooks = _dispatcher(request).owned(store_of(request).store_hash, _owner(request))
    active = query.flag("is_active")
    scope = query.text("scope")
    destination = query.text("destination")
    hooks = [
        h
        for h in hooks
        if (active is None or h.is_active == active)
        and (scope is None or h.scope == scope)
        and (destination is None or h.destination == destination)
    ]
    return v3_page(sorted(hooks, key=lambda h: h.id), query, HookRecord.render)


@router.post(HOOKS)
async def create_hook(request: Request) -> Response:
    fields = _fields(await json_body(request, "v3"), creating=True)
    hook = _dispatcher(request).create(store_of(request).store_hash, _owner(request), fields)
    return json_response(v3_object(hook.render()))


@router.get(HOOKS + "/{hook_id:int}")
async def get_hook(request: Request, hook_id: int) -> Response:
    return json_response(v3_object(_hook(request, hook_id).render()))


@router.put(HOOKS + "/{hook_id:int}")
async def update_hook(request: Request, hook_id: int) -> Response:
    hook = _hook(request, hook_id)
    fields = _fields(await json_body(request, "v3"), creating=False)
    for name, value in fields.items():
        setattr(hook, name, value)
    hook.updated_at = max(hook.updated_at, int(time.time()))
    return json_response(v3_object(hook.render()))


@router.delete(HOOKS + "/{hook_id:int}")
async def delete_hook(request: Request, hook_id: int) -> Response:
    hook = _hook(request, hook_id)
    del _dispatcher(request).hooks[hook.id]
    return json_response(v3_object(hook.render()))
