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

With several embedding backends (``--embeddings torch,onnx-int8``), each backend's full sync runs in a
process of its own, one after the other, against the same sandbox store (one sandbox process), each
into a fresh index, and only the full-sync figures are printed, side by side: seconds, products/s,
API requests, the peak memory of that backend's process, query latency, recall@5, and each backend's
products/s as a ratio to the first one's. A process per backend because the model is loaded once per
process (ingest/embeddings.py ``_MODELS``) and PyTorch, once imported, stays in memory: in one process
the second backend's peak memory would include the first's. Only the full sync because the
incremental figure renames 1% of the store's products, which would give the next backend another
catalog; the raw throughput of each backend is benchmarks/embeddings.py's.

    python benchmarks/ingest.py [--products 10000] [--seed 1] [--queries 200] [--raw-sample 1000]
                                [--embeddings onnx-int8|onnx|torch[,...]]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
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
from ingest.embedding_setting import BACKENDS, Backend, embeddings_backend  # noqa: E402
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
    embedder = MiniLMEmbedding(backend=args.backend)
    embedder.encode(["warm up the model"])
    out: dict[str, Any] = {"encoder": loaded_encoder(embedder)}
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


def loaded_encoder(embedder: MiniLMEmbedding) -> str:
    """The class that really embeds: an ONNX backend that cannot load falls back to PyTorch with one
    log line, and a comparison that did not notice would compare PyTorch with itself."""
    from ingest import embeddings

    return type(embeddings._MODELS[(embedder.backend, embedder.max_tokens)]).__name__


def parse_backends(raw: str) -> list[Backend]:
    """``--embeddings torch,onnx-int8``: the backends in the order given, each once."""
    backends: list[Backend] = []
    for name in (part.strip().lower() for part in raw.split(",")):
        if not name:
            continue
        if name not in BACKENDS:
            raise ValueError(f"--embeddings: {name!r} is not one of {', '.join(BACKENDS)}")
        backend: Backend = name  # narrowed by the check against BACKENDS just above
        if backend not in backends:
            backends.append(backend)
    if not backends:
        raise ValueError("--embeddings: name at least one backend")
    return backends


@dataclass(frozen=True)
class FullIngest:
    """One backend's full sync of the sandbox store into a fresh index, and the searches after it,
    measured in the backend's own process (``--embeddings`` with several backends)."""

    backend: str
    encoder: str  # the encoder class that embedded (see loaded_encoder)
    model_load_s: float  # loading the model and the first encode, before the sync's clock starts
    seen: int
    upserted: int
    api_requests: int
    seconds: float
    peak_mb: float  # this process's peak resident memory after the full sync
    query_p50_ms: float
    query_p95_ms: float
    recall: float
    queries: int
    load_before: float  # the machine's 1-minute load average when the sync started
    load_after: float
    torch_imported: bool  # PyTorch in the process (the peak memory is then mostly its)

    @property
    def embedded_per_s(self) -> float:
        return self.upserted / self.seconds

    @property
    def seen_per_s(self) -> float:
        return self.seen / self.seconds


async def full_ingest(backend: Backend, home: Path, base_url: str, seed: int, queries: int) -> FullIngest:
    """The full sync only (it leaves the store as it found it, so the next backend reads the same
    catalog), then recall@5 and query latency on questions picked by ``seed`` from the products sorted
    by id: every backend is asked the same questions."""
    settings = Settings(home=home)
    await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base_url, ConnectionStore(home))
    started = time.perf_counter()
    embedder = MiniLMEmbedding(backend=backend)
    embedder.encode(["warm up the model"])
    model_load_s = time.perf_counter() - started
    async with catalog_runtime(settings, None, embedder) as runtime:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        report = await sync_catalog(
            runtime.client, runtime.index, runtime.folder, runtime.context, restrict_by_groups=True
        )
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stored = runtime.index.collection.get(include=["documents", "metadatas"])
        rows = sorted(zip(stored["ids"], stored["documents"] or [], stored["metadatas"] or [], strict=True))
        rng = random.Random(seed)
        latencies, found = [], 0
        for i in rng.sample(range(len(rows)), min(queries, len(rows))):
            _, text, metadata = rows[i]
            question = questions_for(dict(metadata), text, rng)
            asked = time.perf_counter()
            hits = runtime.index.search(question, k=5)
            latencies.append((time.perf_counter() - asked) * 1000)
            found += any(hit.product_id == int(metadata["product_id"]) for hit in hits)
    return FullIngest(
        backend=backend,
        encoder=loaded_encoder(embedder),
        model_load_s=model_load_s,
        seen=report.seen,
        upserted=report.upserted,
        api_requests=report.api_requests,
        seconds=seconds,
        peak_mb=peak_mb,
        query_p50_ms=statistics.median(latencies),
        query_p95_ms=statistics.quantiles(latencies, n=20)[18],
        recall=found / len(latencies),
        queries=len(latencies),
        load_before=load_before,
        load_after=load_after,
        torch_imported="torch" in sys.modules,
    )


def full_ingest_in_subprocess(backend: Backend, base_url: str, seed: int, queries: int) -> FullIngest:
    """``full_ingest`` in a new process of this script with ``BCAGENT_EMBEDDINGS=backend`` and a fresh
    ``BCAGENT_HOME`` (so a fresh index); its result comes back as one JSON line on stdout."""
    with tempfile.TemporaryDirectory() as home:
        command = [sys.executable, str(Path(__file__).resolve()), "--full-sync-child", base_url]
        command += ["--embeddings", backend, "--seed", str(seed), "--queries", str(queries), "--home", home]
        env = {**os.environ, "BCAGENT_EMBEDDINGS": backend, "BCAGENT_HOME": home}
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return FullIngest(**json.loads(done.stdout.strip().splitlines()[-1]))


def side_by_side(products: int, results: list[FullIngest]) -> list[str]:
    """The backends' full-sync figures as columns, and each one's products/s against the first's."""
    width = max(12, *(len(r.backend) + 2 for r in results))

    def row(label: str, cells: list[str]) -> str:
        return f"{label:<44}" + "".join(f"{cell:>{width}}" for cell in cells)

    first = results[0]
    lines = [
        f"catalog: {products:,} products on one sandbox store; each backend's full sync in its own process,"
        " into a fresh index",
        row("", [r.backend for r in results]),
        row("encoder that embedded", [r.encoder for r in results]),
        row("model load + first encode, s (not timed)", [f"{r.model_load_s:.1f}" for r in results]),
        row("full sync, s", [f"{r.seconds:.1f}" for r in results]),
        row("products indexed (embedded)", [f"{r.upserted:,}" for r in results]),
        row("products/s embedded", [f"{r.embedded_per_s:.1f}" for r in results]),
        row("products/s seen", [f"{r.seen_per_s:.1f}" for r in results]),
        row("API requests", [f"{r.api_requests:,}" for r in results]),
        row("PyTorch imported in its process", ["yes" if r.torch_imported else "no" for r in results]),
        row("peak memory of its process, MB", [f"{r.peak_mb:.0f}" for r in results]),
        row("query latency p50 / p95, ms", [f"{r.query_p50_ms:.1f}/{r.query_p95_ms:.1f}" for r in results]),
        row(f"recall@5, {first.queries} questions", [f"{r.recall:.3f}" for r in results]),
        row(
            "load average (1 min) at start / end",
            [f"{r.load_before:.1f}/{r.load_after:.1f}" for r in results],
        ),
    ]
    for result in results[1:]:
        lines.append(
            f"{result.backend} / {first.backend} products/s (embedded): "
            f"{result.embedded_per_s / first.embedded_per_s:.2f}   full sync time: "
            f"{result.seconds / first.seconds:.2f}   recall@5 {result.recall - first.recall:+.3f}"
        )
    return lines


def compare_backends(args: argparse.Namespace, backends: list[Backend]) -> None:
    """Each backend's full sync against one sandbox store, one process per backend, then the table."""
    port = free_port()
    sandbox = start_sandbox_process(args.products, args.seed, port)
    try:
        base_url = f"http://127.0.0.1:{port}"
        results = [full_ingest_in_subprocess(b, base_url, args.seed, args.queries) for b in backends]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    print("\n".join(side_by_side(args.products, results)))


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
    parser.add_argument(
        "--embeddings",
        default=embeddings_backend(),
        help="comma-separated backends (onnx-int8, onnx, torch); several: their full syncs side by side",
    )
    parser.add_argument("--full-sync-child", metavar="BASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        backends = parse_backends(args.embeddings)
    except ValueError as error:
        parser.error(str(error))
    if args.full_sync_child:
        result = asyncio.run(
            full_ingest(backends[0], Path(args.home), args.full_sync_child, args.seed, args.queries)
        )
        print(json.dumps(asdict(result)))
        return
    if len(backends) > 1:
        compare_backends(args, backends)
        return
    args.backend = backends[0]
    os.environ["BCAGENT_EMBEDDINGS"] = args.backend  # what Chroma's copy of the embedder loads too
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
    print(f"embeddings: {args.backend} ({out['encoder']})")
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
