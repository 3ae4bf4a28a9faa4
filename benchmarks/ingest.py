"""Benchmark: catalog ingest on a sandbox store (10,000 products by default), figures side by side.

The sandbox runs in its own process (so its CPU and memory are not counted as ingest's); the ingest
runs in this process exactly as `bcagent ingest` does. Printed, all measured in this one run:

- API requests: ours, the minimum ceil(N/250), and a per-product crawl (one list page per 250 plus
  4 sub-resource calls per product), that last one counted, not run.
- End-to-end embedded products/s against the raw embedding throughput of the same model on the same
  texts (a sample of them), and their ratio (goal >= 0.8: embedding is the limit).
- Incremental sync after changing 1% of the indexed products: time as a fraction of the full sync
  (goal <= 0.05) and products re-embedded (goal: exactly the changed ones).
- The store's pages, synced beside the products: their requests and time as a share of the full and
  the incremental sync (goal < 5%), counted in the request figures above them.
- Peak memory of this process (goal <= 1.5 GB), query latency p50/p95 (goal p95 <= 30 ms), and
  recall@5 on generated product questions (goal >= 0.9).

    python benchmarks/ingest.py [--products 10000] [--seed 1] [--queries 200] [--raw-sample 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

# This file is named like the `ingest` package it measures: keep its own folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agent.ports import free_port  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.store.catalog import catalog_runtime  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from ingest.embeddings import MiniLMEmbedding  # noqa: E402
from ingest.sync import SyncReport, sync_catalog  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN  # noqa: E402
from sandbox.process import start_sandbox_process  # noqa: E402


def questions_for(metadata: dict[str, Any], text: str, rng: random.Random) -> str:
    """A shopper question that names the product, in one of a few phrasings."""
    name = str(metadata["name"])
    options = [line.split(": ", 1)[1].split(", ")[0] for line in text.splitlines()[1:4] if ": " in line]
    options = [o for o in options if not o.startswith("$") and len(o) < 20]
    templates = [f"Do you have the {name}?", f"how much is the {name.lower()}", f"Tell me about {name}"]
    if options:
        templates.append(f"Is the {name} available in {rng.choice(options)}?")
    return rng.choice(templates)


async def run(args: argparse.Namespace, home: Path, base_url: str) -> dict[str, Any]:
    settings = Settings(home=home)
    connections = ConnectionStore(home)
    await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base_url, connections)
    embedder = MiniLMEmbedding()
    embedder.encode(["warm up the model"])
    out: dict[str, Any] = {}
    async with catalog_runtime(settings, None, embedder) as runtime:

        async def sync() -> tuple[SyncReport, float]:
            started = time.perf_counter()
            report = await sync_catalog(
                runtime.client, runtime.index, runtime.folder, runtime.context, restrict_by_groups=True
            )
            return report, time.perf_counter() - started

        full, full_s = await sync()
        out["full"], out["full_s"] = full, full_s
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the sync alone
        stored = runtime.index.collection.get(include=["documents", "metadatas"])
        ids, texts, metas = stored["ids"], stored["documents"], stored["metadatas"]
        rng = random.Random(args.seed)
        sample = rng.sample(range(len(texts)), min(args.raw_sample, len(texts)))
        started = time.perf_counter()
        embedder.encode([texts[i] for i in sample])
        out["raw_per_s"] = len(sample) / (time.perf_counter() - started)
        changed = rng.sample(range(len(ids)), max(1, len(ids) // 100))
        async with httpx.AsyncClient(base_url=base_url) as admin:
            for i in changed:
                product_id = int(metas[i]["product_id"])
                response = await admin.patch(
                    f"/__sandbox__/stores/{DEMO_STORE_HASH}/products/{product_id}",
                    json={"name": f"{metas[i]['name']} (2027 edition)"},
                )
                response.raise_for_status()
        out["changed"] = len(changed)
        out["incremental"], out["incremental_s"] = await sync()
        picks = rng.sample(range(len(ids)), min(args.queries, len(ids)))
        latencies, found = [], 0
        for i in picks:
            meta = dict(metas[i])
            question = questions_for(meta, texts[i], rng)
            started = time.perf_counter()
            hits = runtime.index.search(question, k=5)
            latencies.append((time.perf_counter() - started) * 1000)
            found += any(hit.product_id == int(meta["product_id"]) for hit in hits)
        out["latencies"], out["recall"], out["queries"] = latencies, found / len(picks), len(picks)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--raw-sample", type=int, default=1000, help="texts embedded raw for the throughput baseline"
    )
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    port = free_port()
    sandbox = start_sandbox_process(args.products, args.seed, port)
    try:
        with tempfile.TemporaryDirectory() as home:
            out = asyncio.run(run(args, Path(home), f"http://127.0.0.1:{port}"))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    full: SyncReport = out["full"]
    incremental: SyncReport = out["incremental"]
    n = args.products
    minimum = math.ceil(n / 250)
    per_product = math.ceil(n / 250) + 4 * n
    e2e = full.upserted / out["full_s"]
    p50 = statistics.median(out["latencies"])
    p95 = statistics.quantiles(out["latencies"], n=20)[18]
    print(f"catalog: {n:,} products, {full.upserted:,} indexed, left out {dict(full.excluded)}")
    print("API requests for a full sync")
    print(f"  ours {full.api_requests:,} (product pages + categories + customer groups + store pages)")
    print(f"  minimum ceil(N/250) {minimum:,}   per-product crawl {per_product:,}")
    print(
        f"  ours / minimum {full.api_requests / minimum:.2f}   ours / per-product {full.api_requests / per_product:.4f}"
    )
    print("Throughput")
    print(
        f"  full sync {out['full_s']:.1f} s: {full.seen / out['full_s']:.1f} products/s seen, {e2e:.1f} embedded/s"
    )
    print(
        f"  raw embedding of the same texts ({min(args.raw_sample, full.upserted)} sampled): {out['raw_per_s']:.1f}/s"
    )
    print(f"  end-to-end / raw embedding {e2e / out['raw_per_s']:.2f}   (goal >= 0.8)")
    print(f"Incremental sync after changing {out['changed']} products (1%)")
    print(
        f"  {out['incremental_s']:.2f} s = {out['incremental_s'] / out['full_s']:.3f} of the full sync   (goal <= 0.05)"
    )
    print(
        f"  re-embedded {incremental.upserted} (changed {out['changed']}), API requests {incremental.api_requests}"
    )
    for label, report, seconds in (
        ("full", full, out["full_s"]),
        ("incremental", incremental, out["incremental_s"]),
    ):
        pages = report.pages
        if pages is None:
            continue
        print(
            f"Store pages in the {label} sync: {pages.seen} sections, {pages.upserted} embedded, "
            f"{pages.api_requests} requests ({pages.api_requests / max(1, report.api_requests):.1%} of them), "
            f"{pages.seconds:.2f} s = {pages.seconds / seconds:.1%} of the sync   (goal < 5%)"
        )
    print(f"Peak memory of the ingest process after the full sync {out['peak_mb']:.0f} MB   (goal <= 1536)")
    print(
        f"Query latency over {out['queries']} questions: p50 {p50:.1f} ms, p95 {p95:.1f} ms   (goal p95 <= 30)"
    )
    print(f"recall@5 on generated product questions {out['recall']:.3f}   (goal >= 0.9)")


if __name__ == "__main__":
    main()
