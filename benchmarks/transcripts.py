"""Benchmark: what recording every turn costs, and how fast conversations list from many transcripts.

1. Turn latency with the offline model against an in-process sandbox store, the same turns run with
   recording off and on (SQLite; PostgreSQL too with --postgres), interleaved in one run: medians,
   p95 and the ratio on / off.
2. ``threads()`` (what ``bcagent replay list`` reads) over N synthetic conversations: newest 50, by
   tool, handoffs, errors, since a date, grep; and the write rate while filling the store.

    python benchmarks/transcripts.py [--rounds 5] [--conversations 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

# This file sits next to benchmarks/ingest.py, named like a package: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402

from agent.assembly import StoreAccess, open_context  # noqa: E402
from agent.context import AgentContext  # noqa: E402
from agent.graphs import router  # noqa: E402
from agent.persistence.timestamps import precise  # noqa: E402
from agent.persistence.transcripts import (  # noqa: E402
    Query,
    Transcripts,
    open_transcript_file,
    transcripts_for,
)
from agent.runtime import Agent  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.store.capabilities import FULL_ACCESS  # noqa: E402
from agent.store.connections import Connection, Secret  # noqa: E402
from agent.transcripts import Recorder, ToolCallRecord, TurnRecord  # noqa: E402
from bigcommerce import AsyncBigCommerce  # noqa: E402
from bigcommerce.money import MoneyFormat  # noqa: E402
from ingest.documents import CatalogContext  # noqa: E402
from ingest.embeddings import MiniLMEmbedding  # noqa: E402
from ingest.sync import sync_catalog  # noqa: E402
from ingest.vectors import ProductIndex, chroma_client  # noqa: E402
from sandbox.app import Sandbox  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store  # noqa: E402
from sandbox.state import SandboxStore  # noqa: E402

JANE = "jane.doe@example.com"
CONVERSATIONS = [
    [f"Where is my order 12345? My email is {JANE}"],
    ["How much are the Premium Boxing Gloves?"],
    [f"Cancel my order 12346, {JANE}", "no"],
    ["Is the code SAVE20 still valid?"],
    ["hi there", "thanks!"],
]
TOOLS = ["get_order_information", "get_product_information", "lookup_discount_code", "cancel_order"]


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


@asynccontextmanager
async def _context(folder: Path, embedder: MiniLMEmbedding) -> AsyncIterator[AgentContext]:
    """The demo store's run context, built as every surface builds it (``agent.assembly``)."""
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(40, seed=0))], quota=10**9)
    connection = Connection(
        store_hash=DEMO_STORE_HASH,
        api_url="http://sandbox.bench",
        name="Knockout Fitness Supply",
        secure_url="https://knockout-fitness.example",
        money=MoneyFormat(),
        timezone="UTC",
        scopes=dict(FULL_ACCESS),
    )

    async def synced(client: AsyncBigCommerce, given: Connection) -> ProductIndex:
        index = ProductIndex(chroma_client(path=folder / "chroma"), DEMO_STORE_HASH, embedder)
        catalog = CatalogContext(storefront_url=given.secure_url, money=given.money)
        await sync_catalog(client, index, folder / "state", catalog)
        return index

    async with open_context(
        Settings(home=folder),
        StoreAccess(connection, Secret(FULL_TOKEN)),  # no folder: records in memory
        transport=httpx.ASGITransport(app=sandbox),
        embedder=embedder,
        index=synced,
    ) as context:
        yield context


async def turn_overhead(rounds: int, postgres: str | None, folder: Path) -> None:
    async with _context(folder, MiniLMEmbedding()) as context:
        await _turn_overhead(context, rounds, postgres, folder)


async def _turn_overhead(context: AgentContext, rounds: int, postgres: str | None, folder: Path) -> None:
    graph = router.build(InMemorySaver())
    stores: dict[str, Transcripts] = {"sqlite": await open_transcript_file(folder / "t.sqlite")}
    if postgres:
        stores["postgres"] = await _postgres(postgres, folder)
    agents = {"off": Agent(graph, context)}
    writes: dict[str, list[float]] = {}
    for name, store in stores.items():
        agents[name] = Agent(graph, context, Recorder(store, DEMO_STORE_HASH, secrets=[FULL_TOKEN]))
        writes[name] = []
        store.add = _timed(store.add, writes[name])  # type: ignore[method-assign]
    times: dict[str, list[float]] = {name: [] for name in agents}
    for conversation in CONVERSATIONS:  # warm up every path once
        for agent in agents.values():
            for text in conversation:
                await agent.send(f"warm-{uuid.uuid4().hex}", text)
    for _ in range(rounds):
        for conversation in CONVERSATIONS:
            for name, agent in agents.items():
                thread = f"bench-{uuid.uuid4().hex}"
                for text in conversation:
                    started = time.perf_counter()
                    await agent.send(thread, text)
                    times[name].append(time.perf_counter() - started)
    print(f"Turn latency, offline model, in-process sandbox ({len(times['off'])} turns each, interleaved):")
    for name, values in times.items():
        ratio = statistics.median(values) / statistics.median(times["off"])
        print(f"  recording {name:8}  {_ms(values)}   median ratio to off: {ratio:.2f}")
    for name, values in writes.items():
        print(f"  the turn waited for its {name} write: {_ms(values)}")
    for store in stores.values():
        await _drop(store)


def _timed(add: Any, into: list[float]) -> Any:
    async def timed(turn: TurnRecord) -> None:
        started = time.perf_counter()
        await add(turn)
        into.append(time.perf_counter() - started)

    return timed


def _synthetic(i: int, now: datetime, rng: random.Random) -> TurnRecord:
    started = now - timedelta(seconds=rng.randrange(60 * 86400))
    tool = rng.choice(TOOLS)
    record = TurnRecord(
        turn_id=uuid.uuid4().hex,
        request_id=uuid.uuid4().hex,
        store_hash=DEMO_STORE_HASH,
        thread_id=f"synthetic-{i}",
        started_at=precise(started),
        surface=rng.choice(["serve", "chat", "eval"]),
        text=f"question number {i} about order {10000 + i}",
        routes=["order_management"],
        replies=[f"answer {i}"],
    )
    record.tool_calls = [ToolCallRecord(id=f"c{i}", name=tool, args={"order_id": str(10000 + i)})]
    if rng.random() < 0.02:
        record.tool_calls.append(ToolCallRecord(id=f"h{i}", name="transfer_to_human"))
    if rng.random() < 0.01:
        record.error = {"type": "RuntimeError", "message": "boom"}
    return record


async def listing(store: Transcripts, name: str, conversations: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for i in range(conversations):
        await store.add(_synthetic(i, now, rng))
    seconds = time.perf_counter() - started
    print(f"{name}: wrote {conversations} turns in {seconds:.1f} s ({conversations / seconds:,.0f}/s)")
    queries: dict[str, Query] = {
        "newest 50": Query(limit=50),
        "tool=cancel_order, 50": Query(tool="cancel_order", limit=50),
        "handoffs, 50": Query(handoff=True, limit=50),
        "errors, all": Query(errors=True),
        "since 2d, 50": Query(since=now - timedelta(days=2), limit=50),
        "grep 'order 12345', 50": Query(grep="order 12345", limit=50),
    }
    for label, query in queries.items():
        await store.threads(query)  # warm
        started = time.perf_counter()
        found = await store.threads(query)
        print(f"  list {label:26} {len(found):5} rows in {(time.perf_counter() - started) * 1000:7.1f} ms")
    await _drop(store)


SCHEMAS: dict[int, tuple[str, str]] = {}  # id(store) -> (server URL, the schema _postgres made for it)


async def _postgres(url: str, folder: Path) -> Transcripts:
    """Transcripts at ``url``, in a schema of their own (dropped by ``_drop``)."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(psycopg.sql.SQL("CREATE SCHEMA {}").format(psycopg.sql.Identifier(schema)))
    separator = "&" if "?" in url else "?"
    in_schema = f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    store = await transcripts_for(Settings(home=folder, database_url=in_schema), folder)
    SCHEMAS[id(store)] = (url, schema)
    return store


async def _drop(store: Transcripts) -> None:
    await store.aclose()
    if id(store) in SCHEMAS:
        import psycopg

        url, schema = SCHEMAS.pop(id(store))
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(
                psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(psycopg.sql.Identifier(schema))
            )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bcagent-bench-") as folder:
        await turn_overhead(args.rounds, args.postgres, Path(folder))
        print(f"\nListing conversations from {args.conversations:,} transcripts:")
        await listing(await open_transcript_file(Path(folder) / "list.sqlite"), "sqlite", args.conversations)
        if args.postgres:
            await listing(await _postgres(args.postgres, Path(folder)), "postgres", args.conversations)


def _arguments() -> Any:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument(
        "--postgres", help="also measure PostgreSQL at this URL (tables in a temporary schema)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_arguments()))
