"""The catalog-freshness record of one store, in SQLite under its folder (``freshness.sqlite``).

What `bcagent status` reads and `bcagent serve` writes, safe to share between the two processes:

- ``events``: every webhook and what became of it (``received``, ``duplicate``, ``rejected``,
  ``applied``, ``failed``, ``pending``) and every scheduled sync (``sync``, ``sync_failed``,
  ``sync_skipped``); the last ``KEEP_EVENTS`` rows are kept, and ``counters`` keeps totals per kind.
- ``seen``: payload hashes already accepted, so a retried delivery is dropped even after a restart.
- ``pending``: products (and categories) whose change is accepted but not yet in the index; a restart
  or an unreachable store loses nothing, the worker picks them up again.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FILE = "freshness.sqlite"
KEEP_EVENTS = 5000
KEEP_HASHES_SECONDS = 3 * 24 * 3600  # BigCommerce retries for about 48 h
PRUNE_EVERY = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,
    kind TEXT NOT NULL, scope TEXT, product_id INTEGER, detail TEXT);
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS seen (hash TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS pending (key TEXT PRIMARY KEY, since REAL NOT NULL, attempts INTEGER NOT NULL,
    last_error TEXT);
"""


@dataclass(frozen=True)
class Event:
    at: float
    kind: str
    scope: str | None
    product_id: int | None
    detail: str | None


@dataclass(frozen=True)
class FreshnessSummary:
    counts: dict[str, int]
    last: dict[str, Event]
    pending: int
    oldest_pending: float | None


class FreshnessLog:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._writes = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- writing --------------------------------------------------------------------------------------

    def accept(self, digest: str | None, scope: str, keys: Iterable[str], product_id: int | None) -> bool:
        """Record a received webhook; False (and a ``duplicate`` event) when its hash was seen before.
        Otherwise its keys (``product:12``, ``category:3``) become pending in the same transaction."""
        now = time.time()
        with self._lock, self._transaction():
            if (
                digest
                and not self._db.execute(
                    "INSERT OR IGNORE INTO seen(hash, at) VALUES (?, ?)", (digest, now)
                ).rowcount
            ):
                self._event(now, "duplicate", scope, product_id, None)
                return False
            self._event(now, "received", scope, product_id, None)
            self._db.executemany(
                "INSERT OR IGNORE INTO pending(key, since, attempts) VALUES (?, ?, 0)",
                [(k, now) for k in keys],
            )
        self._maybe_prune()
        return True

    def record(
        self, kind: str, scope: str | None = None, product_id: int | None = None, detail: str | None = None
    ) -> None:
        with self._lock:
            self._event(time.time(), kind, scope, product_id, detail)
        self._maybe_prune()

    def applied(self, keys: Iterable[str], outcomes: dict[int, str]) -> None:
        """The keys are in the index now: one ``applied`` event per product, and no longer pending."""
        now = time.time()
        with self._lock, self._transaction():
            for product_id, outcome in sorted(outcomes.items()):
                kind = "failed" if outcome == "failed" else "applied"
                self._event(now, kind, None, product_id, outcome)
            self._db.executemany("DELETE FROM pending WHERE key = ?", [(k,) for k in keys])

    def still_pending(self, keys: Iterable[str], error: str) -> None:
        now = time.time()
        with self._lock, self._transaction():
            for key in keys:
                self._db.execute(
                    "UPDATE pending SET attempts = attempts + 1, last_error = ? WHERE key = ?", (error, key)
                )
                kind, _, ident = key.partition(":")
                self._event(now, "pending", None, int(ident) if kind == "product" else None, error)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _event(
        self, at: float, kind: str, scope: str | None, product_id: int | None, detail: str | None
    ) -> None:
        self._db.execute(
            "INSERT INTO events(at, kind, scope, product_id, detail) VALUES (?, ?, ?, ?, ?)",
            (at, kind, scope, product_id, detail),
        )
        self._db.execute(
            "INSERT INTO counters(kind, count, last_at) VALUES (?, 1, ?) "
            "ON CONFLICT(kind) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
            (kind, at),
        )
        self._writes += 1

    def _maybe_prune(self) -> None:
        if self._writes < PRUNE_EVERY:
            return
        with self._lock:
            self._writes = 0
            self._db.execute(
                "DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?", (KEEP_EVENTS,)
            )
            self._db.execute("DELETE FROM seen WHERE at < ?", (time.time() - KEEP_HASHES_SECONDS,))

    # ---- reading --------------------------------------------------------------------------------------

    def pending_keys(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT key FROM pending ORDER BY since, key")]

    def events(self, kind: str | None = None, limit: int = 100) -> list[Event]:
        """The most recent events, newest first."""
        query = "SELECT at, kind, scope, product_id, detail FROM events"
        args: tuple[object, ...] = ()
        if kind:
            query += " WHERE kind = ?"
            args = (kind,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [Event(*row) for row in rows]

    def summary(self) -> FreshnessSummary:
        with self._lock:
            counts = dict(self._db.execute("SELECT kind, count FROM counters").fetchall())
            pending, oldest = self._db.execute("SELECT COUNT(*), MIN(since) FROM pending").fetchone()
        last = {}
        for kind in ("received", "applied", "sync", "sync_failed"):
            found = self.events(kind, limit=1)
            if found:
                last[kind] = found[0]
        return FreshnessSummary(counts, last, int(pending), oldest)
