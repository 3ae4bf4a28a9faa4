"""Sandbox routes for the Scripts API: ``/v3/content/scripts`` and ``/v3/content/scripts/{uuid}``.

As scripts.v3.yml documents them (docs/bigcommerce-api.md): ``name`` is required; ``kind`` is ``src``
(with ``src``, no ``html``) or ``script_tag`` (with ``html``, no ``src``, and ``load_method`` default);
``location`` head|footer, ``load_method`` default|async|defer, ``visibility`` storefront|all_pages|checkout|
order_confirmation, ``consent_category`` essential|functional|analytics|targeting (default ``unknown``);
``uuid``, ``date_created``, ``date_modified`` and ``api_client_id`` are read-only. Each app may have 10
scripts. A script created with ``auto_uninstall`` by an app's token goes when the app is uninstalled
(``sandbox.apps``). Errors: 404 for an unknown uuid, 422 for invalid fields with ``errors`` naming them.
"""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .formats import SandboxError, iso8601, json_response, now_utc
from .routing import store_of, v3_page, v3_query

router = APIRouter()
SCRIPTS = "/stores/{store_hash}/v3/content/scripts"
SCRIPTS_PER_APP = 10
CHOICES: dict[str, tuple[str, ...]] = {
    "kind": ("src", "script_tag"),
    "location": ("head", "footer"),
    "load_method": ("default", "async", "defer"),
    "visibility": ("storefront", "all_pages", "checkout", "order_confirmation"),
    "consent_category": ("essential", "functional", "analytics", "targeting"),
}
DEFAULTS: dict[str, Any] = {
    "description": "",
    "html": "",
    "src": "",
    "auto_uninstall": False,
    "load_method": "default",
    "location": "head",
    "visibility": "storefront",
    "kind": "src",
    "consent_category": "unknown",
    "enabled": True,
    "channel_id": 1,
    "integrity_hashes": [],
}
WRITABLE = frozenset({"name", *DEFAULTS})


def _invalid(errors: dict[str, str]) -> SandboxError:
    return SandboxError(422, "JSON data is missing or invalid", "v3", errors)


def _checked(body: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    """The script after applying ``body`` to ``current`` (None: a new script); 422 for bad fields."""
    if not isinstance(body, dict):
        raise _invalid({"body": "a JSON object is required"})
    errors: dict[str, str] = {}
    unknown = sorted(set(body) - WRITABLE - {"uuid", "date_created", "date_modified", "api_client_id"})
    for key in unknown:
        errors[key] = "is not a property of a script"
    script = dict(current) if current is not None else {**DEFAULTS}
    script.update({k: v for k, v in body.items() if k in WRITABLE})
    name = script.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        errors["name"] = "is required, 1 to 255 characters"
    for key, allowed in CHOICES.items():
        if script.get(key) not in allowed and not (key == "consent_category" and script[key] == "unknown"):
            errors[key] = f"must be one of {', '.join(allowed)}"
    for key in ("auto_uninstall", "enabled"):
        if not isinstance(script.get(key), bool):
            errors[key] = "must be a boolean"
    if script.get("kind") == "src":
        if not isinstance(script.get("src"), str) or not script["src"]:
            errors["src"] = "is required when kind is src"
        if body.get("html"):
            errors["html"] = "must not be given when kind is src"
    elif script.get("kind") == "script_tag":
        html = script.get("html")
        if not isinstance(html, str) or html.lower().count("<script") != 1:
            errors["html"] = "must hold exactly one script tag when kind is script_tag"
        if body.get("src"):
            errors["src"] = "must not be given when kind is script_tag"
        if script.get("load_method") != "default":
            errors["load_method"] = "must be default when kind is script_tag"
    if errors:
        raise _invalid(errors)
    return script


def _client_id(request: Request) -> str:
    return store_of(request).token_clients.get(request.headers.get("x-auth-token", ""), "")


def _scripts(request: Request) -> dict[str, dict[str, Any]]:
    return store_of(request).scripts


def _find(request: Request, script_uuid: str) -> dict[str, Any]:
    script = _scripts(request).get(script_uuid)
    if script is None:
        raise SandboxError(404, "The requested script was not found.", "v3")
    return script


@router.get(SCRIPTS)
async def list_scripts(request: Request) -> Response:
    scripts = sorted(_scripts(request).values(), key=lambda s: (s["date_created"], s["uuid"]))
    channels = request.query_params.get("channel_id:in")
    if channels:
        wanted = {int(c) for c in channels.split(",") if c.strip().isdigit()}
        scripts = [s for s in scripts if s["channel_id"] in wanted]
    return v3_page(scripts, v3_query(request))


@router.post(SCRIPTS)
async def create_script(request: Request) -> Response:
    script = _checked(await request.json(), None)
    client_id = _client_id(request)
    mine = [s for s in _scripts(request).values() if client_id and s["api_client_id"] == client_id]
    if len(mine) >= SCRIPTS_PER_APP:
        raise _invalid({"scripts": f"an app may install at most {SCRIPTS_PER_APP} scripts"})
    stamp = iso8601(now_utc())
    script.update(uuid=str(uuidlib.uuid4()), date_created=stamp, date_modified=stamp, api_client_id=client_id)
    with store_of(request).lock:
        _scripts(request)[script["uuid"]] = script
    return json_response({"data": script, "meta": {}})


@router.get(SCRIPTS + "/{script_uuid}")
async def get_script(request: Request, script_uuid: str) -> Response:
    return json_response({"data": _find(request, script_uuid), "meta": {}})


@router.put(SCRIPTS + "/{script_uuid}")
async def update_script(request: Request, script_uuid: str) -> Response:
    current = _find(request, script_uuid)
    script = _checked(await request.json(), current)
    script["date_modified"] = iso8601(now_utc())
    with store_of(request).lock:
        _scripts(request)[script_uuid] = script
    return json_response({"data": script, "meta": {}})


@router.delete(SCRIPTS + "/{script_uuid}")
async def delete_script(request: Request, script_uuid: str) -> Response:
    _find(request, script_uuid)
    with store_of(request).lock:
        del _scripts(request)[script_uuid]
    return Response(b"", status_code=204)
