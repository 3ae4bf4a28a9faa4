"""Benchmark: listing a whole catalog through the client (`client.products.iter`), then the same
crawl under a 429 storm (a small request quota per window).

Measured in one run against a demo store served over loopback by `SandboxServer`:

1. Every product with all includes, 250 a page, with no quota to speak of: requests the client sent,
   requests the sandbox answered, the minimum ceil(N/250) and their ratio (goal 1.00), products/s and
   elapsed time. The same crawl at the storm's page size is timed too: it is the storm's baseline.
2. The storm: a quota of 50 requests per window, the window shortened (`--window-ms`) so the run stays
   short, and a smaller page (`--storm-limit`) so the crawl spans many windows. Requests the sandbox
   answered 429 (counted at the sandbox; goal 0), the client's own counters, total time, the
   theoretical minimum time and total/minimum.

Both parts check that every product was listed exactly once.

    python benchmarks/client_listing.py [--products 10000] [--window-ms 2000] [--storm-limit 50]
                                        [--quota 50] [--priority interactive|bulk]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import Message, Receive, Scope, Send

from bigcommerce import AsyncBigCommerce, ClientStats, Priority
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore

INCLUDES = ["variants", "images", "custom_fields", "videos"]
FULL_PAGE = 250
NO_QUOTA = 10**9


class CountingSandbox(Sandbox):
    """The sandbox, counting the statuses it answers API requests (`/stores/...`) with.

    Wrapping `send` hides uvicorn's transport from the sandbox's `drop` fault; no fault is used here.
    """

    def __init__(self, stores: Iterable[SandboxStore], *, quota: int, window_ms: int) -> None:
        super().__init__(stores, quota=quota, window_ms=window_ms)
        self.statuses: Counter[int] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/stores/"):
            await super().__call__(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.statuses[int(message["status"])] += 1
            await send(message)

        await super().__call__(scope, receive, counting_send)


@dataclass(frozen=True)
class Crawl:
    """One listing of the whole catalog, as the client and the sandbox saw it."""

    products: int
    limit: int
    listed: int
    unique: int
    elapsed: float
    stats: ClientStats
    statuses: Counter[int]

    @property
    def minimum_requests(self) -> int:
        return math.ceil(self.products / self.limit)

    @property
    def served(self) -> int:
        return sum(self.statuses.values())

    @property
    def exactly_once(self) -> str:
        ok = self.listed == self.unique == self.products
        return f"{'yes' if ok else 'NO'} ({self.unique:,} unique ids in {self.listed:,} listed)"


async def list_all(base_url: str, limit: int, priority: Priority) -> tuple[list[int], float, ClientStats]:
    """Every product id, listed page after page through `client.products.iter`, and the elapsed time."""
    ids: list[int] = []
    async with AsyncBigCommerce(DEMO_STORE_HASH, FULL_TOKEN, base_url=base_url, priority=priority) as client:
        started = time.perf_counter()
        async for product in client.products.iter(limit=limit, include=INCLUDES):
            assert product.id is not None, "a product without an id"
            ids.append(product.id)
        elapsed = time.perf_counter() - started
        return ids, elapsed, client.stats


def crawl(
    server: SandboxServer, sandbox: CountingSandbox, products: int, limit: int, priority: Priority
) -> Crawl:
    """Run one crawl and check that it listed every product exactly once."""
    sandbox.statuses.clear()
    ids, elapsed, stats = asyncio.run(list_all(server.base_url, limit, priority))
    assert len(set(ids)) == len(ids), f"limit {limit}: {len(ids) - len(set(ids))} products listed twice"
    assert len(ids) == products, f"limit {limit}: listed {len(ids)} products, expected {products}"
    return Crawl(products, limit, len(ids), len(set(ids)), elapsed, stats, Counter(sandbox.statuses))


def minimum_storm_time(requests: int, quota: int, window_s: float, per_request_s: float) -> tuple[float, str]:
    """The least time a page-after-page crawl of `requests` requests can take under the quota.

    The sandbox opens a window at the first request after the previous one ran out, and answers at most
    `quota` requests in it, so `requests` need ceil(requests/quota) windows and the last one cannot
    open before (windows - 1) full windows have passed. In it, the remaining requests still take their
    unthrottled time each (`per_request_s`, measured in part 1 at the same page size: scaling the
    250-product pages would overstate it). The work done inside the earlier windows overlaps the wait
    for them to end, so it is not added again; if pages are so slow that a window ends before its quota
    is spent, the crawl is never throttled and the unthrottled time of all requests is the floor.
    Returns the floor in seconds and how it was reached.
    """
    windows = math.ceil(requests / quota)
    in_last_window = requests - quota * (windows - 1)
    quota_bound = (windows - 1) * window_s + in_last_window * per_request_s
    unthrottled = requests * per_request_s
    per_request_ms = per_request_s * 1000
    if quota_bound >= unthrottled:
        how = f"{windows - 1} full windows + {in_last_window} requests x {per_request_ms:.1f} ms unthrottled"
        return quota_bound, how
    return unthrottled, f"{requests} requests x {per_request_ms:.1f} ms unthrottled: the quota never binds"


def print_part1(full: Crawl, small: Crawl) -> None:
    print(f"part 1: list {full.products:,} products with all includes, no quota")
    print(
        f"{'page size':<26} {'client req':>10} {'sandbox req':>11} {'minimum':>8} {'ratio':>6} "
        f"{'products/s':>11} {'elapsed s':>10}"
    )
    for row, label in ((full, "limit 250 (the goal)"), (small, f"limit {small.limit} (storm baseline)")):
        print(
            f"{label:<26} {row.stats.requests:>10} {row.served:>11} {row.minimum_requests:>8} "
            f"{row.stats.requests / row.minimum_requests:>6.2f} {row.products / row.elapsed:>11.0f} "
            f"{row.elapsed:>10.2f}"
        )
    for row in (full, small):
        print(f"every product listed exactly once at limit {row.limit}: {row.exactly_once}")


def print_part2(storm: Crawl, baseline: Crawl, quota: int, window_s: float, priority: str) -> None:
    requests = storm.minimum_requests
    per_request = baseline.elapsed / baseline.stats.requests
    minimum, how = minimum_storm_time(requests, quota, window_s, per_request)
    windows = math.ceil(requests / quota)
    stats = storm.stats
    print(
        f"part 2: 429 storm: quota {quota} per {window_s:.3f} s window, limit {storm.limit}, "
        f"priority {priority}"
    )
    print(
        f"{'requests sent by the client':<34} {stats.requests:>8}   "
        f"(sandbox answered {storm.served}, minimum {requests}, ratio {stats.requests / requests:.2f})"
    )
    print(f"{'answered 429 by the sandbox':<34} {storm.statuses[429]:>8}   (goal: none after the first)")
    print(f"{'client stats.rate_limited':<34} {stats.rate_limited:>8}")
    print(f"{'client stats.retries':<34} {stats.retries:>8}")
    print(f"{'client stats.throttled':<34} {stats.throttled:>8}")
    print(f"{'client stats.slept_seconds':<34} {stats.slept_seconds:>8.2f}")
    print(
        f"{'total time s':<34} {storm.elapsed:>8.2f}   "
        f"({storm.elapsed / window_s:.2f} windows; the quota forces {windows})"
    )
    print(f"{'minimum time s':<34} {minimum:>8.2f}   ({how})")
    print(f"{'ratio total/minimum':<34} {storm.elapsed / minimum:>8.2f}")
    print(f"every product listed exactly once: {storm.exactly_once}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--window-ms", type=int, default=2000, help="the storm's quota window")
    parser.add_argument("--storm-limit", type=int, default=50, help="page size during the storm")
    parser.add_argument("--quota", type=int, default=50, help="requests per window during the storm")
    parser.add_argument("--priority", choices=["interactive", "bulk"], default="interactive")
    args = parser.parse_args()
    priority: Priority = "bulk" if args.priority == "bulk" else "interactive"
    store = SandboxStore.from_data(generate_demo_store(args.products, seed=1))

    unlimited = CountingSandbox([store], quota=NO_QUOTA, window_ms=30_000)
    with SandboxServer(unlimited) as server:
        full = crawl(server, unlimited, args.products, FULL_PAGE, priority)
        small = crawl(server, unlimited, args.products, args.storm_limit, priority)

    limited = CountingSandbox([store], quota=args.quota, window_ms=args.window_ms)
    with SandboxServer(limited) as server:
        storm = crawl(server, limited, args.products, args.storm_limit, priority)

    print_part1(full, small)
    print()
    print_part2(storm, small, args.quota, args.window_ms / 1000, priority)


if __name__ == "__main__":
    main()
