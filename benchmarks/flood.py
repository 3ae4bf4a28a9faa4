"""Benchmark: an honest shopper's order lookups while one client floods the chat, with the per-store
budget (agent/server/budget.py) on and off, in one run.

The sandbox (demo store, quota 150 requests per 30 s, as a Standard plan) and `bcagent serve` (offline
model, BCAGENT_TRUSTED_PROXIES=127.0.0.1 so each simulated client is told apart by its
X-Forwarded-For) each run in their own process on loopback. For each phase (budget off, then on, each
on a fresh server and a fresh quota window) the flooder keeps ``--flood`` questions in flight from one
address (product questions and order lookups: 3-4 store requests each, within its 120-requests-a-minute
limit), while three honest shoppers, each at its own address, ask "where is my order" every ``--every``
seconds (9: a person reading the answers, well inside one client's share of the budget).
Printed per phase: the honest lookups' p50/p95 and errors, the flooder's turns answered and refused
(429 store_busy), and the sandbox's 429s.

    python benchmarks/flood.py [--seconds 60] [--flood 8] [--every 9]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.ports import free_port  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.store.catalog import run_ingest  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from benchmarks.serve import percentile, start_serve, wait_ready  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN  # noqa: E402
from sandbox.process import start_sandbox_process  # noqa: E402

FLOODER = "203.0.113.66"
HONEST = ("198.51.100.23", "198.51.100.24", "198.51.100.25")  # three shoppers, each at its own address
FLOOD_QUESTIONS = (
    "How much are the Premium Boxing Gloves?",
    "Where is order #12349? My email is lena.kim@example.com",
    "What sizes do the Premium Boxing Gloves come in?",
)
HONEST_QUESTION = "Where is my order #12345? My email is jane.doe@example.com"


@dataclass
class Phase:
    name: str
    honest: list[float] = field(default_factory=list)
    honest_errors: list[str] = field(default_factory=list)
    flood_answered: int = 0
    flood_refused: int = 0
    flood_other: int = 0


async def ask(client: httpx.AsyncClient, address: str, text: str) -> httpx.Response:
    proxy = {"X-Forwarded-For": address}
    created = await client.post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={}, headers=proxy)
    if created.status_code != 201:
        return created
    body = created.json()
    headers = {"X-Thread-Secret": body["secret"], **proxy}
    return await client.post(
        f"/v1/stores/{DEMO_STORE_HASH}/threads/{body['thread_id']}/messages",
        json={"text": text},
        headers=headers,
    )


async def flood(client: httpx.AsyncClient, phase: Phase, until: float, lane: int) -> None:
    n = lane
    while time.monotonic() < until:
        answer = await ask(client, FLOODER, FLOOD_QUESTIONS[n % len(FLOOD_QUESTIONS)])
        n += 1
        if answer.status_code == 200:
            phase.flood_answered += 1
        elif answer.status_code == 429:
            phase.flood_refused += 1
            await asyncio.sleep(min(5.0, float(answer.headers.get("Retry-After", "1"))))
        else:
            phase.flood_other += 1


async def honest(client: httpx.AsyncClient, phase: Phase, until: float, every: float, shopper: int) -> None:
    await asyncio.sleep(shopper * every / len(HONEST))  # staggered
    while time.monotonic() < until:
        started = time.perf_counter()
        answer = await ask(client, HONEST[shopper], HONEST_QUESTION)
        took = time.perf_counter() - started
        if answer.status_code == 200 and "1Z999AA10123456784" in answer.text:
            phase.honest.append(took)
        else:
            phase.honest_errors.append(f"{answer.status_code} {answer.text[:80]}")
        await asyncio.sleep(max(0.0, every - took))


async def run_phase(
    name: str, home: Path, sandbox_port: int, args: argparse.Namespace, budget: bool
) -> Phase:
    port = free_port()
    env = {
        "BCAGENT_STORE_BUDGET": "on" if budget else "off",
        "BCAGENT_TRUSTED_PROXIES": "127.0.0.1",
        "BCAGENT_RATE_PER_CLIENT": "120",
        "BCAGENT_SYNC_INTERVAL_MINUTES": "0",
    }
    serve = start_serve(home, sandbox_port, port, env)
    phase = Phase(name)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, serve)
        await asyncio.sleep(31)  # a fresh quota window at the sandbox
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            until = time.monotonic() + args.seconds
            lanes = [flood(client, phase, until, lane) for lane in range(args.flood)]
            shoppers = [honest(client, phase, until, args.every, n) for n in range(len(HONEST))]
            await asyncio.gather(*shoppers, *lanes)
    finally:
        serve.terminate()
        serve.wait(timeout=60)
    return phase


def line(phase: Phase) -> str:
    p50, p95 = percentile(phase.honest, 0.5), percentile(phase.honest, 0.95)
    return (
        f"| {phase.name} | {len(phase.honest)} | {len(phase.honest_errors)} | {p50:.2f} s | {p95:.2f} s | "
        f"{phase.flood_answered} | {phase.flood_refused} | {phase.flood_other} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase (60)")
    parser.add_argument("--flood", type=int, default=8, help="the flooder's questions in flight (8)")
    parser.add_argument(
        "--every", type=float, default=9.0, help="seconds between one honest shopper's lookups (9)"
    )
    parser.add_argument("--products", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bcagent-flood-") as folder:
        home = Path(folder)
        sandbox_port = free_port()
        sandbox = start_sandbox_process(args.products, 0, sandbox_port, quota=150)
        try:
            await connect_store(
                DEMO_STORE_HASH, Secret(FULL_TOKEN), f"http://127.0.0.1:{sandbox_port}", ConnectionStore(home)
            )
            await run_ingest(Settings(home=home), DEMO_STORE_HASH, full=True)
            phases = [
                await run_phase("budget off", home, sandbox_port, args, budget=False),
                await run_phase("budget on", home, sandbox_port, args, budget=True),
            ]
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=60)
    print(
        f"one client keeps {args.flood} questions in flight for {args.seconds:.0f} s; {len(HONEST)} honest shoppers "
        f"each look up an order every {args.every:g} s; sandbox quota 150 / 30 s; offline model"
    )
    print(
        "| phase | honest lookups | honest errors | p50 | p95 | flood answered | flood refused (429) | other |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for phase in phases:
        print(line(phase))
        for problem in phase.honest_errors[:3]:
            print(f"  honest error: {problem}")


if __name__ == "__main__":
    asyncio.run(main())
