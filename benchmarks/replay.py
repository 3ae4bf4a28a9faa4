"""Benchmark: `bcagent replay`, measured in one run.

1. Replaying a 10-turn conversation recorded through the real product path (the sandbox demo store on
   loopback, `open_agent`, the offline model; `evals.record_demo`): seconds per replay (the NLU warmed
   first, as a suite run warms it once), the recorded turns' own time and the ratio, and the
   BigCommerce requests sent over the network (goal 0): every httpx network and in-process transport is
   wrapped with a counter while the replays run.
2. `list` over a temporary SQLite transcripts database of ``--threads`` conversations (default
   100,000, two turns each, bulk-filled with the transcript schema): seconds for the newest 50, and
   with each filter (--since 2d, --handoff, --errors, --tool, --grep common / rare), then the same
   queries with the conversation table's indexes dropped (the turns' thread index stays: without it a
   grep is quadratic), and the ratio.

    python benchmarks/replay.py [--threads 100000] [--replays 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

# This file sits next to benchmarks/ingest.py, named like a package: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agent.models.intents import NLU  # noqa: E402
from agent.persistence.timestamps import precise  # noqa: E402
from agent.persistence.transcript_sql import THREAD_COLUMNS  # noqa: E402
from agent.persistence.transcripts import Query, merged_summary, open_transcript_file, search_text  # noqa: E402
from agent.replay.recording import read  # noqa: E402
from agent.replay.runner import ReplayOptions, replay  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.transcripts.facets import turn_keys  # noqa: E402
from agent.transcripts.records import Timings, ToolCallRecord, TurnRecord, dumps  # noqa: E402
from evals.record_demo import record  # noqa: E402
from ingest.embeddings import MiniLMEmbedding  # noqa: E402

TEN_TURNS: list[str | dict[str, object]] = [
    "Where is my order #12345?",
    "jane.doe@example.com",
    {"text": "What sizes do the Premium Boxing Gloves come in?", "product_id": 1},
    "Are the Premium Boxing Gloves in stock in 16oz blue?",
    "Is the code SAVE20 still valid?",
    "What's the balance on gift card GIFT-DEMO-0001?",
    "Are there any sales on right now?",
    "Cancel my order 12346",
    "yes",
    "thanks!",
]
TOOLS = ["get_order_information", "get_product_information", "lookup_discount_code", "cancel_order"]


class Counted:
    network = 0
    in_process = 0


def _count_transports() -> None:
    network = httpx.AsyncHTTPTransport.handle_async_request
    in_process = httpx.ASGITransport.handle_async_request

    async def counted_network(self: Any, request: httpx.Request) -> httpx.Response:
        Counted.network += 1
        return await network(self, request)

    async def counted_in_process(self: Any, request: httpx.Request) -> httpx.Response:
        Counted.in_process += 1
        return await in_process(self, request)

    httpx.AsyncHTTPTransport.handle_async_request = counted_network  # type: ignore[method-assign]
    httpx.ASGITransport.handle_async_request = counted_in_process  # type: ignore[method-assign]


async def bench_replay(replays: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bcagent-bench-replay-") as folder:
        started = time.perf_counter()
        (path,) = await record(Path(folder), {"ten-turns": TEN_TURNS})
        print(
            f"recorded a {len(TEN_TURNS)}-turn conversation in {time.perf_counter() - started:.1f} s: {path.name}"
        )
        recording = read(path)
        settings = Settings(home=Path(folder) / "home")
        nlu = NLU(MiniLMEmbedding())
        warm = time.perf_counter()
        await replay(recording, settings, ReplayOptions(), nlu=nlu)  # loads the embedding model once
        print(f"first replay (loads the model): {time.perf_counter() - warm:.2f} s")
        _count_transports()
        times = []
        for _ in range(replays):
            result = await replay(recording, settings, ReplayOptions(), nlu=nlu)
            times.append(result.seconds)
            assert not result.diverged, [d.line() for d in result.divergences]
        recorded = sum(t.timings.total_ms for t in recording.turns) / 1000
        each = sorted(times)[len(times) // 2]
        print(
            f"replay of {len(recording.turns)} turns (median of {replays}): {each:.2f} s; the recorded turns took "
            f"{recorded:.2f} s; replay / recorded = {each / recorded:.2f}"
        )
        print(
            f"BigCommerce requests answered from the recording per replay: {result.answered}; "
            f"sent over the network: {Counted.network}; to an in-process app: {Counted.in_process} (goal 0 and 0)"
        )


CODES = [f"CODE{n:02d}" for n in range(20)]


def _turn(thread: int, turn: int, moment: datetime, rng: random.Random) -> TurnRecord:
    """A turn of conversation ``thread``: most are plain; some are signed in (5,000 customers), check
    a code (20 codes), hit a store failure (2%), lock out (0.2%), or wait long (0.5%)."""
    tool = TOOLS[thread % len(TOOLS)] if thread % 100 else "transfer_to_human"
    text = f"question {thread}-{turn} about order {10000 + thread}" + (
        " zebra" if thread % 10_000 == 7 else ""
    )
    signed_in = thread % 10 < 3
    customer = thread % 5_000
    args: dict[str, object] = {
        "order_id": str(10000 + thread),
        "email": f"shopper{thread % 20_000}@example.com",
    }
    status = "locked" if thread % 500 == 3 else "unavailable" if thread % 50 == 1 else "ok"
    calls = [ToolCallRecord(id=f"c{thread}-{turn}", name=tool, args=args, result={"status": status})]
    if thread % 10 == 5:
        calls.append(
            ToolCallRecord(
                id=f"d{thread}-{turn}", name="lookup_discount_code", args={"code": CODES[thread % 20]}
            )
        )
    return TurnRecord(
        turn_id=f"t{thread}-{turn}",
        request_id=f"r{thread}-{turn}",
        store_hash="benchstore",
        thread_id=f"thread-{thread:06d}",
        started_at=precise(moment),
        surface="eval" if thread % 100 == 42 else "chat" if thread % 10 == 9 else "serve",
        text=text,
        verified_customer={"id": customer, "email": f"customer{customer}@example.com"} if signed_in else None,
        routes=["order_management"],
        tool_calls=calls,
        replies=[f"Order #{10000 + thread} is Shipped."],
        timings=Timings(total_ms=45_000.0 if thread % 200 == 11 and turn else 40.0 + rng.random() * 900),
        error={"type": "Boom", "message": "x"} if thread % 997 == 0 else None,
    )


async def fill(path: Path, threads: int) -> None:
    """The tables filled in bulk with what the repository writes per turn (its own summary and keys)."""
    rng = random.Random(0)
    now = datetime.now(UTC)
    turn_rows, thread_rows, tool_rows, key_rows = [], [], [], []
    for thread in range(threads):
        start = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
        turns = [_turn(thread, n, start + timedelta(seconds=30 * n), rng) for n in range(2)]
        summary = None
        for turn in turns:
            turn_rows.append(
                (
                    turn.turn_id,
                    turn.store_hash,
                    turn.thread_id,
                    turn.started_at,
                    turn.surface,
                    search_text(turn),
                    dumps(turn.to_json()),
                )
            )
            summary = merged_summary(summary, turn)
        assert summary is not None
        thread_rows.append(
            (
                summary.store_hash,
                summary.thread_id,
                summary.first_at,
                summary.last_at,
                summary.surface,
                summary.turns,
                json.dumps(summary.routes),
                json.dumps(summary.tools),
                int(summary.handoff),
                summary.grounding_replacements,
                summary.errors,
                summary.customer_id,
                summary.store_errors,
                int(summary.lockout),
                summary.slowest_ms,
                summary.first_message,
                summary.customer_email,
                summary.dead_ends,
            )
        )
        tool_rows += [(name, "benchstore", summary.thread_id, summary.last_at) for name in summary.tools]
        keys = set().union(*(turn_keys(t) for t in turns))
        key_rows += [(kind, value, "benchstore", summary.thread_id, summary.last_at) for kind, value in keys]
    store = await open_transcript_file(path)  # the schema, migrated
    try:
        async with store.db.transaction() as tx:  # one transaction, rows in bulk
            await tx.executemany(
                "INSERT INTO transcript_turns (turn_id, store_hash, thread_id, started_at, surface, "
                "search_text, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                turn_rows,
            )
            await tx.executemany(
                f"INSERT INTO transcript_threads ({THREAD_COLUMNS}) VALUES ({', '.join('?' * len(THREAD_COLUMNS.split(',')))})",
                thread_rows,
            )
            await tx.executemany(
                "INSERT OR IGNORE INTO transcript_thread_tools (tool, store_hash, thread_id, last_at) "
                "VALUES (?, ?, ?, ?)",
                tool_rows,
            )
            await tx.executemany(
                "INSERT OR IGNORE INTO transcript_thread_keys (kind, value, store_hash, thread_id, last_at) "
                "VALUES (?, ?, ?, ?, ?)",
                key_rows,
            )
    finally:
        await store.aclose()


def _query(**filters: object) -> Query:
    return Query(store_hash="benchstore", limit=50, **filters)  # type: ignore[arg-type]


QUERIES = {
    "newest 50": _query(),
    "--since 2d": _query(since=datetime.now(UTC) - timedelta(days=2)),
    "--handoff": _query(handoff=True),
    "--errors (exceptions + store)": _query(errors=True),
    "--tool cancel_order": _query(tool="cancel_order"),
    "--customer 1232": _query(keys=(("customer", "1232"),)),
    "--customer EMAIL": _query(keys=(("customer", "customer1232@example.com"),)),
    "--email (typed)": _query(keys=(("email", "shopper777@example.com"),)),
    "--order 54321": _query(keys=(("order", "54321"),)),
    "--code CODE05 (10%)": _query(keys=(("code", "CODE05"),)),
    "--slow 30": _query(slower_than_ms=30_000.0),
    "--surface eval (1%)": _query(surface="eval"),
    "--surface chat (10%)": _query(surface="chat"),
    "--status ok": _query(status="ok"),
    "--status error": _query(status="error"),
    "--status handoff": _query(status="handoff"),
    "--status lockout": _query(status="lockout"),
    "thread prefix (show)": _query(thread_prefix="thread-05432"),
    "--grep shipped (common)": _query(grep="shipped"),
    "--grep zebra (rare)": _query(grep="zebra"),
}


async def time_queries(path: Path, rounds: int = 3) -> dict[str, tuple[float, int]]:
    """The best of ``rounds`` runs of each query, after one run of each to warm the page cache."""
    store = await open_transcript_file(path)
    out = {}
    try:
        for query in QUERIES.values():
            await store.threads(query)
        for name, query in QUERIES.items():
            best = float("inf")
            for _ in range(rounds):
                started = time.perf_counter()
                found = await store.threads(query)
                best = min(best, time.perf_counter() - started)
            out[name] = (best, len(found))
    finally:
        await store.aclose()
    return out


async def bench_list(threads: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bcagent-bench-list-") as folder:
        path = Path(folder) / "transcripts.sqlite"
        started = time.perf_counter()
        await fill(path, threads)
        megabytes = path.stat().st_size / 1e6
        print(
            f"\nfilled {threads:,} conversations ({2 * threads:,} turns, {megabytes:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s; seconds are the best of 3 warm runs"
        )
        indexed = await time_queries(path)
        store = await open_transcript_file(path)
        try:
            async with store.db.transaction() as tx:
                for (name,) in await tx.fetchall(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND (name LIKE 'transcript_threads!_%' ESCAPE '!' "
                    "OR name LIKE 'transcript_thread!_tools!_%' ESCAPE '!' "
                    "OR name LIKE 'transcript_thread!_keys!_%' ESCAPE '!')"
                ):
                    await tx.execute(f"DROP INDEX {name}")
        finally:
            await store.aclose()
        plain = await time_queries(path)
        print(f"{'list':30} {'indexed ms':>10} {'no index ms':>11} {'ratio':>7} {'found':>6}")
        for name in QUERIES:
            (fast, found), (slow, _) = indexed[name], plain[name]
            print(
                f"{name:30} {fast * 1000:10.2f} {slow * 1000:11.2f} {slow / max(fast, 1e-9):7.1f} {found:6}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--replays", type=int, default=3)
    parser.add_argument("--skip-replay", action="store_true")
    args = parser.parse_args()
    if not args.skip_replay:
        asyncio.run(bench_replay(args.replays))
    asyncio.run(bench_list(args.threads))


if __name__ == "__main__":
    main()
