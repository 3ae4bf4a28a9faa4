"""Single-click apps in the sandbox: BigCommerce's OAuth token endpoint and a control panel that installs,
opens, uninstalls an app and removes a user, calling the app's callbacks as BigCommerce does.

Facts (docs/bigcommerce-api.md, "Single-click apps"): the control panel sends the merchant's browser to the
app's auth callback with ``code``, ``scope`` (space-separated), ``context`` (``stores/{hash}``) and
``account_uuid``; the app exchanges the code at ``POST /oauth2/token`` (JSON: client_id, client_secret,
code, scope, context, grant_type ``authorization_code``, redirect_uri = the registered auth callback) for a
token answered with ``access_token``, ``scope``, ``user``, ``owner``, ``context``, ``account_uuid``. The
load callback (browser) and the uninstall / remove_user callbacks (server to server) get
``signed_payload_jwt``: HS256 with the app's client secret, claims aud (client id), iss ``bc``, iat, nbf
(= iat), exp (24 h later), jti, sub (``stores/{hash}``), user {id, email, locale}, owner {id, email},
url, channel_id. BigCommerce documents no error body for the token endpoint; the sandbox answers as OAuth
2.0 does (RFC 6749 section 5.2): 400 ``invalid_grant`` / ``invalid_request``, 401 ``invalid_client``.

Admin routes (outside ``/stores/``, for tests): ``POST /__sandbox__/app-profiles`` registers an app
(what the Developer Portal holds); ``GET /__sandbox__/control-panel/{hash}/apps/{client_id}/install``
and ``.../load`` redirect the browser to the callbacks; ``POST .../uninstall`` and ``.../remove-user`` call
the app's server callbacks, then revoke the app's tokens and remove its ``auto_uninstall`` scripts.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
import jwt
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .formats import SandboxError, json_response
from .schema import KNOWN_SCOPES

if TYPE_CHECKING:
    from .app import Sandbox
    from .state import SandboxStore

ACCOUNT_UUID = "5b3f2d1e-0000-4000-8000-00000000a001"  # the sandbox's one Developer Portal account
CODE_TTL_S = 300
JWT_LIFETIME_S = 24 * 3600


@dataclass
class AppProfile:
    """What the Developer Portal holds for an app: credentials, callbacks, scopes."""

    client_id: str
    client_secret: str
    auth_callback: str
    load_callback: str
    uninstall_callback: str = ""
    remove_user_callback: str = ""
    scopes: tuple[str, ...] = ()


@dataclass
class PendingCode:
    client_id: str
    store_hash: str
    user: dict[str, Any]
    expires: float


@dataclass
class AppRegistry:
    profiles: dict[str, AppProfile] = field(default_factory=dict)
    codes: dict[str, PendingCode] = field(default_factory=dict)
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # server callbacks made, for tests


def _oauth_error(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def _owner(store: SandboxStore) -> dict[str, Any]:
    email = store.info.get("admin_email") or f"owner@{store.info.get('domain') or 'example.com'}"
    return {"id": 1, "username": email, "email": email}


def _user(store: SandboxStore, request: Request) -> dict[str, Any]:
    owner = _owner(store)
    user_id = request.query_params.get("user_id")
    email = request.query_params.get("user_email") or owner["email"]
    return {"id": int(user_id) if user_id and user_id.isdigit() else owner["id"], "email": email}


def signed_payload(profile: AppProfile, store: SandboxStore, user: dict[str, Any]) -> str:
    """The ``signed_payload_jwt`` BigCommerce sends to the load, uninstall and remove_user callbacks."""
    now = int(time.time())
    owner = _owner(store)
    claims = {
        "aud": profile.client_id,
        "iss": "bc",
        "iat": now,
        "nbf": now,
        "exp": now + JWT_LIFETIME_S,
        "jti": str(uuid.uuid4()),
        "sub": f"stores/{store.store_hash}",
        "user": {"id": user["id"], "email": user["email"], "locale": "en-US"},
        "owner": {"id": owner["id"], "email": owner["email"]},
        "url": "/",
        "channel_id": None,
    }
    return jwt.encode(claims, profile.client_secret, algorithm="HS256")


def add_app_routes(api: FastAPI, sandbox: Sandbox) -> AppRegistry:
    registry = AppRegistry()

    def store_and_profile(store_hash: str, client_id: str) -> tuple[SandboxStore, AppProfile]:
        store = sandbox.stores.get(store_hash)
        profile = registry.profiles.get(client_id)
        if store is None or profile is None:
            raise SandboxError(404, f"No store {store_hash!r} or no app {client_id!r} in this sandbox.")
        return store, profile

    @api.post("/__sandbox__/app-profiles")
    async def register(request: Request) -> Response:
        body = await request.json()
        try:
            scopes = tuple(str(s) for s in body.get("scopes", ()))
            unknown = sorted(set(scopes) - KNOWN_SCOPES)
            if unknown:
                raise ValueError(f"unknown scopes {unknown}")
            profile = AppProfile(
                client_id=str(body["client_id"]),
                client_secret=str(body["client_secret"]),
                auth_callback=str(body["auth_callback"]),
                load_callback=str(body["load_callback"]),
                uninstall_callback=str(body.get("uninstall_callback", "")),
                remove_user_callback=str(body.get("remove_user_callback", "")),
                scopes=scopes,
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise SandboxError(422, f"An app profile needs client_id, client_secret, auth_callback, "
                               f"load_callback and known scopes ({exc}).") from None  # fmt: skip
        registry.profiles[profile.client_id] = profile
        return json_response({"client_id": profile.client_id}, 201)

    @api.get("/__sandbox__/control-panel/{store_hash}/apps/{client_id}/install")
    async def install(request: Request, store_hash: str, client_id: str) -> Response:
        store, profile = store_and_profile(store_hash, client_id)
        code = secrets.token_urlsafe(12)
        registry.codes[code] = PendingCode(
            client_id, store_hash, _user(store, request), time.monotonic() + CODE_TTL_S
        )
        query = urlencode(
            {
                "account_uuid": ACCOUNT_UUID,
                "code": code,
                "context": f"stores/{store_hash}",
                "scope": " ".join(profile.scopes),
            }
        )
        return RedirectResponse(f"{profile.auth_callback}?{query}", status_code=302)

    @api.post("/oauth2/token")
    async def token(request: Request) -> Response:
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            return _oauth_error(400, "invalid_request", "The body must be a JSON object.")
        missing = [
            k
            for k in ("client_id", "client_secret", "code", "context", "grant_type", "redirect_uri")
            if not body.get(k)
        ]
        if missing:
            return _oauth_error(400, "invalid_request", f"Missing: {', '.join(missing)}.")
        profile = registry.profiles.get(str(body["client_id"]))
        if profile is None or not secrets.compare_digest(profile.client_secret, str(body["client_secret"])):
            return _oauth_error(401, "invalid_client", "Invalid client id or client secret.")
        if body["grant_type"] != "authorization_code":
            return _oauth_error(400, "unsupported_grant_type", "grant_type must be authorization_code.")
        pending = registry.codes.pop(str(body["code"]), None)
        if (
            pending is None
            or pending.client_id != profile.client_id
            or pending.expires < time.monotonic()
            or body["context"] != f"stores/{pending.store_hash}"
            or body["redirect_uri"] != profile.auth_callback
        ):
            return _oauth_error(400, "invalid_grant", "The code is invalid, expired or was issued elsewhere.")
        store = sandbox.stores[pending.store_hash]
        access_token = secrets.token_hex(16)
        with store.lock:
            for old, client in list(store.token_clients.items()):
                if client == profile.client_id:  # a re-install replaces the app's previous token
                    store.tokens.pop(old, None)
                    del store.token_clients[old]
            store.tokens[access_token] = frozenset(profile.scopes)
            store.token_clients[access_token] = profile.client_id
        owner = _owner(store)
        return json_response(
            {
                "access_token": access_token,
                "scope": " ".join(profile.scopes),
                "user": {
                    "id": pending.user["id"],
                    "username": pending.user["email"],
                    "email": pending.user["email"],
                },
                "owner": owner,
                "context": f"stores/{store.store_hash}",
                "account_uuid": ACCOUNT_UUID,
            }
        )

    @api.get("/__sandbox__/control-panel/{store_hash}/apps/{client_id}/load")
    async def load(request: Request, store_hash: str, client_id: str) -> Response:
        store, profile = store_and_profile(store_hash, client_id)
        payload = signed_payload(profile, store, _user(store, request))
        return RedirectResponse(
            f"{profile.load_callback}?{urlencode({'signed_payload_jwt': payload})}", status_code=302
        )

    async def call_back(url: str, profile: AppProfile, store: SandboxStore, user: dict[str, Any]) -> int:
        if not url:
            return 0
        payload = signed_payload(profile, store, user)
        async with httpx.AsyncClient(timeout=10) as client:
            try:
                answer = await client.get(url, params={"signed_payload_jwt": payload})
                status = answer.status_code
            except httpx.HTTPError:
                status = -1
        registry.callbacks.append({"url": url, "status": status, "store_hash": store.store_hash})
        return status

    @api.post("/__sandbox__/control-panel/{store_hash}/apps/{client_id}/uninstall")
    async def uninstall(request: Request, store_hash: str, client_id: str) -> Response:
        store, profile = store_and_profile(store_hash, client_id)
        status = await call_back(profile.uninstall_callback, profile, store, _user(store, request))
        with store.lock:
            revoked = [t for t, c in store.token_clients.items() if c == client_id]
            for token_value in revoked:
                store.tokens.pop(token_value, None)
                del store.token_clients[token_value]
            removed = [
                u for u, s in store.scripts.items() if s["auto_uninstall"] and s["api_client_id"] == client_id
            ]
            for script_uuid in removed:
                del store.scripts[script_uuid]
        return json_response(
            {"callback_status": status, "tokens_revoked": len(revoked), "scripts_removed": len(removed)}
        )

    @api.post("/__sandbox__/control-panel/{store_hash}/apps/{client_id}/remove-user")
    async def remove_user(request: Request, store_hash: str, client_id: str) -> Response:
        store, profile = store_and_profile(store_hash, client_id)
        status = await call_back(profile.remove_user_callback, profile, store, _user(store, request))
        return json_response({"callback_status": status})

    return registry
