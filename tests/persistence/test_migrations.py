"""The one migration runner, on both engines: an empty database, a database in the schema of the
release before this layer, a database migrated by a newer release, and replicas migrating at once."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from agent.persistence import SchemaTooNew, open_database, schema_version
from agent.persistence.records import RECORDS, ConversationState, open_records
from agent.persistence.threads import THREADS, open_threads
from agent.settings import Settings

ROOT = str(Path(__file__).resolve().parents[2])

# The DDL of the release before agent/persistence/, as its files and databases hold it today.
TODAY_SQLITE_RECORDS = """
CREATE TABLE IF NOT EXISTS conversations (thread_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,
    store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, action TEXT NOT NULL, order_id INTEGER,
    status_before TEXT, status_after TEXT, outcome TEXT NOT NULL, detail TEXT);
CREATE TABLE IF NOT EXISTS handoffs (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,
    store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, summary TEXT NOT NULL, reason TEXT,
    status TEXT NOT NULL DEFAULT 'open');
INSERT INTO conversations VALUES ('t-old', '{"failed_lookups": 3, "bound_email": "jane@example.com"}', '2026-01-02T03:04:05+00:00');
INSERT INTO handoffs (time, store_hash, thread_id, summary, reason) VALUES ('2026-01-02T03:04:05+00:00', 'demostore', 't-old', 'wants a person', NULL);
"""
TODAY_SQLITE_THREADS = """
CREATE TABLE IF NOT EXISTS threads (thread_id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS message_times (thread_id TEXT NOT NULL, message_id TEXT NOT NULL, time TEXT NOT NULL,
    PRIMARY KEY (thread_id, message_id));
INSERT INTO threads VALUES ('a0123456789abcdef0123456789abcde', 'x', '2026-01-02T03:04:05.000+00:00');
"""
TODAY_POSTGRES = """
CREATE TABLE bcagent_schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE agent_conversations (store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, state JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (store_hash, thread_id));
CREATE TABLE agent_audit_log (id BIGSERIAL PRIMARY KEY, time TIMESTAMPTZ NOT NULL DEFAULT now(),
    store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, action TEXT NOT NULL, order_id BIGINT,
    status_before TEXT, status_after TEXT, outcome TEXT NOT NULL, detail TEXT);
CREATE TABLE agent_handoffs (id BIGSERIAL PRIMARY KEY, time TIMESTAMPTZ NOT NULL DEFAULT now(),
    store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, summary TEXT NOT NULL, reason TEXT,
    status TEXT NOT NULL DEFAULT 'open');
CREATE TABLE serve_threads (store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, secret_sha256 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (store_hash, thread_id));
CREATE TABLE serve_message_times (store_hash TEXT NOT NULL, thread_id TEXT NOT NULL, message_id TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL, PRIMARY KEY (store_hash, thread_id, message_id));
INSERT INTO bcagent_schema_version (component, version) VALUES ('agent_records', 1), ('serve_threads', 1);
INSERT INTO agent_conversations (store_hash, thread_id, state)
    VALUES ('demostore', 't-old', '{"failed_lookups": 3, "bound_email": "jane@example.com"}');
INSERT INTO agent_handoffs (store_hash, thread_id, summary) VALUES ('demostore', 't-old', 'wants a person');
INSERT INTO serve_threads (store_hash, thread_id, secret_sha256)
    VALUES ('demostore', 'a0123456789abcdef0123456789abcde', 'x');
"""


def _engine(settings: Settings) -> str:
    return "postgresql" if settings.database_url else "sqlite"


async def _versions(settings: Settings, folder: Path) -> dict[str, int]:
    found = {}
    for component, file in ((RECORDS, "agent.sqlite"), (THREADS, "serve.sqlite")):
        db = await open_database(settings, folder / file, name="check", what="the check")
        try:
            found[component.name] = await schema_version(db, component.name)
        finally:
            await db.aclose()
    return found


def _latest(settings: Settings) -> dict[str, int]:
    engine = "postgresql" if settings.database_url else "sqlite"
    return {c.name: c.latest(engine) for c in (RECORDS, THREADS)}  # type: ignore[arg-type]


async def test_an_empty_database_is_migrated_to_the_latest_schema(settings: Settings, tmp_path: Path) -> None:
    records = await open_records(settings, "demostore", tmp_path)
    threads = await open_threads(settings, "demostore", tmp_path)
    try:
        assert await records.load("t1") == ConversationState()
        thread_id, secret = await threads.create()
        assert await threads.check(thread_id, secret)
    finally:
        await records.aclose()
        await threads.aclose()
    assert await _versions(settings, tmp_path) == _latest(settings)
    again = await open_records(settings, "demostore", tmp_path)  # opening again changes nothing
    await again.aclose()
    assert await _versions(settings, tmp_path) == _latest(settings)


async def test_a_database_in_the_previous_schema_is_upgraded_in_place(
    settings: Settings, tmp_path: Path
) -> None:
    if settings.database_url:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(TODAY_POSTGRES)  # type: ignore[arg-type]
    else:
        for file, ddl in (("agent.sqlite", TODAY_SQLITE_RECORDS), ("serve.sqlite", TODAY_SQLITE_THREADS)):
            with sqlite3.connect(tmp_path / file) as conn:
                conn.executescript(ddl)
    records = await open_records(settings, "demostore", tmp_path)
    threads = await open_threads(settings, "demostore", tmp_path)
    try:
        kept = await records.load("t-old")
        assert kept.failed_lookups == 3 and kept.bound_email == "jane@example.com"
        changed = await records.update("t-old", lambda s: setattr(s, "failed_lookups", s.failed_lookups + 1))
        assert changed.failed_lookups == 4
        (handoff,) = await records.handoffs()
        assert handoff.summary == "wants a person" and handoff.thread_id == "t-old"
        assert not await threads.check("a0123456789abcdef0123456789abcde", "wrong")
        assert await threads.created_at("a0123456789abcdef0123456789abcde") < "2027"  # the stored time
    finally:
        await records.aclose()
        await threads.aclose()
    assert await _versions(settings, tmp_path) == _latest(settings)


async def test_a_database_migrated_by_a_newer_release_is_refused(settings: Settings, tmp_path: Path) -> None:
    await (await open_records(settings, "demostore", tmp_path)).aclose()
    newer = RECORDS.latest(_engine(settings)) + 1  # type: ignore[arg-type]
    if settings.database_url:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(
                "UPDATE bcagent_schema_version SET version = %s WHERE component = 'agent_records'", (newer,)
            )
    else:
        with sqlite3.connect(tmp_path / "agent.sqlite") as conn:
            conn.execute(
                "UPDATE bcagent_schema_version SET version = ? WHERE component = 'agent_records'", (newer,)
            )
    with pytest.raises(SchemaTooNew, match=r"newer than this release knows.*Upgrade bcagent on this machine"):
        await open_records(settings, "demostore", tmp_path)
    assert (await _versions(settings, tmp_path))["agent_records"] == newer  # never written to


async def test_an_unreachable_server_gets_a_sentence_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://postgres:s3cret-pw@127.0.0.1:1/test?connect_timeout=1"
    with pytest.raises(RuntimeError, match=r"Cannot use PostgreSQL at 127\.0\.0\.1:1/test") as error:
        await open_records(Settings(home=tmp_path, database_url=url), "demostore", tmp_path, open_timeout=1)
    assert "s3cret-pw" not in str(error.value)


OPEN = """
import asyncio, sys
from pathlib import Path
from agent.persistence.records import open_records
from agent.persistence.threads import open_threads
from agent.settings import Settings

async def main() -> None:
    settings = Settings(home=Path(sys.argv[1]), database_url=sys.argv[2] or None)
    for opener in (open_records, open_threads):
        repository = await opener(settings, "demostore", Path(sys.argv[1]))
        await repository.aclose()

asyncio.run(main())
"""


async def test_replicas_starting_at_once_migrate_once(settings: Settings, tmp_path: Path) -> None:
    command = [sys.executable, "-c", OPEN, str(tmp_path), settings.database_url or ""]
    workers = [subprocess.Popen(command, env={**os.environ, "PYTHONPATH": ROOT}) for _ in range(4)]
    for worker in workers:
        assert await asyncio.to_thread(worker.wait, 120) == 0
    assert await _versions(settings, tmp_path) == _latest(settings)
