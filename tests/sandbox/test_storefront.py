"""The sandbox's storefront: a fixture customer signs in, and `GET /customer/current.jwt` answers
BigCommerce's Current Customer JWT signed with the app's client secret; guests and unknown apps get 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from sandbox.app import Sandbox
from sandbox.demo import DEMO_APP_CLIENT_ID, DEMO_APP_CLIENT_SECRET, generate_demo_store
from sandbox.schema import FixtureError
from sandbox.state import SandboxStore

JWT_PATH = "/customer/current.jwt"


@pytest.fixture
async def storefront() -> AsyncIterator[httpx.AsyncClient]:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(20, seed=0))])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://shop.test"
    ) as client:
        yield client


async def _login(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/__sandbox__/storefront/demostore/login", json={"email": email})


async def test_guest_gets_404(storefront: httpx.AsyncClient) -> None:
    answer = await storefront.get(JWT_PATH, params={"app_client_id": DEMO_APP_CLIENT_ID})
    assert answer.status_code == 404


async def test_signed_in_shopper_gets_a_token_signed_with_the_apps_secret(
    storefront: httpx.AsyncClient,
) -> None:
    assert (await _login(storefront, "Jane.Doe@example.com")).status_code == 200
    answer = await storefront.get(JWT_PATH, params={"app_client_id": DEMO_APP_CLIENT_ID})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert jwt.get_unverified_header(answer.text)["alg"] == "HS256"
    claims: dict[str, Any] = jwt.decode(
        answer.text, DEMO_APP_CLIENT_SECRET, algorithms=["HS256"], audience=DEMO_APP_CLIENT_ID
    )
    assert claims["customer"]["id"] == 1 and claims["customer"]["email"] == "jane.doe@example.com"
    assert isinstance(claims["customer"]["group_id"], str)
    assert claims["store_hash"] == "demostore" and claims["operation"] == "current_customer"
    assert claims["iss"] == "bc/apps" and claims["exp"] - claims["iat"] == 900
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            answer.text,
            "another-secret-entirely-0000000000",
            algorithms=["HS256"],
            audience=DEMO_APP_CLIENT_ID,
        )


async def test_unknown_app_unknown_customer_and_logout(storefront: httpx.AsyncClient) -> None:
    assert (await _login(storefront, "nobody@example.com")).status_code == 404
    bad = await storefront.post("/__sandbox__/storefront/demostore/login", json={"mail": "x"})
    assert bad.status_code == 422
    assert (
        await storefront.post("/__sandbox__/storefront/nosuch/login", json={"email": "a@b.c"})
    ).status_code == 404
    assert (await _login(storefront, "jane.doe@example.com")).status_code == 200
    assert (await storefront.get(JWT_PATH, params={"app_client_id": "not-an-app"})).status_code == 404
    await storefront.post("/__sandbox__/storefront/demostore/logout")
    assert (await storefront.get(JWT_PATH, params={"app_client_id": DEMO_APP_CLIENT_ID})).status_code == 404


def test_apps_in_the_fixture_format(small_data: dict[str, Any]) -> None:
    small_data["apps"] = [{"client_id": "smallapp0001", "client_secret": "smallsecret0001"}]
    store = SandboxStore.from_data(small_data)
    assert store.apps["smallapp0001"]["client_secret"] == "smallsecret0001"
    assert SandboxStore.from_data(store.to_fixture()).apps == store.apps
    small_data["apps"] = [{"client_id": "smallapp0001", "client_secret": "short"}]
    with pytest.raises(FixtureError, match=r"apps\[0\]\.client_secret"):
        SandboxStore.from_data(small_data)
