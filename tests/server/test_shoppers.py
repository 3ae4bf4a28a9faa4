"""Signed-in shoppers over HTTP: a Current Customer JWT from the sandbox's storefront makes "show my
orders" work without an email; forged, expired, ``alg: none``, other-store and other-app tokens leave the
shopper anonymous (with a log line, never a 500). Two stores behind one server: threads do not cross."""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import jwt
import pytest

from sandbox.demo import DEMO_APP_CLIENT_ID, DEMO_APP_CLIENT_SECRET, DEMO_STORE_HASH
from tests.server.conftest import ADMIN, SMALL_APP_SECRET, SMALL_HASH, Served

JANE = "jane.doe@example.com"


@pytest.fixture
def two_stores(served: Served) -> Served:
    return served


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "customer": {"id": 1, "email": JANE, "group_id": "1"},
        "iss": "bc/apps",
        "sub": DEMO_STORE_HASH,
        "iat": now,
        "exp": now + 900,
        "version": 1,
        "aud": DEMO_APP_CLIENT_ID,
        "application_id": "demoapp",
        "store_hash": DEMO_STORE_HASH,
        "operation": "current_customer",
    }
    return {**base, **changes}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def unsigned(payload: dict[str, Any]) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."


def ask(served: Served, text: str, token: str | None, store: str = DEMO_STORE_HASH) -> dict[str, Any]:
    with served.client() as client:
        thread_id, headers = served.thread(client, store)
        body: dict[str, Any] = {"text": text}
        if token is not None:
            body["customer_token"] = token
        answer = client.post(served.messages(thread_id, store), json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def lists_janes_orders(answer: dict[str, Any]) -> bool:
    text = " ".join(answer["replies"])
    return "#12345" in text and "#12346" in text


def asked_for_details(answer: dict[str, Any]) -> bool:
    """The anonymous answer to "show my orders": no orders listed, the order number and email asked for."""
    text = " ".join(answer["replies"]).lower()
    return not lists_janes_orders(answer) and ("email" in text or "signed in" in text)


def test_verified_shopper_sees_their_orders_by_token_alone(two_stores: Served) -> None:
    token = two_stores.shopper_token(JANE)
    answer = ask(two_stores, "show my orders", token)
    assert lists_janes_orders(answer), answer
    assert answer["tools"] == ["get_order_information"]
    guest = ask(two_stores, "show my orders", None)
    assert asked_for_details(guest)


def test_a_token_without_email_gets_it_from_the_customers_api(two_stores: Served) -> None:
    payload = claims(customer={"id": 1, "group_id": "1"})
    answer = ask(two_stores, "show my orders", jwt.encode(payload, DEMO_APP_CLIENT_SECRET, algorithm="HS256"))
    assert lists_janes_orders(answer), answer


@pytest.mark.parametrize(
    "kind",
    [
        "forged",
        "expired",
        "alg_none",
        "other_store",
        "other_app",
        "wrong_operation",
        "string_customer_id",
        "zero_customer_id",
        "garbage",
        "hs512",
    ],
)
def test_bad_tokens_leave_the_shopper_anonymous(
    two_stores: Served, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = DEMO_APP_CLIENT_SECRET
    tokens = {
        "forged": lambda: jwt.encode(claims(), "not-the-app-secret-at-all-0000000000", algorithm="HS256"),
        "expired": lambda: jwt.encode(
            claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), secret, algorithm="HS256"
        ),
        "alg_none": lambda: unsigned(claims()),
        "other_store": lambda: jwt.encode(
            claims(store_hash=SMALL_HASH, sub=SMALL_HASH), secret, algorithm="HS256"
        ),
        "other_app": lambda: jwt.encode(claims(), SMALL_APP_SECRET, algorithm="HS256"),
        "wrong_operation": lambda: jwt.encode(claims(operation="customer_login"), secret, algorithm="HS256"),
        "string_customer_id": lambda: jwt.encode(
            claims(customer={"id": "1", "email": JANE}), secret, algorithm="HS256"
        ),
        "zero_customer_id": lambda: jwt.encode(
            claims(customer={"id": 0, "email": JANE}), secret, algorithm="HS256"
        ),
        "garbage": lambda: "not.a.jwt",
        "hs512": lambda: jwt.encode(claims(), secret + "x" * 40, algorithm="HS512"),
    }
    token = tokens[kind]()
    with caplog.at_level(logging.WARNING, logger="agent.server.customer_token"):
        answer = ask(two_stores, "show my orders", token)
    assert asked_for_details(answer), answer
    assert "refused" in caplog.text and token not in caplog.text


def test_a_token_from_another_stores_storefront_is_anonymous(two_stores: Served) -> None:
    ann = two_stores.shopper_token(
        "ann@example.com", client_id="smallappclientid000000000000001", store=SMALL_HASH
    )
    assert lists_janes_orders(ask(two_stores, "show my orders", two_stores.shopper_token(JANE)))
    answer = ask(two_stores, "show my orders", ann)  # to a thread of the demo store
    assert asked_for_details(answer)
    own = ask(two_stores, "show my orders", ann, store=SMALL_HASH)
    assert not asked_for_details(own), own  # in its own store the token counts


def test_identity_holds_for_one_message_only(two_stores: Served) -> None:
    token = two_stores.shopper_token(JANE)
    with two_stores.client() as client:
        thread_id, headers = two_stores.thread(client)
        url = two_stores.messages(thread_id)
        signed_in = client.post(
            url, json={"text": "show my orders", "customer_token": token}, headers=headers
        )
        assert lists_janes_orders(signed_in.json())
        signed_out = client.post(url, json={"text": "show my orders"}, headers=headers)
    assert asked_for_details(signed_out.json())


def test_threads_belong_to_their_store(two_stores: Served) -> None:
    with two_stores.client() as client:
        thread_id, headers = two_stores.thread(client, SMALL_HASH)
        crossed = client.post(
            two_stores.messages(thread_id, DEMO_STORE_HASH), json={"text": "hi"}, headers=headers
        )
        assert crossed.status_code == 404 and crossed.json()["error"]["code"] == "unknown_thread"
        own = client.post(two_stores.messages(thread_id, SMALL_HASH), json={"text": "hi"}, headers=headers)
        assert own.status_code == 200
        ready = client.get("/readyz", headers=ADMIN).json()
    assert set(ready["stores"]) == {DEMO_STORE_HASH, SMALL_HASH}
