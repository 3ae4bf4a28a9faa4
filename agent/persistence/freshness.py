"""The catalog-freshness log of one store: what ``bcagent serve`` writes and ``bcagent status`` reads.

``freshness.sqlite`` in the store's folder by default; with a PostgreSQL ``BCAGENT_DATABASE_URL``,
tables there shared by every replica (component ``catalog_freshness``), so a webhook delivered to two
replicas is applied once and the event log is one log:

- events: every webhook and what became of it (``received``, ``duplicate``, ``rejected``, ``applied``,
  ``failed``, ``pending``) and every scheduled sync (``sync``, ``sync_failed``, ``sync_skipped``); the
  last ``KEEP_EVENTS`` rows of a store are kept, and the counters keep totals per kind.
- seen: payload hashes already accepted, so a retried delivery is dropped even after a restart (and on
  PostgreSQL, by whichever replica it reaches).
- pending: products (and categories) whose change is accepted but not yet in the index; a restart or an
  unreachable store loses nothing, a follower picks them up again.

The same database holds the store's catalog mirror (:mod:`agent.persistence.catalog_mirror`), which
this log proves fresh (:meth:`FreshnessLog.proof`).

Times here are seconds since the epoch (``time.time()``), not spelled text: they are only compared and
subtracted (ages, pruning), and ``bcagent status`` spells them when it shows them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings
from .catalog_mirror import CATALOG_MIRROR, CatalogMirror
from .connect import is_postgres_url, open_database
from .database import Database, Transaction
from .migrations import Component
from .repository import Repository

FILE = "freshness.sqlite"
KEEP_EVENTS = 5000
KEEP_HASHES_SECONDS = 3 * 24 * 3600  # BigCommerce retries for about 48 h
PRUNE_EVERY = 500

FRESHNESS = Component(
    "catalog_freshness",
    {
        "sqlite": [  # the schema of freshness.sqlite before this layer, adopted in place
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,
                    kind TEXT NOT NULL, scope TEXT, product_id INTEGER, detail TEXT);
                CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, count INTEGER NOT NULL,
                    last_at REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS seen (hash TEXT PRIMARY KEY, at REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS pending (key TEXT PRIMARY KEY, since REAL NOT NULL,
                    attempts INTEGER NOT NULL, last_error TEXT)
                """,
            )
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS freshness_events (id BIGSERIAL PRIMARY KEY,
                    store_hash TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL, scope TEXT,
                    product_id BIGINT, detail TEXT);
                CREATE INDEX IF NOT EXISTS freshness_events_kind ON freshness_events (store_hash, kind, id);
                CREATE TABLE IF NOT EXISTS freshness_counters (store_hash TEXT NOT NULL, kind TEXT NOT NULL,
                    count BIGINT NOT NULL, last_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (store_hash, kind));
                CREATE TABLE IF NOT EXISTS freshness_seen (store_hash TEXT NOT NULL, hash TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL, PRIMARY KEY (store_hash, hash));
                CREATE TABLE IF NOT EXISTS freshness_pending (store_hash TEXT NOT NULL, key TEXT NOT NULL,
                    since DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL, last_error TEXT,
                    PRIMARY KEY (store_hash, key))
                """,
            )
        ],
    },
)


@dataclass(frozen=True)
class Event:
    at: float
    kind: str
    scope: str | None
    product_id: int | None
    detail: str | None


@dataclass(frozen=True)
class FreshnessProof:
    """What says whether the store's mirror is fresh: when a webhook was last accepted and a sync last
    succeeded (seconds since the epoch, None: never), and the products whose change is still pending."""

    last_delivery: float | None
    last_sync: float | None
    pending_products: frozenset[int]

    def last_heard(self) -> float | None:
        """The later of the last delivery and the last successful sync."""
        times = [t for t in (self.last_delivery, self.last_sync) if t is not None]
        return max(times) if times else None


@dataclass(frozen=True)
class FreshnessSummary:
    counts: dict[str, int]
    last: dict[str, Event]
    pending: int
    oldest_pending: float | None
    mirrored: int = 0  # products in the catalog mirror
    mirror_newest: float | None = None  # when the newest copy was written


class FreshnessLog(Repository):
    """The freshness log of one store. Every method is one short transaction."""

    def __init__(self, db: Database, store_hash: str) -> None:
        super().__init__(db, store_hash)
        self._writes = 0  # by this process, since its last prune

    def _t(self, name: str) -> str:
        return self.table(name, f"freshness_{name}")

    def _insert(self, table: str, columns: str) -> str:
        """``INSERT INTO table (store_hash?, columns) VALUES (?, ...)`` for this engine."""
        names = [*self.key_columns(), *(c.strip() for c in columns.split(","))]
        return f"INSERT INTO {self._t(table)} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"

    # ---- writing --------------------------------------------------------------------------------------

    async def accept(
        self, digest: str | None, scope: str, keys: Iterable[str], product_id: int | None
    ) -> bool:
        """Record a received webhook; False (and a ``duplicate`` event) when its hash was seen before, by
        this process or another. Otherwise its keys (``product:12``, ``category:3``) become pending in
        the same transaction."""
        now = time.time()
        async with self.db.transaction() as tx:
            if digest and not await tx.execute(
                self._insert("seen", "hash, at") + " ON CONFLICT DO NOTHING", self.key_values(digest, now)
            ):
                await self._event(tx, now, "duplicate", scope, product_id, None)
                return False
            await self._event(tx, now, "received", scope, product_id, None)
            await tx.executemany(
                self._insert("pending", "key, since, attempts") + " ON CONFLICT DO NOTHING",
                [self.key_values(key, now, 0) for key in keys],
            )
        await self._maybe_prune()
        return True

    async def record(
        self, kind: str, scope: str | None = None, product_id: int | None = None, detail: str | None = None
    ) -> None:
        async with self.db.transaction() as tx:
            await self._event(tx, time.time(), kind, scope, product_id, detail)
        await self._maybe_prune()

    async def applied(self, keys: Iterable[str], outcomes: dict[int, str]) -> None:
        """The keys are in the index now: one ``applied`` event per product, and no longer pending."""
        now = time.time()
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            for product_id, outcome in sorted(outcomes.items()):
                kind = "failed" if outcome == "failed" else "applied"
                await self._event(tx, now, kind, None, product_id, outcome)
            await tx.executemany(
                f"DELETE FROM {self._t('pending')} WHERE {scope}key = ?", [(*params, k) for k in keys]
            )

    async def still_pending(self, keys: Iterable[str], error: str) -> None:
        now = time.time()
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            for key in keys:
                await tx.execute(
                    f"UPDATE {self._t('pending')} SET attempts = attempts + 1, last_error = ? "
                    f"WHERE {scope}key = ?",
                    (error, *params, key),
                )
                kind, _, ident = key.partition(":")
                await self._event(tx, now, "pending", None, int(ident) if kind == "product" else None, error)

    async def _event(
        self,
        tx: Transaction,
        at: float,
        kind: str,
        scope: str | None,
        product_id: int | None,
        detail: str | None,
    ) -> None:
        await tx.execute(
            self._insert("events", "at, kind, scope, product_id, detail"),
            self.key_values(at, kind, scope, product_id, detail),
        )
        keys = ", ".join(self.key_columns("kind"))
        await tx.execute(
            self._insert("counters", "kind, count, last_at")
            + f" ON CONFLICT ({keys}) DO UPDATE SET count = {self._t('counters')}.count + 1, "
            "last_at = excluded.last_at",
            self.key_values(kind, 1, at),
        )
        self._writes += 1

    async def _maybe_prune(self) -> None:
        """Every ``PRUNE_EVERY`` writes of this process: keep the store's last ``KEEP_EVENTS`` events and
        the hashes of the last ``KEEP_HASHES_SECONDS``."""
        if self._writes < PRUNE_EVERY:
            return
        self._writes = 0
        scope, params = self.scope()
        alone, _ = self.scope(alone=True)
        events = self._t("events")
        async with self.db.transaction() as tx:
            await tx.execute(
                f"DELETE FROM {events} WHERE {scope}id <= (SELECT id FROM {events}"
                f"{' WHERE ' + alone if alone else ''} ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (*params, *params, KEEP_EVENTS),
            )
            await tx.execute(
                f"DELETE FROM {self._t('seen')} WHERE {scope}at < ?",
                (*params, time.time() - KEEP_HASHES_SECONDS),
            )

    # ---- reading --------------------------------------------------------------------------------------

    async def pending_keys(self) -> list[str]:
        scope, params = self.scope(alone=True)
        where = f" WHERE {scope}" if scope else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                f"SELECT key FROM {self._t('pending')}{where} ORDER BY since, key", params
            )
        return [str(row[0]) for row in rows]

    async def proof(self) -> FreshnessProof:
        """The last accepted delivery and successful sync, and the pending products, in one read."""
        scope, params = self.scope(alone=True)
        where = f" WHERE {scope}" if scope else ""
        kinds = f"{where} {'AND' if scope else 'WHERE'} kind IN ('received', 'sync')"
        async with self.db.transaction(readonly=True) as tx:
            lasts = await tx.fetchall(f"SELECT kind, last_at FROM {self._t('counters')}{kinds}", params)
            pending = await tx.fetchall(
                f"SELECT key FROM {self._t('pending')}{where} {'AND' if scope else 'WHERE'} key LIKE ?",
                (*params, "product:%"),
            )
        last = {str(kind): float(at) for kind, at in lasts}
        return FreshnessProof(
            last.get("received"),
            last.get("sync"),
            frozenset(int(str(row[0]).split(":", 1)[1]) for row in pending),
        )

    def mirror(self) -> CatalogMirror:
        """The store's catalog mirror, on this log's database (it is what proves the mirror fresh)."""
        return CatalogMirror(self.db, self.store_hash)

    async def events(self, kind: str | None = None, limit: int = 100) -> list[Event]:
        """The most recent events, newest first."""
        scope, params = self.scope(alone=True)
        conditions = [scope] if scope else []
        if kind:
            conditions.append("kind = ?")
            params = (*params, kind)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                f"SELECT at, kind, scope, product_id, detail FROM {self._t('events')}{where} "
                "ORDER BY id DESC LIMIT ?",
                (*params, limit),
            )
        return [Event(float(r[0]), str(r[1]), r[2], r[3], r[4]) for r in rows]

    async def summary(self) -> FreshnessSummary:
        scope, params = self.scope(alone=True)
        where = f" WHERE {scope}" if scope else ""
        async with self.db.transaction(readonly=True) as tx:
            counts = await tx.fetchall(f"SELECT kind, count FROM {self._t('counters')}{where}", params)
            row = await tx.fetchone(f"SELECT COUNT(*), MIN(since) FROM {self._t('pending')}{where}", params)
        pending, oldest = row if row is not None else (0, None)
        last = {}
        for kind in ("received", "applied", "sync", "sync_failed"):
            found = await self.events(kind, limit=1)
            if found:
                last[kind] = found[0]
        mirrored, newest = await self.mirror().extent()
        return FreshnessSummary(
            {str(kind): int(count) for kind, count in counts},
            last,
            int(pending),
            float(oldest) if oldest is not None else None,
            mirrored,
            newest,
        )


def freshness_file(folder: Path) -> Path:
    return folder / FILE


async def read_summary(settings: Settings, store_hash: str, folder: Path) -> FreshnessSummary | None:
    """What ``bcagent status`` shows of the log; None when nothing was ever recorded on SQLite (reading
    creates no file)."""
    if not is_postgres_url(settings.database_url) and not freshness_file(folder).exists():
        return None
    log = await open_freshness_log(settings, store_hash, folder, max_connections=1)
    try:
        return await log.summary()
    finally:
        await log.aclose()


async def open_freshness_log(
    settings: Settings, store_hash: str, folder: Path, *, max_connections: int = 2
) -> FreshnessLog:
    """The freshness log of one store, migrated: PostgreSQL when configured, else ``freshness.sqlite``
    in its folder. Close with ``await aclose()``."""
    db = await open_database(
        settings,
        freshness_file(folder),
        name="freshness",
        what="the catalog freshness log",
        components=[FRESHNESS, CATALOG_MIRROR],
        max_connections=max_connections,
    )
    return FreshnessLog(db, store_hash)
