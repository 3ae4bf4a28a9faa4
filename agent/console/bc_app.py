"""The BigCommerce single-click app's two protocols: exchanging the auth callback's code for the store's
token, and verifying the ``signed_payload_jwt`` of the load, uninstall and remove_user callbacks.

Facts relied on (docs/bigcommerce-api.md, "Single-click apps"): the token request is a JSON POST to
``{login}/oauth2/token`` with client_id, client_secret, code, scope, context, grant_type
``authorization_code`` and redirect_uri (the registered auth callback); the answer holds access_token,
scope, user, owner, context. The JWT is HS256 signed with the client secret, ``aud`` the client id,
``iss`` ``bc``, ``sub`` ``stores/{hash}``, with iat/nbf/exp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from ..store.connections import Secret
from .config import AppCredentials

STORE_CONTEXT = re.compile(r"^stores/([a-z0-9]{1,32})$")
LEEWAY_S = 30


class AppCallbackError(Exception):
    """A callback that cannot be honoured; the message says why in words a merchant can act on."""


@dataclass(frozen=True)
class Installation:
    store_hash: str
    token: Secret
    scopes: tuple[str, ...]
    user_id: int | None
    user_email: str
    owner_email: str


@dataclass(frozen=True)
class SignedPayload:
    store_hash: str
    user_id: int | None
    user_email: str
    owner_email: str


def store_hash_of(context: str) -> str:
    found = STORE_CONTEXT.match(context or "")
    if found is None:
        raise AppCallbackError("The callback did not name a store (context stores/HASH).")
    return found.group(1)


async def exchange_code(
    app: AppCredentials,
    login_url: str,
    redirect_uri: str,
    code: str,
    scope: str,
    context: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Installation:
    """The store's token for an auth callback's code; AppCallbackError when BigCommerce refuses."""
    store_hash = store_hash_of(context)
    if not code:
        raise AppCallbackError("The install link carried no code: start the installation again.")
    body = {
        "client_id": app.client_id,
        "client_secret": app.client_secret.reveal(),
        "code": code,
        "scope": scope,
        "context": context,
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
    }
    try:
        async with httpx.AsyncClient(timeout=20, transport=transport) as client:
            answer = await client.post(f"{login_url}/oauth2/token", json=body)
    except httpx.HTTPError:
        raise AppCallbackError(
            f"Could not reach {login_url} to finish the installation: try installing again in a minute."
        ) from None
    if answer.status_code == 401:
        raise AppCallbackError(
            "BigCommerce refused the app's client id or secret: check BCAGENT_BC_CLIENT_ID and "
            "BCAGENT_BC_CLIENT_SECRET against the app's credentials in the Developer Portal."
        )
    if answer.status_code != 200:
        raise AppCallbackError(
            f"BigCommerce refused the installation code ({answer.status_code}): it is used once and expires "
            "in minutes; start the installation again from the control panel."
        )
    data: Any = answer.json()
    token = str(data.get("access_token") or "")
    if not token or data.get("context") != context:
        raise AppCallbackError("BigCommerce's answer held no token for this store: install again.")
    user, owner = data.get("user") or {}, data.get("owner") or {}
    return Installation(
        store_hash=store_hash,
        token=Secret(token),
        scopes=tuple(str(data.get("scope") or scope).split()),
        user_id=int(user["id"]) if isinstance(user.get("id"), int) else None,
        user_email=str(user.get("email") or owner.get("email") or ""),
        owner_email=str(owner.get("email") or ""),
    )


def verify_signed_payload(app: AppCredentials, signed_payload_jwt: str) -> SignedPayload:
    """The claims of a genuine, current ``signed_payload_jwt``; AppCallbackError for anything else."""
    try:
        claims = jwt.decode(
            signed_payload_jwt,
            app.client_secret.reveal(),
            algorithms=["HS256"],
            audience=app.client_id,
            issuer="bc",
            leeway=LEEWAY_S,
            options={"require": ["aud", "iss", "iat", "nbf", "exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise AppCallbackError(
            "This link to the app has expired: open the app again from the control panel."
        ) from None
    except jwt.PyJWTError:
        raise AppCallbackError("This request was not signed by BigCommerce for this app.") from None
    user, owner = claims.get("user") or {}, claims.get("owner") or {}
    return SignedPayload(
        store_hash=store_hash_of(str(claims["sub"])),
        user_id=int(user["id"]) if isinstance(user.get("id"), int) else None,
        user_email=str(user.get("email") or ""),
        owner_email=str(owner.get("email") or ""),
    )
