"""The per-store budget of chat turns (``agent/server/budget.py``) over HTTP: one client cannot take more
than its share of the store's budget (a fast, honest ``429 store_busy`` with ``Retry-After``), other
clients are still admitted until the store's own chat budget is spent, and open streams are capped per
client. Clients are told apart by a trusted proxy's X-Forwarded-For (loopback trusted here)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from agent.server.app import ServeOptions
from agent.server.budget import BUSY, open_stream, released
from agent.server.errors import ApiError
from agent.server.limits import MemoryRateLimiter, StreamSlots
from agent.settings import ServeSettings
from sandbox.demo import DEMO_STORE_HASH
from tests.server.conftest import ADMIN, Served, serve_stores

# the sandbox's quota is 1,000,000 per 30 s: 0.6 of it at 100,000 requests a turn is 6 turns per window,
# half of that (3) per client
LIMITS = {
    "turn_requests": 100_000,
    "client_budget_share": 0.5,
    "trusted_proxies": ("127.0.0.1",),
}


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


CLOCK = Clock()


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Served]:
    options = ServeOptions(limiter=MemoryRateLimiter(clock=CLOCK))
    with serve_stores(tmp_path_factory.mktemp("home"), embedder, options=options, **LIMITS) as served:
        yield served


@pytest.fixture(autouse=True)
def fresh_window(budgeted: Served) -> Iterator[None]:
    # the store's quota is read from its answers: have it answer once (readiness asks GET /v2/time)
    assert httpx.get(f"{budgeted.url}/readyz", headers=ADMIN).status_code == 200
    yield
    CLOCK.now += 120  # every test starts with the budget unspent


def ask(served: Served, client: httpx.Client, address: str) -> httpx.Response:
    proxy = {"X-Forwarded-For": address}
    created = client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}, headers=proxy)
    body = created.json()
    headers = {"X-Thread-Secret": body["secret"], **proxy}
    return client.post(served.messages(body["thread_id"]), json={"text": "hi"}, headers=headers)


def test_one_client_gets_its_share_and_the_store_its_budget(budgeted: Served) -> None:
    with budgeted.client() as client:
        flood = [ask(budgeted, client, "203.0.113.50") for _ in range(5)]
        assert [a.status_code for a in flood] == [200, 200, 200, 429, 429]
        refused = flood[-1]
        assert refused.json()["error"] == {"code": "store_busy", "message": BUSY}
        assert 1 <= int(refused.headers["Retry-After"]) <= 30
        honest = [ask(budgeted, client, "198.51.100.7") for _ in range(2)]
        assert [a.status_code for a in honest] == [200, 200]  # another shopper is still served
        late = ask(budgeted, client, "192.0.2.99")
        assert late.status_code == 200  # the 6th turn of the store's window
        spent = ask(budgeted, client, "192.0.2.100")
        assert spent.status_code == 429 and spent.json()["error"]["code"] == "store_busy"


async def test_open_streams_are_capped_per_client_and_store() -> None:
    serve = ServeSettings(streams_per_client=2, streams_per_store=3)
    server: Any = SimpleNamespace(settings=SimpleNamespace(serve=serve), streams=StreamSlots())
    store: Any = SimpleNamespace(store_hash="shop")
    first = open_stream(server, store, "a")
    open_stream(server, store, "a")
    with pytest.raises(ApiError) as refused:
        open_stream(server, store, "a")  # the client's third
    assert refused.value.status == 429 and refused.value.code == "too_many_streams"
    open_stream(server, store, "b")
    with pytest.raises(ApiError):
        open_stream(server, store, "c")  # the store's fourth

    async def body() -> AsyncIterator[bytes]:
        yield b"event: done"

    assert [chunk async for chunk in released(body(), server, first)] == [b"event: done"]
    assert open_stream(server, store, "c")  # the first stream's slots were given back when it ended
