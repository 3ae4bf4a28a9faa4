"""Building a sandbox from command-line choices, and the banner that tells a person how to use it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from .app import Sandbox
from .demo import FULL_SCOPES, FULL_TOKEN, LIMITED_SCOPES, LIMITED_TOKEN, generate_demo_store
from .faults import FaultConfig
from .state import SandboxStore

log = logging.getLogger(__name__)


@dataclass
class SandboxOptions:
    products: int = 300
    seed: int = 0
    fixture: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8377
    quota: int | None = None
    window_ms: int = 30_000
    latency_ms: int = 0
    error_rate: float = 0.0
    drop_rate: float = 0.0


def load_store(options: SandboxOptions) -> SandboxStore:
    """The fixture file when one is given, else the generated demo store."""
    started = time.perf_counter()
    if options.fixture is not None:
        store = SandboxStore.from_file(options.fixture)
    else:
        store = SandboxStore.from_data(generate_demo_store(options.products, options.seed), "demo store")
    log.info("loaded %d products in %.2fs", len(store.products), time.perf_counter() - started)
    return store


def build_sandbox(options: SandboxOptions) -> Sandbox:
    faults = FaultConfig(
        latency_ms=options.latency_ms, error_rate=options.error_rate, drop_rate=options.drop_rate
    )
    return Sandbox([load_store(options)], faults=faults, window_ms=options.window_ms, quota=options.quota)


def banner(sandbox: Sandbox, base_url: str) -> str:
    """What a person needs: the base URL, the store hash, the tokens, and a first request to try."""
    store = sandbox.store
    lines = [
        f"BigCommerce sandbox (a local stand-in for api.bigcommerce.com) serving {store.info['name']!r}",
        f"  base URL:    {base_url}",
        f"  store hash:  {store.store_hash}",
        f"  products:    {len(store.products)}   orders: {len(store.orders)}",
        f"  quota:       {sandbox.limiter.quotas[store.store_hash]} requests"
        f" per {sandbox.limiter.window_ms} ms window",
    ]
    for token, scopes in store.tokens.items():
        if token == FULL_TOKEN and scopes == frozenset(FULL_SCOPES):
            label = "full token:   "
        elif token == LIMITED_TOKEN and scopes == frozenset(LIMITED_SCOPES):
            label = "limited token:"
        else:
            label = "token:        "
        lines.append(f"  {label} {token}  ({', '.join(sorted(scopes))})")
    example_token = next(iter(store.tokens), "<token>")
    lines += [
        "Try:",
        f"  curl -H 'X-Auth-Token: {example_token}' "
        f"'{base_url}/stores/{store.store_hash}/v3/catalog/products?limit=2&include=variants'",
        'Faults: PUT {base}/__sandbox__/faults with e.g. {"error_rate": 0.1, "latency_ms": 50}'.replace(
            "{base}", base_url
        ),
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def serve_forever(sandbox: Sandbox, host: str, port: int) -> None:
    uvicorn.run(sandbox, host=host, port=port, log_level="warning", lifespan="off", access_log=False)
