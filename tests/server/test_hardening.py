"""Input hardening over HTTP and in the pieces behind it (issue 27): lone surrogates and out-of-range
integers are 422s, a forged customer id is no 500, webhook payloads of the wrong types are 400s, Host
names are checked before any redirect or own-origin check, CORS is per store, /readyz names no store
without the admin token, and every SQLite file is readable by its owner only."""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from agent.server.cors import OriginPolicy
from agent.server.customer_token import TokenRefused, verify
from agent.server.hosts import HostCheck, host_name
from agent.store.connections import Secret, StorefrontApp
from agent.store.freshness import _parse
from sandbox.demo import DEMO_STORE_HASH
from tests.server.conftest import Served, serve_stores


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Served]:
    with serve_stores(tmp_path_factory.mktemp("home"), embedder) as served:
        yield served


def code_of(answer: httpx.Response) -> str:
    assert "Traceback" not in answer.text
    return str(answer.json()["error"]["code"])


def test_lone_surrogates_and_huge_integers_are_422(hardened: Served) -> None:
    with hardened.client() as client:
        thread_id, headers = hardened.thread(client)
        url = hardened.messages(thread_id)
        json_headers = {**headers, "Content-Type": "application/json"}
        for body in (
            b'{"text": "hi \\ud800"}',
            b'{"text": "hi", "page": {"product_id": 18446744073709551616}}',
            b'{"text": "hi", "page": {"product_id": 2147483648}}',
            b'{"text": "hi", "customer_token": "\\udfff"}',
        ):
            answer = client.post(url, content=body, headers=json_headers)
            assert answer.status_code == 422 and code_of(answer) == "invalid_request", body
        confirm = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation"
        answer = client.post(
            confirm, content=b'{"proposal_id": "\\ud800", "confirm": true}', headers=json_headers
        )
        assert answer.status_code == 422
        fine = client.post(url, json={"text": "hi 👋", "page": {"product_id": 1}}, headers=headers)
        assert fine.status_code == 200


def test_a_customer_id_out_of_range_is_refused_not_a_500() -> None:
    app = StorefrontApp("client-id", Secret("s" * 32))
    claims = {
        "operation": "current_customer",
        "store_hash": "abc",
        "customer": {"id": 2**70, "email": "x@example.com"},
        "exp": int(time.time()) + 300,
    }
    token = jwt.encode(claims, "s" * 32, algorithm="HS256")
    with pytest.raises(TokenRefused, match="of 32 bits"):
        verify(token, "abc", app)


def test_webhook_payloads_of_the_wrong_types_are_refused() -> None:
    base = {"scope": "store/sku/updated", "producer": "stores/abc", "hash": "h", "created_at": 1}
    for data in (
        {"id": 5, "sku": "a string"},
        {"id": 5, "inventory": [1, 2]},
        {"id": 5, "sku": {"product_id": 2**63}},
        {"id": 5, "sku": {"product_id": "12"}},
    ):
        assert _parse(httpx.Request("POST", "/", json={**base, "data": data}).read()) is None, data
    product = {**base, "scope": "store/product/updated"}
    assert _parse(httpx.Request("POST", "/", json={**product, "data": {"id": 2**63}}).read()) is None
    assert _parse(httpx.Request("POST", "/", json={**product, "data": {"id": True}}).read()) is None
    lenient = _parse(httpx.Request("POST", "/", json={**base, "created_at": "soon", "data": {}}).read())
    assert lenient is not None and lenient.created_at is None  # a lenient field: read as missing, no 500
    good = _parse(httpx.Request("POST", "/", json={**base, "data": {"sku": {"product_id": 12}}}).read())
    assert good is not None


def test_hosts_are_checked_before_redirects_and_origins(hardened: Served) -> None:
    with hardened.client() as client:
        evil = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/", headers={"Host": "evil.example"})
        assert evil.status_code == 400 and code_of(evil) == "invalid_host"
        assert "location" not in evil.headers
        rebound = client.post(
            f"/v1/stores/{DEMO_STORE_HASH}/threads",
            json={},
            headers={"Host": "evil.example:8378", "Origin": "http://evil.example:8378"},
        )
        assert rebound.status_code == 400
        assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 200
    check = HostCheck(app=None, hosts=("chat.example.com", "*.shop.example"))  # type: ignore[arg-type]
    assert check.allows("Chat.Example.com:443") and check.allows("eu.shop.example")
    assert not check.allows("shop.example.evil.example") and not check.allows("evil.example")
    assert host_name("[::1]:8378") == "::1"


def test_cors_is_per_store() -> None:
    policy = OriginPolicy(
        ["https://one.example", "https://two.example", "http://127.0.0.1:8378"],
        {"one": ["https://one.example"], "two": ["https://two.example"]},
    )

    def scope(path: str) -> dict[str, Any]:
        return {"path": path, "headers": [(b"host", b"127.0.0.1:8378")], "scheme": "http"}

    assert policy.allows("https://one.example", scope("/v1/stores/one/threads"))  # type: ignore[arg-type]
    assert not policy.allows("https://one.example", scope("/v1/stores/two/threads"))  # type: ignore[arg-type]
    assert policy.allows("https://two.example", scope("/v1/stores/two/config"))  # type: ignore[arg-type]
    assert policy.allows("http://127.0.0.1:8378", scope("/v1/stores/two/config"))  # type: ignore[arg-type]
    assert not policy.allows("https://evil.example", scope("/v1/stores/one/config"))  # type: ignore[arg-type]


def test_readyz_names_no_store_without_the_admin_token(hardened: Served) -> None:
    with hardened.client() as client:
        anonymous = client.get("/readyz")
        assert anonymous.status_code == 200 and DEMO_STORE_HASH not in anonymous.text
        assert client.get("/readyz", headers={"Authorization": "Bearer nope"}).json().get("stores") is None
        admin = hardened.settings.serve.admin_token
        detailed = client.get("/readyz", headers={"Authorization": f"Bearer {admin}"})
        assert DEMO_STORE_HASH in detailed.json()["stores"]


def test_every_sqlite_file_is_private(hardened: Served) -> None:
    with hardened.client() as client:
        thread_id, headers = hardened.thread(client)
        assert (
            client.post(hardened.messages(thread_id), json={"text": "hi"}, headers=headers).status_code == 200
        )
    files = [p for p in hardened.settings.home.rglob("*.sqlite*") if "chroma" not in p.parts]
    names = {p.name for p in files}
    assert {"agent.sqlite", "checkpoints.sqlite", "serve.sqlite"} <= names, names
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
