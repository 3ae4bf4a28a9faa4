"""Benchmark: sandbox requests per second over loopback for a 250-product page with all includes.

Measured in one run, side by side with the cheapest request (GET /v2/time) as the baseline, so the
ratio says what the page costs beyond HTTP overhead on this (shared, noisy) machine.

    python benchmarks/sandbox_requests.py [--products 2000] [--seconds 5] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore

PAGE = "/v3/catalog/products?limit=250&include=variants,images,custom_fields,videos"


async def hammer(base_url: str, path: str, seconds: float, concurrency: int) -> tuple[float, float]:
    """Requests per second and MB per second for one path, `concurrency` requests in flight."""
    headers = {"X-Auth-Token": FULL_TOKEN}
    done = 0
    received = 0
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker(offset: int) -> None:
            nonlocal done, received
            page = offset
            while time.perf_counter() < deadline:
                url = path.replace("{page}", str(page % 8 + 1))
                response = await client.get(url)
                response.raise_for_status()
                done += 1
                received += len(response.content)
                page += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return done / elapsed, received / elapsed / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    store = SandboxStore.from_data(generate_demo_store(args.products, seed=1))
    sandbox = Sandbox([store], quota=10**9)
    with SandboxServer(sandbox) as server:
        base = f"{server.base_url}/stores/{DEMO_STORE_HASH}"
        light, _ = asyncio.run(hammer(base, "/v2/time", args.seconds, args.concurrency))
        heavy, mb = asyncio.run(hammer(base, PAGE + "&page={page}", args.seconds, args.concurrency))
    print(f"{'request':<48} {'req/s':>8} {'products/s':>11} {'MB/s':>7}")
    print(f"{'GET /v2/time (baseline)':<48} {light:>8.1f} {'':>11} {'':>7}")
    print(f"{'GET 250 products, all includes':<48} {heavy:>8.1f} {heavy * 250:>11.0f} {mb:>7.1f}")
    print(
        f"ratio page/baseline: {heavy / light:.3f} (store of {args.products:,} products, {args.concurrency} in flight)"
    )


if __name__ == "__main__":
    main()
