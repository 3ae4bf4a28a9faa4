"""The agent's records in PostgreSQL: the same behaviour as SQLite, a schema the product migrates
itself, and policy counters that lose no update when several processes count at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from agent.persistence import SchemaTooNew, migrate, open_database
from agent.persistence.records import RECORDS, AgentRecords, ConversationState, open_records
from agent.settings import Settings
from agent.store.capabilities import FULL_ACCESS
from agent.store.connections import Connection
from agent.tools.context import Conversation, ToolContext
from agent.tools.orders import get_order_information
from bigcommerce import AsyncBigCommerce
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore
from tests.pgschema import pg_url

__all__ = ["pg_url"]
ROOT = str(Path(__file__).resolve().parents[2])
LATEST = RECORDS.latest("postgresql")


async def _open(url: str, store_hash: str = "demostore", **options: float) -> AgentRecords:
    return await open_records(
        Settings(home=Path("/nonexistent"), database_url=url), store_hash, "/nonexistent", **options
    )  # type: ignore[arg-type]


async def test_open_records_picks_postgres_from_the_settings(pg_url: str, tmp_path: Path) -> None:
    chosen = await open_records(Settings(home=tmp_path, database_url=pg_url), "demostore", tmp_path)
    try:
        assert chosen.db.dialect.engine == "postgresql"
        assert "postgres@" not in repr(chosen)  # no user (or password) in a repr
    finally:
        await chosen.aclose()
    assert not (tmp_path / "agent.sqlite").exists()
    default = await open_records(Settings(home=tmp_path), "demostore", tmp_path)
    assert default.db.dialect.engine == "sqlite" and (tmp_path / "agent.sqlite").exists()
    await default.aclose()


async def test_stores_share_one_database_without_seeing_each_other(pg_url: str) -> None:
    first, second = await _open(pg_url, "storeone"), await _open(pg_url, "storetwo")
    try:
        await first.update("t", lambda s: setattr(s, "locked", True))
        await first.add_handoff("storeone", "t", "help", None)
        assert (await first.load("t")).locked and not (await second.load("t")).locked
        assert await second.handoffs() == [] and len(await first.handoffs()) == 1
    finally:
        await first.aclose()
        await second.aclose()


def _version(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT version FROM bcagent_schema_version WHERE component = 'agent_records'"
        ).fetchone()
    assert row is not None
    return int(row[0])


async def test_the_schema_is_created_and_upgraded_by_the_product(pg_url: str, tmp_path: Path) -> None:
    db = await open_database(Settings(home=tmp_path, database_url=pg_url), tmp_path, name="old", what="old")
    try:
        assert await migrate(db, RECORDS, target=1) == 1  # as an older release left it
    finally:
        await db.aclose()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO agent_conversations (store_hash, thread_id, state) VALUES ('demostore', 'old', %s)",
            ('{"failed_lookups": 3}',),
        )
    store = await _open(pg_url)  # a newer release starts: migrates, keeps the data
    try:
        assert _version(pg_url) == LATEST and (await store.load("old")).failed_lookups == 3
        with psycopg.connect(pg_url) as conn:
            indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes").fetchall()}
        assert "agent_audit_log_order" in indexes
    finally:
        await store.aclose()
    await (await _open(pg_url)).aclose()  # opening again changes nothing
    assert _version(pg_url) == LATEST


async def test_a_database_from_a_newer_release_is_refused(pg_url: str) -> None:
    await (await _open(pg_url)).aclose()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE bcagent_schema_version SET version = %s", (LATEST + 1,))
    with pytest.raises(SchemaTooNew, match="Upgrade bcagent"):
        await _open(pg_url)


async def test_an_unreachable_server_gets_a_sentence(tmp_path: Path) -> None:
    url = "postgresql://postgres:s3cret-pw@127.0.0.1:1/test?connect_timeout=1"
    with pytest.raises(RuntimeError, match=r"Cannot use PostgreSQL at 127\.0\.0\.1:1/test") as error:
        await _open(url, open_timeout=1)
    assert "s3cret-pw" not in str(error.value)


COUNTER = """
import asyncio, sys
from pathlib import Path
from agent.persistence.records import open_records
from agent.settings import Settings

async def main() -> None:
    store = await open_records(Settings(home=Path("/nonexistent"), database_url=sys.argv[1]), "demostore", "/x")
    for _ in range(int(sys.argv[2])):
        await store.update("shared", lambda s: setattr(s, "failed_lookups", s.failed_lookups + 1))
    await store.aclose()

asyncio.run(main())
"""


async def test_counters_lose_no_update_across_processes(pg_url: str) -> None:
    await (await _open(pg_url)).aclose()  # migrate once, before the race
    command = [sys.executable, "-c", COUNTER, pg_url, "50"]
    workers = [subprocess.Popen(command, env={**os.environ, "PYTHONPATH": ROOT}) for _ in range(3)]
    for worker in workers:
        assert await asyncio.to_thread(worker.wait, 120) == 0
    store = await _open(pg_url)
    try:
        assert (await store.load("shared")).failed_lookups == 150
    finally:
        await store.aclose()


def _lookups(url: str, base_url: str, emails: list[str], barrier: threading.Barrier) -> list[str]:
    """Wrong-email lookups of order 12345 through a process-like replica: its own client and records."""

    async def run() -> list[str]:
        records = await _open(url, DEMO_STORE_HASH)
        connection = Connection(store_hash=DEMO_STORE_HASH, api_url=base_url, scopes=dict(FULL_ACCESS))
        try:
            async with AsyncBigCommerce(DEMO_STORE_HASH, FULL_TOKEN, base_url=base_url) as client:
                ctx = ToolContext(client, connection, records)
                barrier.wait(30)
                tasks = [
                    get_order_information(ctx, Conversation("thread-shared"), "12345", email)
                    for email in emails
                ]
                return [answer["status"] for answer in await asyncio.gather(*tasks)]
        finally:
            await records.aclose()

    return asyncio.run(run())


def _replicas(url: str, base_url: str, first: list[str], second: list[str]) -> list[str]:
    barrier = threading.Barrier(2)
    results: list[list[str]] = [[], []]

    def worker(slot: int, emails: list[str]) -> None:
        results[slot] = _lookups(url, base_url, emails, barrier)

    threads = [threading.Thread(target=worker, args=(i, e)) for i, e in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results[0] + results[1]


@pytest.mark.parametrize(("wrong_first", "wrong_second", "locked"), [(3, 2, True), (2, 2, False)])
def test_failed_lookups_on_two_replicas_lock_after_five_in_total(
    pg_url: str, wrong_first: int, wrong_second: int, locked: bool
) -> None:
    asyncio.run(_close(_open(pg_url, DEMO_STORE_HASH)))
    store = SandboxStore.from_data(generate_demo_store(20, seed=0))
    with SandboxServer(Sandbox([store], quota=10**6)) as server:
        first = [f"guess{i}@example.com" for i in range(wrong_first)]
        second = [f"other{i}@example.com" for i in range(wrong_second)]
        statuses = _replicas(pg_url, server.base_url, first, second)
        assert statuses.count("not_found") + statuses.count("locked") == wrong_first + wrong_second
        assert statuses.count("locked") == (1 if locked else 0)  # only the fifth failure says so
        right = _replicas(pg_url, server.base_url, ["jane.doe@example.com"], [])

    async def load() -> ConversationState:
        records = await _open(pg_url, DEMO_STORE_HASH)
        try:
            return await records.load("thread-shared")
        finally:
            await records.aclose()

    state = asyncio.run(load())
    assert state.failed_lookups == wrong_first + wrong_second and state.locked is locked
    assert right == (["locked"] if locked else ["ok"])


async def _close(opening: object) -> None:
    await (await opening).aclose()  # type: ignore[misc]
