"""Benchmark: chat over HTTP while a full catalog ingest runs against the same store and its quota, and
the same chat spread over two `bcagent serve` replicas, in one run; the product the shoppers ask about
changes price and stock during the chat, every reply's facts are checked against the store at the time
of the reply, and each chat phase's store requests per turn are printed.

Every piece runs in its own process on loopback: the sandbox (demo store of ``--products`` products,
``--quota`` requests per ``--window-ms`` for the store, answered with BigCommerce's ``X-Rate-Limit-*``
headers and 429s), `bcagent serve` (offline model), `bcagent ingest --full`; this process drives the
conversations over HTTP (httpx, one connection per conversation, all conversations at once, each turn
sent when the previous answer came). Each conversation has its own order and billing email and asks
about its order, its tracking, a product, a discount code, and more when ``--turns`` is larger.
Phases, one after the other, each starting on a fresh quota window (one window waited out, then the
sandbox's window reset).

Every served home has the store's webhooks registered before its `bcagent serve` starts (as `bcagent
webhooks register` does: agent/store/hooks.py), delivering to that server's ``/webhooks/bigcommerce`` on
loopback: phases A and C's server's before phase B's sync (so that the catalog mirror's copies are newer
than the hooks), phase D's to replica 1, replica 2 sharing its registration. The servers get
``--freshness-seconds`` as ``BCAGENT_CATALOG_FRESHNESS_SECONDS``. During each chat phase a changer
(benchmarks/load_facts.py) changes the price, sale price and one variant's stock of the product the
conversations ask about (the Premium Boxing Gloves) every ``--change-every`` seconds through the
sandbox's admin routes (as a merchant's control-panel edits: the quota does not count them, and the
sandbox fires the product and SKU webhooks), each to a distinct price, keeping a timeline of every value
and when it took effect. Each reply's price, regular price and stock state of the product are then
checked against that timeline:
**stale** when the value was the store's at no moment of [turn sent - ``--freshness-seconds``, answer
received] (goal 0), **not current** when it was the store's at no moment of the turn (lag, informative).

- B, ingest alone: `bcagent ingest --full` of every product into a fresh index (the one the server of
  phases A and C then reads). Timed as the sync's own seconds (its report) and the process's wall time.
- A, chat alone: ``--conversations`` conversations of ``--turns`` turns on fresh threads.
- C, together: the same conversations on fresh threads, started once the ingest (a second full ingest
  into another fresh index, in its own process) has sent its first request. Chat p95 against phase A's,
  ingest time against phase B's.
- D, two replicas: two `bcagent serve` processes sharing state (PostgreSQL database made for the run and
  dropped after, keys of its own in Redis, a `chroma run` server holding the index phase B built);
  each conversation's turns alternate between them (thread created and turn 1 on replica 1, turn 2 on
  replica 2, ...).

- F, a flood: one client keeps ``--flood`` questions in flight for ``--flood-seconds`` while three honest
  shoppers look up their orders, on phase B's index, with the per-store budget off and then on
  (``benchmarks/flood.py``'s phases, each on a fresh server and quota window): the honest shoppers' p95
  with the budget off and on. ``--flood-seconds 0`` leaves it out.

Figures per phase: turns, errors (a non-200 answer, a failed request, or a reply saying the store could
not be reached or the assistant is busy; goal 0), turn latency p50/p95/max, the store requests the phase
cost and the chat's per turn (the phase's less the ingest's own count in phase C; the servers'
webhook-driven re-reads are the chat's), the 429s the sandbox sent (read from its ``GET
/__sandbox__/stores/{hash}/rate-limit``), split into those in the phase's first quota window (the client
learns the quota from the first answers) and after it (goal 0), and the facts checked, stale and not
current. The last lines hold each chat phase against issue 28's goals, pass or fail: <= 1.0 store
requests per turn, chat p95 <= 15 s, 0 errors, 0 stale facts (and no product reply left unread).

    python benchmarks/load.py [--conversations 50] [--turns 4] [--products 10000] [--quota 150]
        [--window-ms 30000] [--skip-replicas] [--flood-seconds 60] [--freshness-seconds 300]
        [--change-every 5] [--json FILE]
    python benchmarks/load.py --products 2000 --conversations 10 --skip-replicas --flood-seconds 0
        # smoke run, about 4 minutes
    python benchmarks/load.py --quota 1000000    # the quota out of the way: what the ingest's CPU costs chat

The full run takes about 14 minutes on 2 cores, most of it the two ingests of 10,000 products (about
3.5 minutes each) and the chat phases, which at 150 requests per 30 s wait for the store's quota.

PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) must be up for phase D.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.graphs.subgraph import SORRY  # noqa: E402
from agent.ports import free_port  # noqa: E402
from agent.server.webhooks import WEBHOOK_PATH  # noqa: E402
from agent.store import hooks  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from agent.tools.results import UNAVAILABLE  # noqa: E402
from benchmarks.flood import Phase as FloodPhase  # noqa: E402
from benchmarks.flood import line as flood_line  # noqa: E402
from benchmarks.flood import run_phase as run_flood_phase  # noqa: E402
from benchmarks.load_facts import Answer, Changer, check_answers  # noqa: E402
from benchmarks.serve import Conversation, percentile, start_serve, wait_ready, warm_up_http  # noqa: E402
from benchmarks.serve import conversations as pick_conversations  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN  # noqa: E402
from sandbox.process import start_sandbox_process  # noqa: E402
from tests.chroma_server import chroma_server  # noqa: E402
from tests.pgschema import fresh_database  # noqa: E402

ERROR_REPLIES = (UNAVAILABLE, *SORRY.values())
SYNC_LINE = re.compile(r"(\d+) products in the index; (\d+) API requests; ([\d.]+) s")
SEEN_LINE = re.compile(r"full sync.*?: (\d+) seen, (\d+) upserted")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def script(order_id: int, email: str, turns: int) -> list[str]:
    """Order status with the conversation's own order and email, tracking, a product, a discount code;
    then the rest of serve.py's mix, repeated to ``turns``."""
    lines = [
        f"What's the status of order #{order_id}? My email is {email}",
        "Can I get the tracking number?",
        "How much are the Premium Boxing Gloves?",
        "Is the code SAVE20 still valid?",
        "What's the balance on gift card GIFT-DEMO-0001?",
        "Are there any sales on right now?",
        "What sizes do the Premium Boxing Gloves come in?",
        f"Where is my order #{order_id}?",
        "thanks!",
    ]
    return (lines * (turns // len(lines) + 1))[:turns]


def make_conversations(count: int, turns: int, products: int) -> list[Conversation]:
    return [
        Conversation(c.order_id, c.email, script(c.order_id, c.email, turns))
        for c in pick_conversations(count, turns, products)
    ]


@dataclass
class ChatResult:
    turns: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0  # time.monotonic() at the first request
    sample: list[str] = field(default_factory=list)  # the first conversation: each message and its replies
    answers: list[Answer] = field(default_factory=list)  # every answered turn, for the fact check

    def p(self, share: float) -> float:
        return percentile(self.latencies, share) * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "errors": len(self.errors),
            "p50_ms": round(self.p(0.5), 1),
            "p95_ms": round(self.p(0.95), 1),
            "max_ms": round(max(self.latencies, default=float("nan")) * 1000, 1),
            "seconds": round(self.seconds, 1),
            "error_kinds": dict(Counter(e.split(":")[0] for e in self.errors)),
            "error_examples": self.errors[:5],
            "sample": self.sample,
        }


def problem_in(body: dict[str, Any]) -> str | None:
    """An answer whose reply says the store could not be reached or the assistant cannot answer."""
    for reply in body.get("replies", []):
        if any(text[:40] in reply for text in ERROR_REPLIES):
            return f"error reply: {reply[:90]}"
    return None


async def chat(urls: list[str], items: list[Conversation], label: str) -> ChatResult:
    """Every conversation at once; turn i of a conversation goes to ``urls[i % len(urls)]`` (the thread is
    created on the first)."""
    result = ChatResult()
    total = sum(len(c.turns) for c in items)
    step = max(1, total // 10)

    async def one(conversation: Conversation, index: int) -> None:
        clients = [httpx.AsyncClient(base_url=url, timeout=300) for url in urls]
        try:
            created = await clients[0].post(f"/v1/stores/{DEMO_STORE_HASH}/threads", json={})
            if created.status_code != 201:
                result.errors.append(f"create thread {created.status_code}: {created.text[:100]}")
                return
            thread = created.json()
            headers = {"X-Thread-Secret": thread["secret"]}
            path = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread['thread_id']}/messages"
            for number, text in enumerate(conversation.turns):
                client = clients[number % len(clients)]
                sent = time.perf_counter()
                sent_at = time.monotonic()
                try:
                    answer = await client.post(path, json={"text": text}, headers=headers)
                except httpx.HTTPError as exc:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                finally:
                    result.turns += 1
                    if result.turns % step == 0:
                        log(f"  {label}: {result.turns}/{total} turns")
                result.latencies.append(time.perf_counter() - sent)
                received_at = time.monotonic()
                if answer.status_code != 200:
                    result.errors.append(f"HTTP {answer.status_code}: {answer.text[:100]}")
                    continue
                body = answer.json()
                replies = [str(reply) for reply in body.get("replies", [])]
                result.answers.append(Answer(text, sent_at, received_at, replies))
                if index == 0:
                    result.sample.append(f"{text} -> {' | '.join(body.get('replies', []))}")
                problem = problem_in(body)
                if problem is not None:
                    result.errors.append(problem)
        finally:
            for client in clients:
                await client.aclose()

    result.started = time.monotonic()
    await asyncio.gather(*(one(c, i) for i, c in enumerate(items)))
    result.seconds = time.monotonic() - result.started
    return result


class SandboxAdmin:
    def __init__(self, base_url: str, quota: int) -> None:
        self.url = f"{base_url}/__sandbox__/stores/{DEMO_STORE_HASH}/rate-limit"
        self.quota = quota

    def tally(self, since_ms: int = 0) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(self.url, params={"since_ms": since_ms}, timeout=30).json()
        return body

    def deliveries(self) -> Counter[str]:
        """The sandbox's webhook deliveries so far (its log keeps the last 1,000), ok and failed."""
        body = httpx.get(self.url.split("/stores/")[0] + "/webhooks", timeout=30).json()
        return Counter(
            "ok" if d["status"] is not None and 200 <= d["status"] < 300 else "failed"
            for d in body["deliveries"]
        )

    def fresh_window(self, window_ms: int) -> int:
        """Wait out one window (the clients' estimates expire too), reset the store's window; the
        sandbox's clock (ms) from which the next phase is counted."""
        log(f"waiting {window_ms / 1000:.0f} s for a fresh quota window")
        time.sleep(window_ms / 1000)
        httpx.put(self.url, json={"quota": self.quota}, timeout=30).raise_for_status()
        return int(self.tally()["now_ms"])


@dataclass
class Quota:
    requests: int = 0
    refused: int = 0
    refused_first_window: int = 0
    refused_after_first_window: int = 0
    windows: int = 0
    refused_at_s: list[float] = field(default_factory=list)  # seconds after the phase's first window began


def quota_since(admin: SandboxAdmin, since_ms: int, before: dict[str, Any]) -> Quota:
    after = admin.tally(since_ms)
    windows: list[int] = after["windows_ms"]
    first = windows[0] if windows else since_ms
    times = [(t - first) / 1000 for t in after["refused_ms"]]
    window_s = after["window_ms"] / 1000
    return Quota(
        requests=after["counted"] - before["counted"],
        refused=after["refused"] - before["refused"],
        refused_first_window=sum(1 for t in times if t < window_s),
        refused_after_first_window=sum(1 for t in times if t >= window_s),
        windows=len(windows),
        refused_at_s=[round(t, 2) for t in times],
    )


@dataclass
class Ingest:
    sync_seconds: float = float("nan")
    wall_seconds: float = float("nan")
    api_requests: int = 0
    indexed: int = 0
    seen: int = 0
    status: int = 0
    first_request_after_s: float = float("nan")  # from the process's start to its first API request
    output: list[str] = field(default_factory=list)


class IngestProcess:
    """`bcagent ingest --full` in its own process; its output is kept and echoed as progress lines."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None) -> None:
        env = {**os.environ, **(extra_env or {}), "BCAGENT_HOME": str(home)}
        command = [sys.executable, "-m", "agent.cli", "ingest", "--full"]
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.result = Ingest()
        self.reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            line = line.rstrip()
            self.result.output.append(line)
            log(f"  ingest: {line[-110:]}")

    def finish(self) -> Ingest:
        status = self.process.wait()
        self.result.wall_seconds = time.monotonic() - self.started
        self.reader.join(timeout=30)
        self.result.status = status
        text = "\n".join(self.result.output)
        if found := SYNC_LINE.search(text):
            self.result.indexed, self.result.api_requests = int(found[1]), int(found[2])
            self.result.sync_seconds = float(found[3])
        if found := SEEN_LINE.search(text):
            self.result.seen = int(found[1])
        if status != 0 or not SYNC_LINE.search(text):
            raise SystemExit(
                f"bcagent ingest failed (status {status}):\n" + "\n".join(self.result.output[-20:])
            )
        return self.result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


@dataclass
class Phase:
    name: str
    chat: dict[str, Any] | None = None
    quota: Quota | None = None
    ingest: Ingest | None = None
    overlap_s: float | None = None  # phase C: seconds of the chat during which the ingest ran
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] | None = None  # the replies' product facts against the store (load_facts.py)
    changes: int = 0  # the changer's admin requests during the phase (not counted by the quota)
    hook_target: str = ""  # which server the store's webhooks delivered to
    deliveries: dict[str, int] = field(default_factory=dict)  # the phase's webhook deliveries, ok/failed

    def chat_requests(self) -> int | None:
        """The store requests of the chat: the phase's, less the ingest's (as its report counts them).
        The changer's admin requests are not counted by the quota, so there is nothing of theirs to take
        off; the servers' own webhook-driven re-reads are the chat's."""
        if self.quota is None:
            return None
        return self.quota.requests - (self.ingest.api_requests if self.ingest else 0)

    def requests_per_turn(self) -> float | None:
        requests = self.chat_requests()
        if requests is None or not self.chat or not self.chat["turns"]:
            return None
        return requests / int(self.chat["turns"])


def wait_first_request(admin: SandboxAdmin, before: dict[str, Any], ingest: IngestProcess) -> None:
    """Until the ingest has sent its first request (the sandbox counted one more)."""
    while ingest.process.poll() is None:
        if admin.tally()["counted"] > before["counted"]:
            ingest.result.first_request_after_s = time.monotonic() - ingest.started
            return
        time.sleep(0.1)


async def serve_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    await asyncio.to_thread(wait_ready, url, process)
    await warm_up_http(url)


@contextmanager
def shared_state(redis_db: int) -> Iterator[dict[str, str]]:
    """A PostgreSQL database made for the run (dropped after) and a Redis key prefix of the run's own
    (its keys deleted after; nothing else in that Redis database is touched)."""
    import redis

    redis_url = f"redis://127.0.0.1:6379/{redis_db}"
    prefix = f"bcagent_load_{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(redis_url)
    try:
        with fresh_database("bcagent_load") as database_url:
            yield {
                "BCAGENT_DATABASE_URL": database_url,
                "BCAGENT_REDIS_URL": redis_url,
                "BCAGENT_REDIS_PREFIX": prefix,
            }
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def stop(process: subprocess.Popen[Any] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


SERVE_ENV = {
    "BCAGENT_SYNC_INTERVAL_MINUTES": "0",  # no scheduled sync inside the server: one ingest at a time
    # 50 conversations from one loopback address: the per-store turn budget (agent/server/budget.py)
    # would refuse most of them as one client's; these phases measure the quota's cost without it
    "BCAGENT_STORE_BUDGET": "off",
}


def serve_env(args: argparse.Namespace) -> dict[str, str]:
    return {**SERVE_ENV, "BCAGENT_CATALOG_FRESHNESS_SECONDS": str(args.freshness_seconds)}


async def register_hooks(home: Path, server_url: str) -> str:
    """The store's hooks (agent/store/hooks.py, as `bcagent webhooks register`) delivering to the server
    about to start from ``home``; made before the phase's quota window, so not counted in it."""
    target = server_url + WEBHOOK_PATH
    registration = await hooks.register(ConnectionStore(home), DEMO_STORE_HASH, target)
    log(f"webhooks: {len(registration.hooks)} hooks deliver to {target}")
    return target


def share_hooks(registered: Path, other: Path) -> None:
    """Give another replica's home the registration (hook ids, time, secret) as replicas share one
    configuration behind one address: it accepts the hooks' deliveries and trusts the shared mirror."""
    source, target = ConnectionStore(registered), ConnectionStore(other)
    target.update(source.load(DEMO_STORE_HASH))
    target.save_webhook_secret(DEMO_STORE_HASH, source.webhook_secret(DEMO_STORE_HASH))


async def remove_hooks(home: Path) -> None:
    """So that the sandbox stops delivering to a server that is gone."""
    await hooks.remove(ConnectionStore(home), DEMO_STORE_HASH)


async def chat_with_changes(
    phase: str,
    urls: list[str],
    items: list[Conversation],
    changer: Changer,
    admin: SandboxAdmin,
    window: float,
) -> tuple[ChatResult, Phase]:
    """The conversations while the changer changes the product; the replies' facts checked after. The
    phase's figures but its quota (the caller's to read)."""
    requests_before = changer.requests
    delivered_before = await asyncio.to_thread(admin.deliveries)
    changer.start()
    try:
        result = await chat(urls, items, phase[0])
    finally:
        await changer.stop()
    await asyncio.sleep(1)  # the last change's webhooks delivered
    delivered = await asyncio.to_thread(admin.deliveries)
    facts = check_answers(result.answers, changer.timeline, window)
    done = Phase(phase, chat=result.summary(), facts=facts.summary())
    done.changes = changer.requests - requests_before
    done.deliveries = dict(delivered - delivered_before)
    log(
        f"  {phase[0]}: {facts.checked} facts checked, {facts.stale} stale, {facts.not_current} not "
        f"current; {done.changes} admin requests; webhook deliveries {done.deliveries}"
    )
    return result, done


async def run(
    args: argparse.Namespace,
) -> tuple[list[Phase], list[FloodPhase], Changer | None]:
    items = make_conversations(args.conversations, args.turns, args.products)
    phases: list[Phase] = []
    floods: list[FloodPhase] = []
    changer: Changer | None = None
    processes: list[subprocess.Popen[Any]] = []
    with tempfile.TemporaryDirectory(prefix="bcagent-load-") as folder:
        root = Path(folder)
        sandbox_port = free_port()
        log(f"starting the sandbox: {args.products} products, {args.quota} requests per {args.window_ms} ms")
        sandbox = start_sandbox_process(
            args.products, 0, sandbox_port, quota=args.quota, window_ms=args.window_ms
        )
        processes.append(sandbox)
        base = f"http://127.0.0.1:{sandbox_port}"
        admin = SandboxAdmin(base, args.quota)
        homes = {name: root / name for name in ("serve", "ingest", "replica1", "replica2")}
        try:
            for home in homes.values():
                await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), base, ConnectionStore(home))

            # The server's hooks first (as `bcagent webhooks register` before the first sync): the copies
            # of the catalog phase B's sync writes are then newer than the hooks (agent/tools/mirror.py).
            serve_port = free_port()
            serve_url = f"http://127.0.0.1:{serve_port}"
            target = await register_hooks(homes["serve"], serve_url)

            # B: ingest alone, into the index the server then reads.
            since = admin.fresh_window(args.window_ms)
            before = admin.tally(since)
            log("phase B (ingest alone): bcagent ingest --full")
            ingest = IngestProcess(homes["serve"])
            processes.append(ingest.process)
            wait_first_request(admin, before, ingest)
            b = Phase("B ingest alone", ingest=ingest.finish())
            b.quota = quota_since(admin, since, before)
            phases.append(b)
            log(f"phase B done: sync {b.ingest.sync_seconds:.1f} s" if b.ingest else "phase B done")

            changer = Changer(base, DEMO_STORE_HASH, FULL_TOKEN, args.change_every)
            await changer.read_initial()
            serve = start_serve(homes["serve"], sandbox_port, serve_port, serve_env(args))
            processes.append(serve)
            await serve_ready(serve_url, serve)

            # A: chat alone.
            since = admin.fresh_window(args.window_ms)
            before = admin.tally(since)
            log(f"phase A (chat alone): {len(items)} conversations x {args.turns} turns")
            _, a = await chat_with_changes(
                "A chat alone", [serve_url], items, changer, admin, args.freshness_seconds
            )
            a.quota, a.hook_target = quota_since(admin, since, before), target
            phases.append(a)

            # C: the same chat while a second full ingest runs into a fresh index.
            since = admin.fresh_window(args.window_ms)
            before = admin.tally(since)
            log("phase C (together): bcagent ingest --full, then the conversations once it sends requests")
            ingest = IngestProcess(homes["ingest"])
            processes.append(ingest.process)
            await asyncio.to_thread(wait_first_request, admin, before, ingest)
            together, c = await chat_with_changes(
                "C chat + ingest", [serve_url], items, changer, admin, args.freshness_seconds
            )
            chat_end = together.started + together.seconds
            c.hook_target = target
            c.ingest = await asyncio.to_thread(ingest.finish)
            ingest_end = ingest.started + c.ingest.wall_seconds
            c.overlap_s = round(max(0.0, min(chat_end, ingest_end) - together.started), 1)
            c.quota = quota_since(admin, since, before)
            if ingest_end < chat_end:
                c.notes.append(f"the ingest ended {chat_end - ingest_end:.0f} s before the chat")
            else:
                c.notes.append(f"the chat ended {ingest_end - chat_end:.0f} s before the ingest")
            phases.append(c)
            stop(serve)
            await remove_hooks(homes["serve"])

            if not args.skip_replicas:
                phases.append(await replicas(args, items, homes, sandbox_port, admin, processes, changer))

            if args.flood_seconds > 0:  # F: the flood, on phase B's index, the budget off and then on
                flood_args = argparse.Namespace(
                    seconds=args.flood_seconds, flood=args.flood, every=args.every
                )
                for budget in (False, True):
                    name = f"F budget {'on' if budget else 'off'}"
                    log(
                        f"phase {name}: one client floods for {args.flood_seconds:.0f} s, three shoppers look up"
                    )
                    floods.append(
                        await run_flood_phase(name, homes["serve"], sandbox_port, flood_args, budget)
                    )
        finally:
            for process in reversed(processes):
                stop(process)
    return phases, floods, changer


def flood_table(args: argparse.Namespace, floods: list[FloodPhase]) -> list[str]:
    """Phase F's rows, and the honest shoppers' p95 with the budget on against off."""
    if not floods:
        return ["phase F (flood): skipped"]
    lines = [
        "",
        f"phase F: one client keeps {args.flood} questions in flight for {args.flood_seconds:.0f} s; three honest "
        f"shoppers each look up an order every {args.every:g} s",
        "| phase | honest lookups | honest errors | p50 | p95 | flood answered | flood refused (429) | other |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *(flood_line(phase) for phase in floods),
    ]
    by = {phase.name: phase for phase in floods}
    off, on = by.get("F budget off"), by.get("F budget on")
    if off and on and off.honest and on.honest:
        p95_off, p95_on = percentile(off.honest, 0.95), percentile(on.honest, 0.95)
        lines.append(
            f"honest shoppers' p95 under the flood, budget on / off: {ratio(p95_on, p95_off)} "
            f"({p95_on:.2f} / {p95_off:.2f} s)"
        )
    for phase in floods:
        lines += [f"  {phase.name} honest error: {problem}" for problem in phase.honest_errors[:3]]
    return lines


async def replicas(
    args: argparse.Namespace,
    items: list[Conversation],
    homes: dict[str, Path],
    sandbox_port: int,
    admin: SandboxAdmin,
    processes: list[subprocess.Popen[Any]],
    changer: Changer,
) -> Phase:
    """D: two servers on shared state; the Chroma server serves the index phase B built. The store's
    hooks deliver to replica 1 (where a load balancer's address would be); replica 2 has the same
    registration (:func:`share_hooks`), and the replicas share the freshness log and the catalog mirror
    through PostgreSQL. That database is new: one sync (its mirror empty, a full crawl that embeds
    nothing) fills the mirror before the phase, as after an upgrade."""
    index_path = homes["serve"] / "stores" / DEMO_STORE_HASH / "chroma"
    log("phase D (two replicas): chroma run on phase B's index, a fresh PostgreSQL database, Redis")
    with chroma_server(index_path) as (chroma_url, _), shared_state(args.redis_db) as env:
        env = {**serve_env(args), **env, "BCAGENT_CHROMA_URL": chroma_url}
        urls, servers = [], []
        ports = {name: free_port() for name in ("replica1", "replica2")}
        target = await register_hooks(homes["replica1"], f"http://127.0.0.1:{ports['replica1']}")
        share_hooks(homes["replica1"], homes["replica2"])
        # the replicas' database is new, so its catalog mirror is empty while the index is full: one sync
        # (a full crawl, nothing re-embedded) fills it, as after an upgrade; before the phase's window
        log("phase D: one sync into the replicas' database fills its catalog mirror")
        filled = IngestProcess(homes["replica1"], env)
        processes.append(filled.process)
        await asyncio.to_thread(filled.finish)
        for name, port in ports.items():
            server = start_serve(homes[name], sandbox_port, port, env)
            processes.append(server)
            servers.append(server)
            urls.append(f"http://127.0.0.1:{port}")
        try:
            for url, server in zip(urls, servers, strict=True):
                await serve_ready(url, server)
            since = admin.fresh_window(args.window_ms)
            before = admin.tally(since)
            log(f"phase D: {len(items)} conversations x {args.turns} turns, turns alternating replicas")
            _, d = await chat_with_changes(
                "D two replicas", urls, items, changer, admin, args.freshness_seconds
            )
            d.quota, d.hook_target = quota_since(admin, since, before), f"{target} (replica 1)"
            return d
        finally:
            for server in servers:
                stop(server)
            await remove_hooks(homes["replica1"])


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b and b == b and a == a else "n/a"


GOAL_REQUESTS_PER_TURN = 1.0
GOAL_P95_MS = 15_000.0


def goals(phases: list[Phase]) -> list[str]:
    """Issue 28's goals for each chat phase, each with pass or fail."""
    chats = [p for p in phases if p.chat]
    if not chats:
        return []

    def verdict(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    rows: list[tuple[str, list[tuple[str, bool]]]] = []
    per_turn = [(p, p.requests_per_turn()) for p in chats]
    rows.append(
        (
            f"store requests per turn <= {GOAL_REQUESTS_PER_TURN:g}",
            [(f"{p.name[0]} {r:.2f}", r <= GOAL_REQUESTS_PER_TURN) for p, r in per_turn if r is not None],
        )
    )
    rows.append(
        (
            f"chat p95 <= {GOAL_P95_MS / 1000:g} s",
            [
                (f"{p.name[0]} {p.chat['p95_ms'] / 1000:.1f} s", p.chat["p95_ms"] <= GOAL_P95_MS)
                for p in chats
                if p.chat
            ],
        )
    )
    rows.append(
        ("errors 0", [(f"{p.name[0]} {p.chat['errors']}", p.chat["errors"] == 0) for p in chats if p.chat])
    )
    rows.append(
        (
            "stale facts 0",
            [
                (f"{p.name[0]} {p.facts['stale']}", p.facts["stale"] == 0 and not p.facts["unparsed"])
                for p in chats
                if p.facts
            ],
        )
    )
    lines = ["goals (issue 28):"]
    every = True
    for goal, cells in rows:
        every = every and all(ok for _, ok in cells)
        lines.append(f"  {goal}: " + ", ".join(f"{cell} {verdict(ok)}" for cell, ok in cells))
    lines.append(f"  all goals: {verdict(every)}")
    return lines


def facts_lines(args: argparse.Namespace, phases: list[Phase], changer: Changer | None) -> list[str]:
    """What the changer did and what the replies' facts were found to be."""
    if changer is None:
        return []
    lines = [
        f"catalog changes: every {args.change_every:g} s during each chat phase, the price and sale price of "
        f"product 1 ({len(changer.timeline.changes.get('current price', [])) - 1} distinct prices) and "
        f"one variant's stock; {changer.requests} admin requests in all "
        f"({', '.join(f'{p.name[0]} {p.changes}' for p in phases if p.chat)}), outside the quota and "
        f"not in reqs; {changer.api_requests} API request (the product read once before phase A)",
        f"facts: each reply's price, regular price and stock state of the product against the store's "
        f"values; stale = the store's at no moment of [sent - {args.freshness_seconds:g} s, received], "
        "not current = at no moment of the turn",
    ]
    for phase in phases:
        if phase.hook_target:
            delivered = phase.deliveries
            lines.append(
                f"  {phase.name}: webhooks to {phase.hook_target}: {delivered.get('ok', 0)} delivered, "
                f"{delivered.get('failed', 0)} failed"
            )
        if phase.facts:
            lines += [f"  {phase.name}: {example}" for example in phase.facts["examples"][:3]]
    return lines


def table(
    args: argparse.Namespace, phases: list[Phase], seconds: float, changer: Changer | None = None
) -> list[str]:
    by = {p.name[0]: p for p in phases}
    lines = [
        f"$ python benchmarks/load.py {' '.join(sys.argv[1:])}",
        f"{args.conversations} concurrent conversations x {args.turns} turns over HTTP, offline model; sandbox demo "
        f"store of {args.products} products, quota {args.quota} requests per {args.window_ms} ms; "
        f"run took {seconds / 60:.1f} min",
        "",
        f"{'phase':<17} {'turns':>5} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'chat s':>7} "
        f"{'ingest s':>8} {'reqs':>5} {'req/turn':>8} {'429s':>5} {'1st win':>7} {'after':>5} "
        f"{'facts':>5} {'stale':>5} {'not cur':>7}",
    ]
    for phase in phases:
        chat = phase.chat or {}
        quota = phase.quota or Quota()
        ingest = f"{phase.ingest.sync_seconds:8.1f}" if phase.ingest else f"{'-':>8}"
        cells = (
            f"{chat.get('turns', '-'):>5} {chat.get('errors', '-'):>6} {chat.get('p50_ms', '-'):>8} "
            f"{chat.get('p95_ms', '-'):>8} {chat.get('max_ms', '-'):>8} {chat.get('seconds', '-'):>7}"
        )
        per_turn = phase.requests_per_turn()
        facts = phase.facts or {}
        lines.append(
            f"{phase.name:<17} {cells} {ingest} {quota.requests:>5} "
            f"{f'{per_turn:.2f}' if per_turn is not None else '-':>8} {quota.refused:>5} "
            f"{quota.refused_first_window:>7} {quota.refused_after_first_window:>5} "
            f"{facts.get('checked', '-'):>5} {facts.get('stale', '-'):>5} {facts.get('not_current', '-'):>7}"
        )
    lines += [
        "(latency: per turn, as the client saw it; chat s: wall time of all conversations; ingest s: the sync's",
        " own time; reqs: requests the store counted in the phase, chat and ingest; req/turn: the chat's store",
        " requests per turn, reqs less the ingest's own count (phase C), including the servers' webhook-driven",
        " re-reads; 429s: sent by the store in the phase, in its first quota window and after it; facts: the",
        " product facts read from the replies, stale: older than the freshness window, not current: not the",
        " store's value at any moment of the turn)",
        "",
    ]
    a, b, c, d = (by.get(k) for k in "ABCD")
    if a and c and a.chat and c.chat:
        lines.append(
            f"chat p95 with the ingest / alone: {ratio(c.chat['p95_ms'], a.chat['p95_ms'])} "
            f"({c.chat['p95_ms']} / {a.chat['p95_ms']} ms); p50 {ratio(c.chat['p50_ms'], a.chat['p50_ms'])}"
        )
    if b and c and b.ingest and c.ingest:
        lines.append(
            f"ingest time with the chat / alone: {ratio(c.ingest.sync_seconds, b.ingest.sync_seconds)} "
            f"(sync {c.ingest.sync_seconds:.1f} / {b.ingest.sync_seconds:.1f} s; process wall "
            f"{c.ingest.wall_seconds:.1f} / {b.ingest.wall_seconds:.1f} s; {c.ingest.api_requests} / "
            f"{b.ingest.api_requests} API requests; {c.ingest.indexed} / {b.ingest.indexed} indexed)"
        )
    lines.append(f"the quota allows {args.quota / (args.window_ms / 1000):.1f} requests/s")
    lines += facts_lines(args, phases, changer)
    if c and c.overlap_s is not None:
        lines.append(
            f"phase C: the ingest ran during {c.overlap_s} s of the chat's {c.chat and c.chat['seconds']} s; "
            + "; ".join(c.notes)
        )
    errors = [p for p in phases if p.chat and p.chat["errors"]]
    lines.append(
        "chat errors (goal 0): "
        + ", ".join(f"{p.name[0]} {p.chat['errors'] if p.chat else 0}" for p in phases if p.chat)
    )
    for phase in errors:
        assert phase.chat is not None
        lines.append(f"  {phase.name}: {phase.chat['error_kinds']}")
        lines += [f"    {example}" for example in phase.chat["error_examples"][:3]]
    lines.append(
        "429s after each phase's first window (goal 0): "
        + ", ".join(f"{p.name[0]} {p.quota.refused_after_first_window}" for p in phases if p.quota)
    )
    for phase in phases:
        if phase.quota and phase.quota.refused:
            lines.append(
                f"  {phase.name}: 429s at {phase.quota.refused_at_s[:20]} s after its first window began"
            )
    if d is None:
        lines.append("phase D (two replicas): skipped")
    return [*lines, *goals(phases)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=4, help="turns per conversation (4)")
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--quota", type=int, default=150, help="requests per window for the store (150)")
    parser.add_argument("--window-ms", type=int, default=30_000, help="the quota's window (30000)")
    parser.add_argument("--skip-replicas", action="store_true", help="leave out phase D")
    parser.add_argument(
        "--redis-db",
        type=int,
        default=5,
        help="Redis database for phase D (5); only the run's own keys are touched",
    )
    parser.add_argument(
        "--flood-seconds",
        type=float,
        default=60.0,
        help="length of each flood phase (60; 0 leaves phase F out)",
    )
    parser.add_argument("--flood", type=int, default=8, help="the flooder's questions in flight (8)")
    parser.add_argument(
        "--every", type=float, default=9.0, help="seconds between one honest shopper's lookups (9)"
    )
    parser.add_argument(
        "--freshness-seconds",
        type=float,
        default=300.0,
        help="the freshness window: a fact older than it is stale; passed to the servers as "
        "BCAGENT_CATALOG_FRESHNESS_SECONDS (300)",
    )
    parser.add_argument(
        "--change-every",
        type=float,
        default=5.0,
        help="seconds between two changes of the product's price and stock during the chat (5)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    started = time.monotonic()
    phases, floods, changer = asyncio.run(run(args))
    seconds = time.monotonic() - started
    for line in [*table(args, phases, seconds, changer), *flood_table(args, floods)]:
        print(line)
    if args.json:
        figures = {"args": {k: str(v) for k, v in vars(args).items()}, "seconds": round(seconds, 1)}
        figures["phases"] = [asdict(p) for p in phases]
        figures["floods"] = [asdict(p) for p in floods]
        figures["timeline"] = changer.timeline.as_dict() if changer else {}
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
