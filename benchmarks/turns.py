"""Benchmark: per-turn latency of the assistant with the offline model, against the sandbox store.

The sandbox runs in its own process; the assistant runs here exactly as `bcagent chat` does (SQLite
checkpointer, Chroma index, offline model). Each turn's time is split, measured in the same run, into:
BigCommerce calls (time inside the HTTP transport), the model (the offline model's decisions, routing
included), and graph overhead (the rest: LangGraph, checkpointing, tools' own work, retrieval).
Also printed: LLM calls per turn by turn type (0 with the offline model; the OpenAI path is tested to
use at most 2 for a one-tool turn).

    python benchmarks/turns.py [--rounds 3] [--products 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

# This file sits next to benchmarks/ingest.py, named like a package: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agent.assembly import open_agent  # noqa: E402
from agent.graphs import reading as graph_reading  # noqa: E402
from agent.models import intents as nlu_module  # noqa: E402
from agent.models import normalize, offline  # noqa: E402
from agent.ports import free_port  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.store.catalog import run_ingest  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN  # noqa: E402
from sandbox.process import start_sandbox_process  # noqa: E402

JANE = "jane.doe@example.com"
CONVERSATIONS: list[list[str]] = [
    ["Where is my order #12345?", f"it's {JANE}"],
    [f"What's the tracking number for order 12345? My email is {JANE}"],
    ["Cancel my order 12346", JANE, "no"],
    ["What sizes do the Premium Boxing Gloves come in?"],
    ["Are the Premium Boxing Gloves in stock in 16oz blue?"],
    ["How much are the Premium Boxing Gloves?"],
    ["Is the code SAVE20 still valid?"],
    ["What's the balance on gift card GIFT-DEMO-0001?"],
    ["Are there any sales on right now?"],
    ["hi there", "thanks!"],
    [f"where is order 12345 ({JANE}), and is SAVE20 valid?"],
]


class Timer:
    """Accumulates seconds spent in one kind of work during a turn."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def take(self) -> float:
        value, self.seconds = self.seconds, 0.0
        return value


class TimedTransport(httpx.AsyncBaseTransport):
    def __init__(self, timer: Timer) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.timer = timer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.timer.seconds += time.perf_counter() - started
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def time_calls(owner: Any, name: str, timer: Timer) -> None:
    original = getattr(owner, name)

    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            timer.seconds += time.perf_counter() - started

    setattr(owner, name, timed)


def time_function(module: Any, name: str, timer: Timer) -> None:
    """Time a module-level function where ``module`` looks it up (``from x import f`` binds it there)."""
    original = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timer.seconds += time.perf_counter() - started

    setattr(module, name, timed)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: argparse.Namespace, home: Path, base_url: str) -> dict[str, Any]:
    settings = Settings(home=home)
    await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base_url, ConnectionStore(home))
    await run_ingest(settings, DEMO_STORE_HASH, full=True)
    api, model, reading, added = Timer(), Timer(), Timer(), Timer()
    time_function(offline, "pending_request", added)  # issue 23's second part: the question kept asked
    time_function(graph_reading, "own_words", added)  # and the pasted material left out
    time_calls(offline.OfflineChatModel, "decide", model)
    time_calls(nlu_module.NLU, "understand", model)  # routing decisions count as the model's time
    time_calls(normalize.Normalizer, "read", reading)  # text-speak and spelling, part of graph overhead
    rows: list[dict[str, Any]] = []
    async with open_agent(settings, DEMO_STORE_HASH, transport=TimedTransport(api)) as agent:
        await agent.send("warm-up", "hello")
        for _ in range(args.rounds):
            for conversation in CONVERSATIONS:
                thread = uuid.uuid4().hex
                for text in conversation:
                    api.take(), model.take(), reading.take(), added.take()
                    result = await agent.send(thread, text)
                    total = result.seconds
                    api_s, model_s, reading_s, added_s = (
                        api.take(),
                        model.take(),
                        reading.take(),
                        added.take(),
                    )
                    kind = "+".join(result.routes) + (" (tool)" if result.tool_calls else "")
                    rows.append(
                        {
                            "kind": kind,
                            "total": total,
                            "api": api_s,
                            "model": model_s,
                            "reading": reading_s,
                            "added": added_s,
                            "llm_calls": result.llm_calls,
                        }
                    )
    return {"rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--products", type=int, default=300)
    args = parser.parse_args()
    port = free_port()
    sandbox = start_sandbox_process(args.products, 1, port)
    try:
        with tempfile.TemporaryDirectory() as home:
            out = asyncio.run(run(args, Path(home), f"http://127.0.0.1:{port}"))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    rows = out["rows"]
    totals = [r["total"] * 1000 for r in rows]
    print(f"{len(rows)} turns over {len(CONVERSATIONS)} conversations x {args.rounds} rounds, offline model")
    print(f"{'':<28}{'p50 ms':>9}{'p95 ms':>9}{'share':>8}")
    parts = {
        "whole turn": totals,
        "BigCommerce calls": [r["api"] * 1000 for r in rows],
        "model (incl. routing)": [r["model"] * 1000 for r in rows],
        "graph overhead": [(r["total"] - r["api"] - r["model"]) * 1000 for r in rows],
        "  of which reading (typos)": [r["reading"] * 1000 for r in rows],
        "pending question + pasted": [r["added"] * 1000 for r in rows],
    }
    whole = sum(totals)
    for label, values in parts.items():
        share = sum(values) / whole if whole else 0.0
        print(f"{label:<28}{statistics.median(values):>9.1f}{pct(values, 0.95):>9.1f}{share:>8.0%}")
    print("LLM calls per turn by turn type")
    by_kind: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r["llm_calls"])
    for kind, calls in sorted(by_kind.items()):
        print(f"  {kind:<44} turns {len(calls):>3}   LLM calls/turn {statistics.mean(calls):.2f}")


if __name__ == "__main__":
    main()
