"""The freshness log on both engines: a webhook hash is accepted once by every log of the store (two
replicas on PostgreSQL, two processes on one SQLite file), each store keeps its own log, pruning keeps
the store's last events, and a freshness.sqlite made before this layer is adopted in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agent.persistence import freshness, schema_version
from agent.persistence.freshness import FreshnessLog, open_freshness_log, read_summary
from agent.settings import Settings


async def test_a_hash_is_accepted_once_by_every_log_of_the_store(settings: Settings, tmp_path: Path) -> None:
    first = await open_freshness_log(settings, "abc", tmp_path)
    second = await open_freshness_log(settings, "abc", tmp_path)
    try:
        assert await first.accept("h1", "store/product/updated", ["product:1"], 1)
        assert not await second.accept("h1", "store/product/updated", ["product:1"], 1)
        assert await second.pending_keys() == ["product:1"]
        summary = await second.summary()
        assert (summary.counts, summary.pending) == ({"received": 1, "duplicate": 1}, 1)
        await second.applied(["product:1"], {1: "upserted"})
        assert await first.pending_keys() == []
        (event,) = await first.events("applied")
        assert (event.product_id, event.detail) == (1, "upserted")
        assert [e.kind for e in await first.events()] == ["applied", "duplicate", "received"]
    finally:
        await first.aclose()
        await second.aclose()
    summary = await read_summary(settings, "abc", tmp_path)
    assert summary is not None and summary.last["applied"].product_id == 1


async def test_each_store_keeps_its_own_log(settings: Settings, tmp_path: Path) -> None:
    one = await open_freshness_log(settings, "one", tmp_path / "one")
    two = await open_freshness_log(settings, "two", tmp_path / "two")
    try:
        assert await one.accept("same-hash", "store/product/updated", ["product:1"], 1)
        assert await two.accept("same-hash", "store/product/updated", ["product:2"], 2)
        await two.still_pending(["product:2"], "store unreachable")
        assert (await one.pending_keys(), await two.pending_keys()) == (["product:1"], ["product:2"])
        assert (await one.summary()).counts == {"received": 1}
        assert (await two.summary()).counts == {"received": 1, "pending": 1}
    finally:
        await one.aclose()
        await two.aclose()


async def test_pruning_keeps_the_last_events_of_the_store(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(freshness, "PRUNE_EVERY", 5)
    monkeypatch.setattr(freshness, "KEEP_EVENTS", 3)
    log = await open_freshness_log(settings, "abc", tmp_path / "abc")
    other = await open_freshness_log(settings, "other", tmp_path / "other")
    try:
        for n in range(4):
            await other.record("sync", detail=f"other {n}")
        for n in range(5):
            await log.record("sync", detail=f"run {n}")
        assert [e.detail for e in await log.events()] == ["run 4", "run 3", "run 2"]
        assert len(await other.events()) == 4  # another store's log is not this one's to prune
        assert (await log.summary()).counts == {"sync": 5}  # the totals stay
    finally:
        await log.aclose()
        await other.aclose()


async def test_a_freshness_file_of_an_earlier_release_is_adopted_in_place(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / freshness.FILE)
    old.executescript(  # what agent/store/freshness_log.py created
        """
        CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, kind TEXT NOT NULL,
            scope TEXT, product_id INTEGER, detail TEXT);
        CREATE TABLE counters (kind TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at REAL NOT NULL);
        CREATE TABLE seen (hash TEXT PRIMARY KEY, at REAL NOT NULL);
        CREATE TABLE pending (key TEXT PRIMARY KEY, since REAL NOT NULL, attempts INTEGER NOT NULL,
            last_error TEXT);
        INSERT INTO events (at, kind, scope, product_id) VALUES (1700000000.5, 'received', 'store/product/updated', 7);
        INSERT INTO counters VALUES ('received', 1, 1700000000.5);
        INSERT INTO seen VALUES ('old-hash', 1700000000.5);
        INSERT INTO pending VALUES ('product:7', 1700000000.5, 0, NULL);
        """
    )
    old.close()
    log = await open_freshness_log(Settings(home=tmp_path), "abc", tmp_path)
    try:
        assert isinstance(log, FreshnessLog) and await schema_version(log.db, "catalog_freshness") == 1
        assert await log.pending_keys() == ["product:7"]
        assert not await log.accept("old-hash", "store/product/updated", ["product:7"], 7)
        summary = await log.summary()
        assert (
            summary.counts == {"received": 1, "duplicate": 1} and summary.last["received"].at == 1700000000.5
        )
    finally:
        await log.aclose()
