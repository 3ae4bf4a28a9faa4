"""Benchmark: catalog freshness through webhooks against the scheduled sync alone, side by side.

The sandbox (the demo store) runs in its own process; the webhook receiver (the router of
agent/server/webhooks.py with the FreshnessService in its lifespan, as `bcagent serve` mounts them)
runs on a real uvicorn on loopback in this process. 100 indexed products are changed one by one
through the sandbox's admin routes (price, hidden, sold out, renamed, in turn); the sandbox delivers
its webhooks, and the time from each change to the index reflecting it is measured. Printed, all
measured in this one run:

- change -> index latency p50 / p95 / max (goal p95 <= 3 s), with the default 250 ms debounce;
- BigCommerce requests per change on the webhook path (goal <= 1.1);
- the same 100 changes on a fresh copy of the store found by the scheduled (incremental) sync alone:
  the requests of one sync that catches all of them (its staleness is the interval, 15 min by
  default), and of a sync after every change (what polling would cost for webhook-like freshness),
  each as a ratio to the webhook path's requests.

    python benchmarks/freshness.py [--products 200] [--changes 100] [--seed 3]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

# benchmarks/ingest.py is named like the `ingest` package: keep this folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agent.ports import free_port  # noqa: E402
from agent.server.webhooks import WEBHOOK_PATH, webhook_router  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.store import hooks  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from agent.store.freshness_service import FreshnessService  # noqa: E402
from ingest.embeddings import MiniLMEmbedding  # noqa: E402
from ingest.vectors import ProductIndex  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN  # noqa: E402
from sandbox.process import start_sandbox_process  # noqa: E402

KINDS = ("price", "hidden", "sold out", "renamed")


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def app_for(service: FreshnessService) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        yield
        await service.stop()

    app = FastAPI(lifespan=lifespan)
    app.include_router(webhook_router(service.receiver))
    return app


def change_for(i: int, product_id: int) -> tuple[dict[str, Any], Callable[[ProductIndex], bool]]:
    """The i-th change (its admin PATCH body) and the check that the index reflects it."""
    kind = KINDS[i % len(KINDS)]
    doc = f"product-{product_id}"

    def metadata(index: ProductIndex) -> dict[str, Any]:
        found = index.get(doc)
        return dict(found["metadata"]) if found else {}

    if kind == "price":
        price = 1000.0 + i
        return {"price": price, "sale_price": 0}, lambda index: metadata(index).get("price") == price
    if kind == "hidden":
        return {"is_visible": False}, lambda index: index.get(doc) is None
    if kind == "sold out":
        return {"inventory_tracking": "product", "inventory_level": 0}, lambda index: index.get(doc) is None
    name = f"Renamed Product {i}"
    return {"name": name}, lambda index: metadata(index).get("name") == name


async def connect(home: Path, base_url: str) -> Settings:
    settings = Settings(home=home)
    await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base_url, ConnectionStore(home))
    return settings


async def webhooks_phase(
    args: argparse.Namespace, home: Path, base_url: str, embedder: MiniLMEmbedding
) -> dict[str, Any]:
    settings = await connect(home, base_url)
    connections = ConnectionStore(home)
    connections.save_webhook_secret(DEMO_STORE_HASH, Secret("benchmark-secret-000000000000000"))
    service = FreshnessService(settings, embedder, [DEMO_STORE_HASH], interval_seconds=0)
    async with serve(app_for(service)) as receiver, httpx.AsyncClient(base_url=base_url) as admin:
        await hooks.register(connections, DEMO_STORE_HASH, receiver + WEBHOOK_PATH)
        store = service.stores[DEMO_STORE_HASH]
        started = time.perf_counter()
        initial = await store.scheduler.run_once()
        assert initial is not None
        print(f"initial sync: {initial.indexed} products indexed in {time.perf_counter() - started:.1f} s")
        index = store.catalog.index
        ids = sorted(int(d.split("-")[1]) for d in index.hashes())[: args.changes]
        requests_before = store.follower.requests
        latencies = []
        for i, product_id in enumerate(ids):
            body, reflected = change_for(i, product_id)
            t0 = time.perf_counter()
            response = await admin.patch(
                f"/__sandbox__/stores/{DEMO_STORE_HASH}/products/{product_id}", json=body
            )
            response.raise_for_status()
            while not reflected(index):
                if time.perf_counter() - t0 > 60:
                    raise RuntimeError(f"change {i} of product {product_id} never reached the index")
                await asyncio.sleep(0.005)
            latencies.append(time.perf_counter() - t0)
        await store.follower.wait_idle()
        requests = store.follower.requests - requests_before
    return {"ids": ids, "latencies": latencies, "requests": requests, "batches": store.follower.batches}


async def scheduled_phase(
    ids: list[int], home: Path, base_url: str, embedder: MiniLMEmbedding, each: bool
) -> dict[str, Any]:
    """The same changes on a fresh store, found by incremental syncs only: one at the end, or one per change."""
    settings = await connect(home, base_url)
    service = FreshnessService(settings, embedder, [DEMO_STORE_HASH], interval_seconds=0)
    await service.start()
    try:
        store = service.stores[DEMO_STORE_HASH]
        assert await store.scheduler.run_once() is not None
        index = store.catalog.index
        requests = 0
        checks = []
        async with httpx.AsyncClient(base_url=base_url) as admin:
            for i, product_id in enumerate(ids):
                body, reflected = change_for(i, product_id)
                checks.append(reflected)
                url = f"/__sandbox__/stores/{DEMO_STORE_HASH}/products/{product_id}"
                (await admin.patch(url, json=body)).raise_for_status()
                if each or i == len(ids) - 1:
                    report = await store.scheduler.run_once()
                    assert report is not None
                    requests += report.api_requests
        found = sum(1 for check in checks if check(index))
    finally:
        await service.stop()
    return {"requests": requests, "found": found}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(args: argparse.Namespace) -> None:
    embedder = MiniLMEmbedding()
    embedder.encode(["warm up"])
    results: dict[str, Any] = {}
    for phase in ("webhooks", "one scheduled sync", "a sync per change"):
        port = free_port()
        process = start_sandbox_process(args.products, args.seed, port)
        try:
            with tempfile.TemporaryDirectory() as home:
                base_url = f"http://127.0.0.1:{port}"
                if phase == "webhooks":
                    results[phase] = await webhooks_phase(args, Path(home), base_url, embedder)
                else:
                    ids = results["webhooks"]["ids"]
                    each = phase == "a sync per change"
                    results[phase] = await scheduled_phase(ids, Path(home), base_url, embedder, each)
        finally:
            process.terminate()
            process.wait(timeout=10)
    hooks_result = results["webhooks"]
    n = len(hooks_result["ids"])
    latencies = hooks_result["latencies"]
    per_change = hooks_result["requests"] / n
    print(f"\n{n} changes ({', '.join(KINDS)}), one by one, {args.products}-product demo store")
    print(
        f"webhooks: change -> index p50 {statistics.median(latencies):.2f} s, "
        f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s (goal p95 <= 3 s)"
    )
    print(
        f"webhooks: {hooks_result['requests']} BigCommerce requests in {hooks_result['batches']} batches, "
        f"{per_change:.2f} per change (goal <= 1.1)"
    )
    for phase in ("one scheduled sync", "a sync per change"):
        found = results[phase]
        ratio = found["requests"] / max(1, hooks_result["requests"])
        print(
            f"{phase}: {found['requests']} requests, {found['requests'] / n:.2f} per change, "
            f"{ratio:.2f}x the webhooks' requests; found {found['found']}/{n} changes"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
