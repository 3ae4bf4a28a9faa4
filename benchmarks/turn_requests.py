"""Benchmark: BigCommerce requests per chat turn, this tree against another, in one run.

The conversations of benchmarks/load.py (its first ``--turns`` turns: a greeting, an order question,
the email, a product price, then a code, a gift card, the order's status again, the sales running
now, the product's sizes, thanks), ``--conversations`` of them, one order and email each, run through
the assistant as `bcagent serve` runs them (one process for every conversation, offline model, the
sandbox demo store in its own process, its catalog synced first). Every request the assistant sends is
counted (the ingest's are not). A tree with the catalog mirror reads it as `bcagent serve` does once its
webhooks are registered (the ingest just ran, so its copies are within the freshness window; the
freshness rules themselves are tested in tests/tools/test_mirror.py). Each tree runs in its own process (``PYTHONPATH``); printed: requests
per turn of each tree, per turn of the script and in all, and the ratio.

    python benchmarks/turn_requests.py [--before /path/to/other/tree] [--conversations 20] [--turns 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TREE = HERE.parent

CHILD = """
import asyncio, json, sys, tempfile, uuid
from pathlib import Path
import httpx
from agent.assembly import open_agent
from agent.settings import Settings
from agent.store.catalog import run_ingest
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN
from benchmarks.serve import conversations

class Counting(httpx.AsyncBaseTransport):
    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()
        self.count = 0
    async def handle_async_request(self, request):
        self.count += 1
        return await self.inner.handle_async_request(request)
    async def aclose(self):
        await self.inner.aclose()

async def main(base_url, count, turns):
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = Settings(home=home)
        await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base_url, ConnectionStore(home))
        await run_ingest(settings, DEMO_STORE_HASH, full=True)
        counter = Counting()
        per_turn = [0] * turns
        async with open_agent(settings, DEMO_STORE_HASH, transport=counter) as agent:
            log = None
            try:  # a tree with the catalog mirror: read it as `bcagent serve` does with its hooks registered
                from agent.persistence.freshness import open_freshness_log
                from agent.tools.mirror import CatalogMirrorView
            except ImportError:
                pass
            else:
                folder = ConnectionStore(home).folder(DEMO_STORE_HASH)
                log = await open_freshness_log(settings, DEMO_STORE_HASH, folder)
                agent.context.tools.mirror = CatalogMirrorView(log, 300.0, lambda: 0.0)
            await agent.send("warm-up", "hello")
            for conversation in conversations(count, turns, 300):
                thread = uuid.uuid4().hex
                for n, text in enumerate(conversation.turns):
                    before = counter.count
                    await agent.send(thread, text)
                    per_turn[n] += counter.count - before
            if log is not None:
                await log.aclose()
        print(json.dumps({"per_turn": per_turn, "texts": conversations(1, turns, 300)[0].turns}))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""


def _measure(tree: Path, base_url: str, count: int, turns: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree), "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
    env.pop("BCAGENT_REDIS_URL", None)
    env.pop("BCAGENT_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, base_url, str(count), str(turns)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", type=Path, help="the other checkout (e.g. main before this work)")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(TREE))
    from agent.ports import free_port
    from sandbox.process import start_sandbox_process

    trees = [TREE] + ([args.before.resolve()] if args.before else [])
    results: dict[Path, dict[str, Any]] = {}
    for tree in trees:  # a fresh sandbox each: the trees' writes must not meet
        port = free_port()
        sandbox = start_sandbox_process(300, 0, port)
        try:
            with tempfile.TemporaryDirectory():
                results[tree] = _measure(tree, f"http://127.0.0.1:{port}", args.conversations, args.turns)
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=30)
    texts = results[TREE]["texts"]
    count = args.conversations
    print(f"{count} conversations x {args.turns} turns, offline model, one process; requests per turn")
    header = f"{'turn':<58}{'this tree':>10}"
    if args.before:
        header += f"{'before':>9}"
    print(header)
    for n, text in enumerate(texts):
        line = f"{n + 1:>2}. {text[:53]:<55}{results[TREE]['per_turn'][n] / count:>10.2f}"
        if args.before:
            line += f"{results[trees[1]]['per_turn'][n] / count:>9.2f}"
        print(line)
    for label, turns in (("first 4 turns (benchmarks/load.py)", 4), (f"all {args.turns} turns", args.turns)):
        ours = sum(results[TREE]["per_turn"][:turns]) / (count * turns)
        line = f"{label:<58}{ours:>10.2f}"
        if args.before:
            theirs = sum(results[trees[1]]["per_turn"][:turns]) / (count * turns)
            line += f"{theirs:>9.2f}   ratio {theirs / ours if ours else float('inf'):.2f}"
        print(line)


if __name__ == "__main__":
    main()
