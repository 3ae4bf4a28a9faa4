"""Scope loss (issue 22): after a 401/403 the guard re-probes the token's scopes, at most once a minute,
reports exactly the families lost, and a token refused outright as revoked (every scope lost)."""

from __future__ import annotations

import httpx

from agent.store.connections import Connection
from agent.store.scope_loss import REVOKED_ADVICE, ScopeGuard, lost_words
from bigcommerce import AsyncBigCommerce
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.state import SandboxStore


async def test_scope_guard_probes_at_most_once_a_minute_and_tells_a_revoked_token() -> None:
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    now = [0.0]
    scopes = {"information": "read", "orders": "modify", "marketing": "read", "products": "read"}
    guard = ScopeGuard(
        Connection(DEMO_STORE_HASH, "http://sandbox.test", scopes=scopes), clock=lambda: now[0]
    )
    store.tokens[FULL_TOKEN] = frozenset(s for s in store.tokens[FULL_TOKEN] if "marketing" not in s)
    transport = httpx.ASGITransport(app=Sandbox([store], quota=10**6))
    async with AsyncBigCommerce(
        DEMO_STORE_HASH, FULL_TOKEN, base_url="http://sandbox.test", transport=transport, max_retries=0
    ) as client:
        lost = await guard.refused(client)
        assert lost is not None and lost.scopes == {"marketing": "none"} and not lost.token_revoked
        assert "Marketing" in lost_words(lost) and "bcagent connect" in lost_words(lost)
        sent = client.stats.requests
        now[0] = 59.0
        assert (
            await guard.refused(client) is None and client.stats.requests == sent
        )  # no probe within a minute
        del store.tokens[FULL_TOKEN]
        now[0] = 61.0
        revoked = await guard.refused(client)
        assert revoked is not None and revoked.token_revoked
        assert set(revoked.scopes) == {"information", "orders", "marketing", "products"}
        assert lost_words(revoked) == REVOKED_ADVICE and "API Accounts" in REVOKED_ADVICE


async def test_a_401_is_the_verdict_without_a_probe() -> None:
    guard = ScopeGuard(Connection(DEMO_STORE_HASH, "http://sandbox.test", scopes={"orders": "read"}))
    transport = httpx.MockTransport(lambda request: httpx.Response(500))  # a probe would fail
    async with AsyncBigCommerce(
        DEMO_STORE_HASH, FULL_TOKEN, base_url="http://x.test", transport=transport
    ) as client:
        revoked = await guard.refused(client, unauthorized=True)
        assert revoked is not None and revoked.token_revoked and revoked.scopes == {"orders": "none"}
        assert client.stats.requests == 0
        assert await guard.refused(client, unauthorized=True) is None  # recorded once
