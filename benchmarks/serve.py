"""Benchmark: `bcagent serve` under 50 concurrent conversations of 10 turns each, against the same turns
run in-process through ``Agent.send``, in one run.

The sandbox (demo store) and `bcagent serve` (uvicorn, offline model) each run in their own process on
loopback; this process drives the conversations over HTTP (httpx, one connection per conversation),
then runs the same conversations on fresh threads in-process with an ``Agent`` of its own. Each
conversation is about one order with its own billing email. Printed: errors (goal 0), replies that
mention another conversation's order number or email (goal 0), turn latency p50/p95 over HTTP and
in-process, and their ratio (goal <= 1.2).

    python benchmarks/serve.py [--conversations 50] [--turns 10] [--products 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agent.assembly import open_agent  # noqa: E402
from agent.ports import free_port  # noqa: E402
from agent.runtime import Agent  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.store.catalog import run_ingest  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store  # noqa: E402
from sandbox.process import start_sandbox_process  # noqa: E402

ORDER_NUMBER = re.compile(r"(?<![\d.,$])\d{5}(?![\d.,])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass
class Conversation:
    order_id: int
    email: str
    turns: list[str]


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    replies: dict[int, list[str]] = field(default_factory=dict)  # conversation index -> replies
    turns: int = 0
    server_turn: list[float] = field(default_factory=list)  # HTTP: the server's own turn_ms, in seconds
    server_total: list[float] = field(default_factory=list)  # HTTP: the server's total_ms (handler to answer)
    seconds: float = 0.0

    def add(self, other: Outcome, offset: int) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.server_turn += other.server_turn
        self.server_total += other.server_total
        self.turns += other.turns
        self.seconds += other.seconds
        for index, replies in other.replies.items():
            self.replies[index + offset] = replies


def conversations(count: int, turns: int, products: int) -> list[Conversation]:
    """One order per conversation, each with a different billing email."""
    data = generate_demo_store(products, seed=0)
    seen: set[str] = set()
    chosen: list[Conversation] = []
    for order in sorted(data["orders"], key=lambda o: o["id"]):
        email = order["billing_address"]["email"].lower()
        if email in seen:
            continue
        seen.add(email)
        script = [
            "hi",
            f"Where is my order #{order['id']}?",
            email,
            "How much are the Premium Boxing Gloves?",
            "Is the code SAVE20 still valid?",
            "What's the balance on gift card GIFT-DEMO-0001?",
            f"What's the status of order {order['id']}? My email is {email}",
            "Are there any sales on right now?",
            "What sizes do the Premium Boxing Gloves come in?",
            "thanks!",
        ]
        chosen.append(Conversation(order["id"], email, (script * 2)[:turns]))
        if len(chosen) == count:
            return chosen
    raise SystemExit(
        f"the demo store has only {len(chosen)} orders with distinct emails; use fewer conversations"
    )


def leaks(items: list[Conversation], outcome: Outcome) -> list[str]:
    """Replies that mention an order number or email of another conversation (not also their own)."""
    found = []
    for index, replies in outcome.replies.items():
        own = items[index]
        others_orders = {str(c.order_id) for c in items if c.order_id != own.order_id}
        others_emails = {c.email for c in items if c.email != own.email}
        for reply in replies:
            mentioned = set(ORDER_NUMBER.findall(reply)) & others_orders
            mentioned |= {e.lower() for e in EMAIL.findall(reply)} & others_emails
            if mentioned:
                found.append(
                    f"conversation {index} (order {own.order_id}): {sorted(mentioned)} in {reply[:80]!r}"
                )
    return found


async def run_all(
    items: list[Conversation], one: Callable[[int, Conversation, Outcome], Awaitable[None]]
) -> Outcome:
    outcome = Outcome()
    started = time.perf_counter()
    await asyncio.gather(*(one(i, c, outcome) for i, c in enumerate(items)))
    outcome.seconds = time.perf_counter() - started
    return outcome


async def over_http(base_url: str, items: list[Conversation]) -> Outcome:
    async def one(index: int, conversation: Conversation, outcome: Outcome) -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=300) as client:
            created = await client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={})
            if created.status_code != 201:
                outcome.errors.append(f"create thread: {created.status_code} {created.text[:100]}")
                return
            thread = created.json()
            headers = {"X-Thread-Secret": thread["secret"]}
            url = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread['thread_id']}/messages"
            for text in conversation.turns:
                started = time.perf_counter()
                try:
                    answer = await client.post(url, json={"text": text}, headers=headers)
                except httpx.HTTPError as exc:
                    outcome.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                outcome.latencies.append(time.perf_counter() - started)
                outcome.turns += 1
                if answer.status_code != 200:
                    outcome.errors.append(f"{answer.status_code} {answer.text[:100]}")
                    continue
                body = answer.json()
                outcome.replies.setdefault(index, []).extend(body["replies"])
                outcome.server_turn.append(body["timings"]["turn_ms"] / 1000)
                outcome.server_total.append(body["timings"]["total_ms"] / 1000)

    return await run_all(items, one)


async def in_process(agent: Agent, items: list[Conversation]) -> Outcome:
    async def one(index: int, conversation: Conversation, outcome: Outcome) -> None:
        thread = f"bench-{uuid.uuid4().hex}"
        for text in conversation.turns:
            started = time.perf_counter()
            try:
                result = await agent.send(thread, text, surface="serve")
            except Exception as exc:
                outcome.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            outcome.latencies.append(time.perf_counter() - started)
            outcome.turns += 1
            outcome.replies.setdefault(index, []).extend(result.replies)

    return await run_all(items, one)


async def transcript_rows(home: Path) -> int | None:
    """The number of turns `bcagent serve` recorded in the store's transcripts, to compare with the turns
    sent over HTTP (2 warm-up turns included); None when it recorded nothing. The in-process runs record
    into the same file, on threads named ``bench-...`` / ``warm-...``; the server's ids are bare hex."""
    from agent.persistence.transcripts import open_transcript_file, sqlite_path

    path = sqlite_path(ConnectionStore(home).folder(DEMO_STORE_HASH))
    if not path.exists():
        return None

    store = await open_transcript_file(path)
    try:
        return sum(1 for turn in await store.turns() if "-" not in turn.thread_id)
    finally:
        await store.aclose()


def start_serve(
    home: Path, sandbox_port: int, port: int, extra_env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`bcagent serve` on 127.0.0.1:port with the server's own rate limits out of the way; ``extra_env``
    adds settings (e.g. shared state for replicas)."""
    env = {
        **os.environ,
        "BCAGENT_HOME": str(home),
        "BCAGENT_RATE_PER_CLIENT": str(10**9),
        "BCAGENT_STORE_BUDGET": "off",  # 50 conversations from one address: measured without admission
        "BCAGENT_RATE_PER_THREAD": str(10**9),
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "agent.cli", "serve", "--port", str(port), "--store", DEMO_STORE_HASH]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def wait_ready(base_url: str, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bcagent serve exited with status {process.returncode}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("bcagent serve did not become ready in time")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, outcome: Outcome) -> str:
    seconds = outcome.seconds
    p50, p95 = percentile(outcome.latencies, 0.5) * 1000, percentile(outcome.latencies, 0.95) * 1000
    mean = statistics.fmean(outcome.latencies) * 1000 if outcome.latencies else float("nan")
    return (
        f"{name:<11} turns {outcome.turns:>4}  errors {len(outcome.errors):>3}  p50 {p50:7.1f} ms  "
        f"p95 {p95:7.1f} ms  mean {mean:7.1f} ms  wall {seconds:6.1f} s  ({outcome.turns / seconds:5.1f} turns/s)"
    )


async def warm_up_http(serve_url: str) -> None:
    """The first turns of a process load more (the index's first query): not part of the figures."""
    async with httpx.AsyncClient(base_url=serve_url, timeout=300) as warm:
        thread = (await warm.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={})).json()
        for text in ("How much are the Premium Boxing Gloves?", "Where is my order #12345?"):
            await warm.post(
                f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread['thread_id']}/messages",
                json={"text": text},
                headers={"X-Thread-Secret": thread["secret"]},
            )


async def measure(
    settings: Settings, serve_url: str, items: list[Conversation], rounds: int
) -> tuple[Outcome, Outcome]:
    """``rounds`` times: all conversations over HTTP, then all in-process (alternating, so a change in the
    shared machine's load falls on both)."""
    http, local = Outcome(), Outcome()
    await warm_up_http(serve_url)
    async with open_agent(settings, DEMO_STORE_HASH) as agent:
        if agent.context.nlu is not None:
            agent.context.nlu.warm_up()
        for text in ("How much are the Premium Boxing Gloves?", "Where is my order #12345?"):
            await agent.send(f"warm-{uuid.uuid4().hex}", text)
        for round_number in range(rounds):
            offset = round_number * len(items)
            http.add(await over_http(serve_url, items), offset)
            local.add(await in_process(agent, items), offset)
    return http, local


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of HTTP and in-process (2)")
    parser.add_argument("--products", type=int, default=40)
    args = parser.parse_args()
    items = conversations(args.conversations, args.turns, args.products)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = Settings(home=home)
        sandbox_port, serve_port = free_port(), free_port()
        sandbox = start_sandbox_process(args.products, 0, sandbox_port)
        serve = None
        try:
            base = f"http://127.0.0.1:{sandbox_port}"
            await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base, ConnectionStore(home))
            await run_ingest(settings, DEMO_STORE_HASH, full=True)
            serve = start_serve(home, sandbox_port, serve_port)
            serve_url = f"http://127.0.0.1:{serve_port}"
            wait_ready(serve_url, serve)
            http, local = await measure(settings, serve_url, items, args.rounds)
        finally:
            for process in (serve, sandbox):
                if process is not None and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=60)
        rows = await transcript_rows(home)
    print(
        f"{args.conversations} concurrent conversations x {args.turns} turns, {args.rounds} round(s) each way, "
        "offline model, sandbox demo store"
    )
    print(report("HTTP", http))
    print(report("in-process", local))
    inside = percentile(http.server_turn, 0.5) * 1000
    handler = percentile(http.server_total, 0.5) * 1000
    print(
        f"  (HTTP, measured inside the server: the graph run p50 {inside:.1f} ms, the route handler p50 "
        f"{handler:.1f} ms; the rest is HTTP, uvicorn and the wait for the server's event loop)"
    )
    http_leaks, local_leaks = leaks(items * args.rounds, http), leaks(items * args.rounds, local)
    print(f"errors: HTTP {len(http.errors)}, in-process {len(local.errors)} (goal 0)")
    for problem in (http.errors + local.errors)[:5]:
        print(f"  {problem}")
    print(
        f"replies naming another conversation's order or email: HTTP {len(http_leaks)}, "
        f"in-process {len(local_leaks)} (goal 0)"
    )
    for leak in (http_leaks + local_leaks)[:5]:
        print(f"  {leak}")
    p50 = percentile(http.latencies, 0.5) / percentile(local.latencies, 0.5)
    p95 = percentile(http.latencies, 0.95) / percentile(local.latencies, 0.95)
    print(f"latency ratio HTTP / in-process: p50 {p50:.2f}, p95 {p95:.2f} (goal <= 1.2)")
    print(
        f"turns sent over HTTP: {http.turns} + 2 warm-up; transcript rows the server wrote: "
        f"{'none (recording off?)' if rows is None else rows}"
    )


if __name__ == "__main__":
    asyncio.run(main())
