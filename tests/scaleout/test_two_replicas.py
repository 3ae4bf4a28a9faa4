"""Two `bcagent serve` replicas, each with a home of its own (two machines), on one PostgreSQL database,
one Chroma server (`chroma run`) and one Redis, as behind a load balancer that sends each request
anywhere:

- a conversation started on the first continues on the second, including a cancellation proposed on
  the first, which is then killed (``kill -9``) and confirmed on the second, once; its transcript is
  whole and in order;
- wrong-email lookups spread over both replicas lock the thread after five in total, and the thread's
  message limit counts the messages of both;
- a turn running on one replica makes the other refuse a second turn of that thread (409); the replica
  running it is killed mid-turn, and the thread works again on the other once the lock expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from agent.persistence.transcripts import Query, open_transcripts
from agent.ports import free_port
from agent.settings import Settings
from agent.store.catalog import catalog_runtime
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from agent.tools.orders import LOCKED
from ingest.sync import sync_catalog
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import LoopbackServer
from sandbox.state import SandboxStore
from tests.chroma_server import chroma_server
from tests.pgschema import fresh_database
from tests.security.conftest import Recorder

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"
JANE = "jane.doe@example.com"
RATE_PER_THREAD = 10
LOCK_TTL_MS = 3000
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Replica:
    name: str
    home: Path
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "agent.cli", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process is not None and self.process.poll() is None, self.tail()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            assert time.monotonic() < deadline, f"{self.name} did not start: {self.tail()}"
            time.sleep(0.3)

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)  # no goodbye, nothing flushed on purpose
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@dataclass
class Cluster:
    replicas: list[Replica]
    store: SandboxStore
    recorder: Recorder
    sandbox_url: str
    database_url: str
    redis_prefix: str
    folder: Path
    seen: list[bytes] = field(default_factory=list)  # every API response body, for the token scan

    def post(self, replica: int, path: str, secret: str | None = None, **body: Any) -> httpx.Response:
        headers = {"X-Thread-Secret": secret} if secret else {}
        url = f"{self.replicas[replica].url}/v1/stores/{DEMO_STORE_HASH}{path}"
        answer = httpx.post(url, json=body, headers=headers, timeout=120)
        self.seen.append(answer.content)
        return answer

    def get(self, replica: int, path: str, **headers: str) -> httpx.Response:
        answer = httpx.get(f"{self.replicas[replica].url}{path}", headers=headers, timeout=30)
        self.seen.append(answer.content + str(answer.headers).encode())
        return answer

    def thread(self, replica: int) -> tuple[str, str]:
        created = self.post(replica, "/threads")
        assert created.status_code == 201, created.text
        return created.json()["thread_id"], created.json()["secret"]

    def say(self, replica: int, thread: tuple[str, str], text: str) -> httpx.Response:
        return self.post(replica, f"/threads/{thread[0]}/messages", thread[1], text=text)

    def view(self, replica: int, thread: tuple[str, str]) -> dict[str, Any]:
        path = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread[0]}"
        answer = self.get(replica, path, **{"X-Thread-Secret": thread[1]})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def faults(self, **settings: Any) -> None:
        answer = httpx.put(f"{self.sandbox_url}/__sandbox__/faults", json=settings, timeout=10)
        assert answer.status_code == 200, answer.text

    def order_writes(self, order_id: int) -> int:
        return sum(
            1 for m, p in self.recorder.requests if m == "PUT" and p.endswith(f"/v2/orders/{order_id}")
        )


def replies(answer: httpx.Response) -> str:
    assert answer.status_code == 200, answer.text
    return " ".join(answer.json()["replies"])


def redis_cleanup(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


async def connect_and_ingest(homes: list[Path], sandbox_url: str, chroma_url: str, embedder: Any) -> None:
    """Each machine connects the store; one of them builds the index on the shared Chroma server."""
    for home in homes:
        await connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), sandbox_url, ConnectionStore(home))
    settings = Settings(home=homes[0], chroma_url=chroma_url)
    async with catalog_runtime(settings, DEMO_STORE_HASH, embedder) as runtime:
        await sync_catalog(runtime.client, runtime.index, runtime.folder, runtime.context, full=True)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("replicas")
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    recorder = Recorder(Sandbox([store], quota=10**6))
    prefix = f"bcagent-test-{uuid.uuid4().hex[:10]}"
    with (
        LoopbackServer(recorder) as sandbox,
        chroma_server(folder / "chroma") as (chroma_url, _chroma),
        fresh_database("bcagent_replicas") as database_url,
    ):
        homes = [folder / "machine-a", folder / "machine-b"]
        asyncio.run(connect_and_ingest(homes, sandbox.base_url, chroma_url, embedder))
        replicas = []
        for name, home in zip(("a", "b"), homes, strict=True):
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "BCAGENT_HOME": str(home),
                "BCAGENT_DATABASE_URL": database_url,
                "BCAGENT_CHROMA_URL": chroma_url,
                "BCAGENT_REDIS_URL": REDIS_URL,
                "BCAGENT_REDIS_PREFIX": prefix,
                "BCAGENT_SYNC_INTERVAL_MINUTES": "0",
                "BCAGENT_RATE_PER_THREAD": str(RATE_PER_THREAD),
                "BCAGENT_TURN_LOCK_TTL_MS": str(LOCK_TTL_MS),
            }
            replicas.append(Replica(name, home, env, folder / f"serve-{name}.log"))
        try:
            for replica in replicas:
                replica.start()
            for replica in replicas:
                replica.wait_ready()
            yield Cluster(replicas, store, recorder, sandbox.base_url, database_url, prefix, folder)
        finally:
            for replica in replicas:
                replica.stop()
            redis_cleanup(prefix)


def restart(cluster: Cluster, index: int) -> None:
    replica = cluster.replicas[index]
    replica.stop()
    replica.start()
    replica.wait_ready()


def test_a_conversation_moves_between_replicas_and_survives_a_killed_one(
    cluster: Cluster, record_property: Any
) -> None:
    thread = cluster.thread(0)
    first = replies(cluster.say(0, thread, f"Where is order 12345? My email is {JANE}"))
    assert "1Z999AA10123456784" in first
    proposed = cluster.say(0, thread, f"Please cancel my order 12346, email {JANE}")
    confirmation = proposed.json()["confirmation"]
    assert confirmation is not None and confirmation["order_id"] == 12346, proposed.text
    cluster.replicas[0].kill()  # the replica that asked dies while the shopper reads the question
    try:
        assert cluster.view(1, thread)["confirmation"]["proposal_id"] == confirmation["proposal_id"]
        path = f"/threads/{thread[0]}/confirmation"
        done = cluster.post(1, path, thread[1], proposal_id=confirmation["proposal_id"], confirm=True)
        assert "cancelled" in replies(done).lower()
        again = cluster.post(1, path, thread[1], proposal_id=confirmation["proposal_id"], confirm=True)
        assert again.status_code == 409  # answered once: nothing is waiting any more
        assert cluster.store.orders[12346]["status_id"] == 5 and cluster.order_writes(12346) == 1
        product = replies(cluster.say(1, thread, "How much are the Premium Boxing Gloves?"))
        assert "$79.99" in product  # found through the shared Chroma server
    finally:
        restart(cluster, 0)
    view = cluster.view(0, thread)  # the restarted replica shows the whole conversation
    said = [m["text"] for m in view["messages"] if m["role"] == "shopper"]
    assert said[0].startswith("Where is order 12345") and said[-1].startswith("How much are")
    turns = asyncio.run(transcript_of(cluster.database_url, thread[0]))
    assert [t.surface for t in turns] == ["serve"] * 4
    assert [t.kind for t in turns] == ["message", "message", "confirmation", "message"]
    assert [t.started_at for t in turns] == sorted(t.started_at for t in turns)
    assert "1Z999AA10123456784" in str(turns[0].tool_calls) and "cancel" in str(turns[2].tool_calls)
    record_property("tried", "4 turns over 2 replicas, kill -9 of the first at the pending confirmation")


async def transcript_of(database_url: str, thread_id: str) -> list[Any]:
    async with open_transcripts(
        Settings(home=Path("/nonexistent"), database_url=database_url), Path()
    ) as store:
        return await store.turns(Query(thread_id=thread_id))


def test_wrong_emails_over_both_replicas_lock_after_five_in_total(
    cluster: Cluster, record_property: Any
) -> None:
    thread = cluster.thread(1)
    # order 12346, not 12345: five failures on one order number lock it for every conversation for an
    # hour (agent/tools/lockouts.py), and the next test asks for 12345
    reads_before = len(
        [p for m, p in cluster.recorder.requests if m == "GET" and p.endswith("/v2/orders/12346")]
    )
    texts = [
        replies(cluster.say(n % 2, thread, "Where is order 12346? My email is sam.smith@example.net"))
        for n in range(5)
    ]
    assert LOCKED not in " ".join(texts[:4]) and LOCKED in texts[4]  # 3 on one replica, 2 on the other
    right = replies(cluster.say(1, thread, f"Where is order 12346? My email is {JANE}"))
    assert LOCKED in right and "1Z999AA10123466784" not in right
    reads = len([p for m, p in cluster.recorder.requests if m == "GET" and p.endswith("/v2/orders/12346")])
    assert reads - reads_before == 5  # after the lockout the store is not even asked
    # the thread's message limit counts both replicas' messages: 6 so far, 4 more, then 429
    statuses = [cluster.say(n % 2, thread, "hello?").status_code for n in range(RATE_PER_THREAD - 6 + 1)]
    assert statuses == [200] * (RATE_PER_THREAD - 6) + [429]
    record_property("tried", "5 wrong emails alternating replicas, the right pair, then the thread's limit")


def test_one_turn_at_a_time_across_replicas_and_a_kill_mid_turn(
    cluster: Cluster, record_property: Any
) -> None:
    thread = cluster.thread(0)
    cluster.faults(latency_ms=4000)  # every store request is slow: the turn is in flight for seconds
    answers: list[httpx.Response | BaseException] = []

    def first_turn() -> None:
        try:
            answers.append(cluster.say(0, thread, f"Where is order 12345? My email is {JANE}"))
        except httpx.HTTPError as error:
            answers.append(error)

    asked = len(cluster.recorder.requests)
    running = threading.Thread(target=first_turn)
    running.start()
    try:
        deadline = time.monotonic() + 60
        while len(cluster.recorder.requests) == asked:  # the turn holds its lock and waits for the store
            assert time.monotonic() < deadline and running.is_alive(), (
                "the first turn never reached the store"
            )
            time.sleep(0.05)
        busy = cluster.say(1, thread, "and my other order?")
        assert busy.status_code == 409 and busy.json()["error"]["code"] == "turn_in_progress"
        cluster.replicas[0].kill()  # mid-turn
        running.join(30)
        assert answers and isinstance(answers[0], httpx.HTTPError)  # its client saw the connection go
    finally:
        cluster.faults(latency_ms=0)
        restart(cluster, 0)
    deadline = time.monotonic() + LOCK_TTL_MS / 1000 + 20
    while True:  # the dead replica's lock expires (it is not renewed any more)
        again = cluster.say(1, thread, f"Where is order 12345? My email is {JANE}")
        if again.status_code != 409:
            break
        assert time.monotonic() < deadline, "the dead replica's turn lock never expired"
        time.sleep(0.5)
    assert "1Z999AA10123456784" in replies(again)  # the thread continues on the other replica
    assert "20%" in replies(cluster.say(0, thread, "Is SAVE20 valid?"))  # and on the restarted one
    record_property("tried", "a second turn on the other replica mid-turn (409), kill -9 mid-turn, next turn")


def test_the_token_is_nowhere_the_replicas_left_anything(cluster: Cluster) -> None:
    """After the conversations above: the serve logs, API responses, the widget and its pages, every
    row of every table in PostgreSQL, every key and value under the Redis prefix, the Chroma server's
    files, both homes (but the credentials file) and a transcript export."""
    token = FULL_TOKEN.encode()
    for path in (
        "/",
        "/widget.js",
        f"/v1/stores/{DEMO_STORE_HASH}/config",
        "/readyz",
        "/docs",
        "/openapi.json",
    ):
        cluster.get(0, path)
    places: dict[str, bytes] = {f"response {n}": body for n, body in enumerate(cluster.seen)}
    for replica in cluster.replicas:
        places[f"serve-{replica.name}.log"] = replica.log.read_bytes()
    for path in cluster.folder.rglob("*"):
        if path.is_file() and path.name != "credentials.json" and not path.name.startswith("serve-"):
            places[str(path.relative_to(cluster.folder))] = path.read_bytes()
    with psycopg.connect(cluster.database_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        for (table,) in tables:
            rows = conn.execute(
                psycopg.sql.SQL("SELECT t::text FROM {} t").format(psycopg.sql.Identifier(table))
            ).fetchall()
            places[f"table {table}"] = "\n".join(r[0] for r in rows).encode()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{cluster.redis_prefix}:*"):
        kind = client.type(key)
        if kind == b"string":
            value = client.get(key)
        elif kind == b"set":  # the kept orders' index: the conversations' keys
            value = str(sorted(client.smembers(key))).encode()
        else:
            value = str(client.zrange(key, 0, -1)).encode()
        places[f"redis {key!r}"] = key + (value or b"")
    client.close()
    export = cluster.folder / "export.jsonl"
    exported = subprocess.run(
        [sys.executable, "-m", "agent.cli", "transcripts", "export", "-o", str(export)],
        env=cluster.replicas[1].env,
        capture_output=True,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr[-2000:]
    places["export"] = export.read_bytes() + exported.stdout + exported.stderr
    assert len(places) > 20 and places["export"].count(b"\n") >= 4  # the scan saw real material
    assert [name for name, content in places.items() if token in content] == []
    credentials = list(cluster.folder.rglob("credentials.json"))  # where the token is meant to be: found
    assert len(credentials) == 2 and all(token in path.read_bytes() for path in credentials)
