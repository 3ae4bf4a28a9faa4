"""The server's small parts without a server: the sliding-window limiter, the turn locks, the origin
policy and the Current Customer JWT checks (leeway, claims), and the settings of `bcagent serve`."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from agent.server.cors import OriginPolicy, normalize_origin
from agent.server.customer_token import TokenRefused, verify
from agent.server.limits import MemoryRateLimiter, MemoryTurnLocks
from agent.settings import ServeSettings, SettingsError
from agent.store.connections import Secret, StorefrontApp

APP = StorefrontApp("client-id-0001", Secret("client-secret-0000000000000000001"))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_sliding_window_limits_and_says_when_to_retry() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock, sweep_every=5)
    assert [await limiter.hit("a", 3) for _ in range(3)] == [None, None, None]
    clock.now = 20
    wait = await limiter.hit("a", 3)
    assert wait is not None and 39 < wait <= 40  # the first hit leaves the window at t=60
    assert await limiter.hit("b", 3) is None  # keys are independent
    clock.now = 60.5
    assert await limiter.hit("a", 3) is None
    clock.now = 500
    for _ in range(5):
        await limiter.hit("c", 100)
    assert "a" not in limiter._hits and "b" not in limiter._hits  # idle keys are forgotten


async def test_turn_locks_refuse_a_second_holder() -> None:
    locks = MemoryTurnLocks()
    assert await locks.acquire("s:t") is True
    assert await locks.acquire("s:t") is False
    assert await locks.acquire("s:other") is True
    await locks.release("s:t")
    assert await locks.acquire("s:t") is True
    assert locks.held() == 2


def test_origin_policy() -> None:
    assert normalize_origin("https://Shop.Example/some/page") == "https://shop.example"
    policy = OriginPolicy(["https://shop.example/", "*", ""])
    scope: dict[str, Any] = {"scheme": "http", "headers": [(b"host", b"127.0.0.1:8378")]}
    assert policy.allows("https://shop.example", scope)
    assert policy.allows("http://127.0.0.1:8378", scope)  # same origin
    assert not policy.allows("https://evil.example", scope)
    assert "*" not in policy.origins


def _token(secret: str = "client-secret-0000000000000000001", **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "customer": {"id": 7, "email": "ann@example.com", "group_id": "2"},
        "store_hash": "abc123",
        "operation": "current_customer",
        "iat": now,
        "exp": now + 900,
        "aud": "client-id-0001",
    }
    return jwt.encode({**claims, **changes}, secret, algorithm="HS256")


def test_a_valid_token_gives_the_shopper() -> None:
    shopper = verify(_token(), "abc123", APP)
    assert (shopper.customer_id, shopper.email, shopper.group_id) == (7, "ann@example.com", 2)


def test_exp_has_a_small_leeway_only() -> None:
    now = int(time.time())
    assert verify(_token(exp=now - 10), "abc123", APP, leeway_seconds=30).customer_id == 7
    with pytest.raises(TokenRefused, match="expired"):
        verify(_token(exp=now - 60), "abc123", APP, leeway_seconds=30)
    with pytest.raises(TokenRefused):
        verify(_token(exp=None), "abc123", APP)  # exp is required


# The tokens are built in the test, not at collection: a token made at collection carries a 15-minute
# `exp`, and a suite that takes longer than that on a busy machine would see "expired" instead.
@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"store_hash": "other1"}, "another store"),
        ({"operation": "customer_login"}, "operation"),
        ({"customer": {"id": True, "email": "x@example.com"}}, "positive integer"),
        ({"customer": {"id": -3}}, "positive integer"),
        ({"customer": "7"}, "customer claim"),
        ({"secret": "wrong-secret-000000000000000000000"}, "signature"),
        (None, "oversized"),
    ],
)
def test_refusals_name_their_reason(changes: dict[str, Any] | None, reason: str) -> None:
    token = "x" * 5000 if changes is None else _token(**changes)
    with pytest.raises(TokenRefused, match=reason):
        verify(token, "abc123", APP)


def test_serve_settings_from_env() -> None:
    settings = ServeSettings.from_env(
        {
            "BCAGENT_PORT": "9000",
            "BCAGENT_CORS_ORIGINS": "https://a.example/, https://b.example",
            "BCAGENT_RATE_PER_THREAD": "5",
        }
    )
    assert settings.port == 9000 and settings.rate_per_thread == 5 and settings.max_message_chars == 2000
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    with pytest.raises(SettingsError, match="BCAGENT_RATE_PER_CLIENT"):
        ServeSettings.from_env({"BCAGENT_RATE_PER_CLIENT": "0"})
    assert "client-secret" not in repr(APP)
