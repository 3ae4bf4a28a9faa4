"""One versioned migration runner for both engines.

``bcagent_schema_version`` holds one row per component (``agent_records``, ``serve_threads``, ...) with
the version applied. On opening, each process takes the migration lock (PostgreSQL: a transaction-level
advisory lock; SQLite: the write lock of ``BEGIN IMMEDIATE``), applies the migrations it is missing in
order and records the new version, all in one transaction, so replicas starting together migrate once.
A database migrated by a newer release is refused with a sentence saying so, never written to.

Each component has numbered migrations per engine; append, never edit a released one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .database import Database, Engine

log = logging.getLogger(__name__)

# The advisory-lock family (PostgreSQL keys, one per purpose; "bc" + two letters)
MIGRATION_LOCK = 0x6263_6167  # "bcag": serialises migrations across processes
CHECKPOINT_LOCK = 0x6263_636B  # "bcck": serialises LangGraph's checkpointer set-up

VERSION_TABLE = {
    "postgresql": """
        CREATE TABLE IF NOT EXISTS bcagent_schema_version (
            component TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )""",
    "sqlite": """
        CREATE TABLE IF NOT EXISTS bcagent_schema_version (
            component TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
        )""",
}


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer release than this one."""


@dataclass(frozen=True)
class Component:
    """The tables of one repository: its row in ``bcagent_schema_version`` and its migrations."""

    name: str
    migrations: Mapping[Engine, Sequence[tuple[int, str]]]

    def latest(self, engine: Engine) -> int:
        steps = self.migrations[engine]
        return steps[-1][0] if steps else 0


async def schema_version(db: Database, component: str) -> int:
    """The version of ``component`` applied in ``db`` (0: none)."""
    async with db.transaction(readonly=True) as tx:
        await tx.script(VERSION_TABLE[db.dialect.engine])
        row = await tx.fetchone(
            "SELECT version FROM bcagent_schema_version WHERE component = ?", (component,)
        )
    return int(row[0]) if row else 0


async def migrate(db: Database, component: Component, target: int | None = None) -> int:
    """Bring ``component``'s schema to ``target`` (default: its latest); returns the version now applied."""
    engine = db.dialect.engine
    steps = component.migrations[engine]
    latest = component.latest(engine)
    target = latest if target is None else target
    async with db.transaction() as tx:
        if engine == "postgresql":
            await tx.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
        await tx.script(VERSION_TABLE[engine])
        row = await tx.fetchone(
            "SELECT version FROM bcagent_schema_version WHERE component = ?", (component.name,)
        )
        current = int(row[0]) if row else 0
        if current > latest:
            raise SchemaTooNew(
                f"The {component.name.replace('_', ' ')} tables in {db.dialect.title} are at schema "
                f"version {current}, newer than this release knows ({latest}). Upgrade bcagent on this "
                "machine to the release the other replicas run."
            )
        if row is not None and current == target:
            return current
        for version, sql in steps:
            if current < version <= target:
                log.info("%s: migrating schema to version %d", component.name, version)
                await tx.script(sql)
                current = version
        await tx.execute(
            "INSERT INTO bcagent_schema_version (component, version) VALUES (?, ?) "
            "ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = "
            + ("now()" if engine == "postgresql" else "CURRENT_TIMESTAMP"),
            (component.name, current),
        )
    return current
