"""The sandbox's single-click app emulation: the control panel's install and load redirects, the OAuth
token endpoint, the token it issues, the signed payload, and uninstall (tokens revoked, the app's
auto_uninstall scripts removed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from sandbox.app import Sandbox
from sandbox.state import SandboxStore

CLIENT_ID = "console-app-client"
SECRET = "console-app-secret-0123456789abcdefghij"
PROFILE: dict[str, Any] = {
    "client_id": CLIENT_ID,
    "client_secret": SECRET,
    "auth_callback": "https://app.example/auth",
    "load_callback": "https://app.example/load",
    "scopes": ["store_v2_information_read_only", "store_v2_products_read_only", "store_v2_content"],
}


@pytest.fixture
async def admin(small_data: dict[str, Any]) -> Any:
    sandbox = Sandbox([SandboxStore.from_data(small_data, "small-store.json")])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as client:
        answer = await client.post("/__sandbox__/app-profiles", json=PROFILE)
        assert answer.status_code == 201
        yield sandbox, client


async def _install(client: httpx.AsyncClient) -> dict[str, str]:
    answer = await client.get(f"/__sandbox__/control-panel/smallshop/apps/{CLIENT_ID}/install")
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == PROFILE["auth_callback"]
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def _exchange(query: dict[str, str], **changes: str) -> dict[str, str]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "code": query["code"],
        "scope": query["scope"],
        "context": query["context"],
        "grant_type": "authorization_code",
        "redirect_uri": PROFILE["auth_callback"],
        **changes,
    }


async def test_install_redirects_with_a_code_that_buys_one_working_token(admin: Any) -> None:
    _, client = admin
    query = await _install(client)
    assert query["context"] == "stores/smallshop"
    assert query["scope"].split() == PROFILE["scopes"]
    answer = await client.post("/oauth2/token", json=_exchange(query))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["context"] == "stores/smallshop" and body["scope"] == query["scope"]
    assert {"id", "username", "email"} <= set(body["user"]) and body["owner"]["email"]
    token = body["access_token"]
    products = await client.get("/stores/smallshop/v3/catalog/products", headers={"X-Auth-Token": token})
    assert products.status_code == 200
    orders = await client.get("/stores/smallshop/v2/orders", headers={"X-Auth-Token": token})
    assert orders.status_code == 403  # the app asked for no Orders scope
    again = await client.post("/oauth2/token", json=_exchange(query))
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"  # a code is used once


@pytest.mark.parametrize(
    ("changes", "status", "error"),
    [
        ({"client_secret": "wrong-secret-0000000000000000000000000"}, 401, "invalid_client"),
        ({"redirect_uri": "https://elsewhere.example/auth"}, 400, "invalid_grant"),
        ({"context": "stores/otherstore"}, 400, "invalid_grant"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        ({"code": ""}, 400, "invalid_request"),
    ],
)
async def test_the_token_endpoint_refuses_what_oauth_refuses(
    admin: Any, changes: dict[str, str], status: int, error: str
) -> None:
    _, client = admin
    query = await _install(client)
    answer = await client.post("/oauth2/token", json=_exchange(query, **changes))
    assert answer.status_code == status and answer.json()["error"] == error


async def test_load_sends_a_signed_payload_with_bigcommerces_claims(admin: Any) -> None:
    _, client = admin
    answer = await client.get(
        f"/__sandbox__/control-panel/smallshop/apps/{CLIENT_ID}/load?user_id=7&user_email=a@b.example"
    )
    location = urlsplit(answer.headers["location"])
    payload = parse_qs(location.query)["signed_payload_jwt"][0]
    claims = jwt.decode(payload, SECRET, algorithms=["HS256"], audience=CLIENT_ID, issuer="bc")
    assert claims["sub"] == "stores/smallshop"
    assert claims["user"] == {"id": 7, "email": "a@b.example", "locale": "en-US"}
    assert claims["exp"] - claims["nbf"] == 24 * 3600 and claims["nbf"] == claims["iat"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            payload, "another-secret-00000000000000000000000000", algorithms=["HS256"], audience=CLIENT_ID
        )


async def test_uninstall_revokes_the_token_and_removes_the_apps_auto_uninstall_scripts(admin: Any) -> None:
    sandbox, client = admin
    token = (await client.post("/oauth2/token", json=_exchange(await _install(client)))).json()[
        "access_token"
    ]
    headers = {"X-Auth-Token": token}
    scripts = "/stores/smallshop/v3/content/scripts"
    tag = '<script src="https://app.example/widget.js" async></script>'
    kept = {"name": "kept", "kind": "script_tag", "html": tag, "auto_uninstall": False}
    gone = {"name": "gone", "kind": "script_tag", "html": tag, "auto_uninstall": True}
    for body in (kept, gone):
        created = await client.post(scripts, json=body, headers=headers)
        assert created.status_code == 200, created.text
        assert created.json()["data"]["api_client_id"] == CLIENT_ID
    answer = await client.post(f"/__sandbox__/control-panel/smallshop/apps/{CLIENT_ID}/uninstall")
    assert answer.json() == {"callback_status": 0, "tokens_revoked": 1, "scripts_removed": 1}
    assert [s["name"] for s in sandbox.store.scripts.values()] == ["kept"]
    refused = await client.get(scripts, headers=headers)
    assert refused.status_code == 401


async def test_scripts_validate_as_documented(admin: Any) -> None:
    _, client = admin
    token = (await client.post("/oauth2/token", json=_exchange(await _install(client)))).json()[
        "access_token"
    ]
    headers = {"X-Auth-Token": token}
    scripts = "/stores/smallshop/v3/content/scripts"
    bad = await client.post(
        scripts, json={"name": "x", "kind": "script_tag", "html": "<p>no script</p>", "load_method": "async"},
        headers=headers,
    )  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"html", "load_method"}
    made = await client.post(scripts, json={"name": "a", "src": "https://app.example/a.js"}, headers=headers)
    uuid = made.json()["data"]["uuid"]
    changed = await client.put(f"{scripts}/{uuid}", json={"enabled": False}, headers=headers)
    assert changed.json()["data"]["enabled"] is False and changed.json()["data"]["name"] == "a"
    assert (await client.delete(f"{scripts}/{uuid}", headers=headers)).status_code == 204
    assert (await client.get(f"{scripts}/{uuid}", headers=headers)).status_code == 404
