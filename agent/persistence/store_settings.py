"""The merchant's settings of every store of a data directory, with a version each change bumps.

One row per store: ``state`` (``connected`` or ``disconnected``), ``version`` (bumped by every write, in
the same transaction), the settings as JSON (tool switches, policy, store details, lost scopes, the
team's settings; their meaning is ``agent.store.merchant_settings``'s) and when they changed. A store's
handoff webhook secret is among them (every replica signs with it): a row's repr hides it. ``settings.sqlite`` in the data
directory by default (beside the stores' folders, so a disconnect's tombstone outlives the folder); the
table ``bcagent_store_settings`` of the shared PostgreSQL database when one is configured, so every
replica reads the same rows.

How a running ``bcagent serve`` follows changes: it reads ``(version, state)`` of a store (one indexed
row, a fraction of a millisecond) at most once a second while requests arrive, and reloads only when
the version moved. Every writer goes through :meth:`StoreSettingsRepository.write`, so no change is
missed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..settings import Settings
from . import timestamps
from .connect import open_database
from .database import Database
from .migrations import Component

StoreState = Literal["connected", "disconnected"]
Json = dict[str, Any]

STORE_SETTINGS = Component(
    "store_settings",
    {
        "sqlite": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS store_settings (
                    store_hash TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    settings TEXT NOT NULL,
                    changed_at TEXT NOT NULL
                )
                """,
            ),
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE bcagent_store_settings (
                    store_hash TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    settings JSONB NOT NULL,
                    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
            ),
        ],
    },
)


@dataclass(frozen=True)
class SettingsRow:
    store_hash: str
    state: StoreState
    version: int
    settings: Json
    changed_at: str

    def __repr__(self) -> str:  # a store's webhook secret is in the settings: never shown
        return (
            f"SettingsRow(store_hash={self.store_hash!r}, state={self.state!r}, version={self.version}, "
            f"settings={_hidden(self.settings)!r}, changed_at={self.changed_at!r})"
        )


def _hidden(value: Any) -> Any:
    """``value`` with every ``*_secret`` entry's value replaced."""
    if isinstance(value, dict):
        return {k: "(hidden)" if str(k).endswith("_secret") and v else _hidden(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hidden(v) for v in value]
    return value


def _json(value: Any) -> Json:
    data = json.loads(value) if isinstance(value, str) else value
    return data if isinstance(data, dict) else {}


class StoreSettingsRepository:
    """The settings rows of every store (not one store's: a server follows all it serves)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __repr__(self) -> str:
        return f"StoreSettingsRepository({self.db!r})"

    @property
    def _table(self) -> str:
        return "bcagent_store_settings" if self.db.dialect.engine == "postgresql" else "store_settings"

    def _encode(self, settings: Json) -> str:
        return json.dumps(settings, sort_keys=True)

    async def read(self, store_hash: str) -> SettingsRow | None:
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                f"SELECT state, version, settings, changed_at FROM {self._table} WHERE store_hash = ?",
                (store_hash,),
            )
        if row is None:
            return None
        state: StoreState = "disconnected" if row[0] == "disconnected" else "connected"
        return SettingsRow(store_hash, state, int(row[1]), _json(row[2]), timestamps.spell(row[3]))

    async def versions(self, store_hashes: list[str]) -> dict[str, tuple[int, StoreState]]:
        """``(version, state)`` of each store that has a row: the cheap check a server makes."""
        if not store_hashes:
            return {}
        marks = ", ".join("?" for _ in store_hashes)
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                f"SELECT store_hash, version, state FROM {self._table} WHERE store_hash IN ({marks})",
                tuple(store_hashes),
            )
        return {str(h): (int(v), "disconnected" if s == "disconnected" else "connected") for h, v, s in rows}

    async def write(
        self,
        store_hash: str,
        change: Callable[[Json], Json],
        *,
        state: StoreState = "connected",
        seed: Json | None = None,
    ) -> SettingsRow:
        """Apply ``change`` to the store's settings (``seed`` when it has none yet) and set ``state``,
        bumping the version, in one transaction: concurrent writers never lose each other's change."""
        now = timestamps.now()
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"SELECT version, settings FROM {self._table} WHERE store_hash = ?"
                f"{self.db.dialect.for_update}",
                (store_hash,),
            )
            version = int(row[0]) + 1 if row else 1
            current = _json(row[1]) if row else dict(seed or {})
            settings = change(current)
            await tx.execute(
                f"INSERT INTO {self._table} (store_hash, state, version, settings, changed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_hash) DO UPDATE SET state = excluded.state, "
                "version = excluded.version, settings = excluded.settings, changed_at = excluded.changed_at",
                (store_hash, state, version, self._encode(settings), now),
            )
        return SettingsRow(store_hash, state, version, settings, now)

    async def mark_disconnected(self, store_hash: str) -> SettingsRow:
        """The store's tombstone: its settings gone, its state ``disconnected`` (what tells every
        running server to stop serving it)."""
        return await self.write(store_hash, lambda _: {}, state="disconnected")

    async def aclose(self) -> None:
        await self.db.aclose()


async def open_store_settings(
    settings: Settings, *, max_connections: int = 2, open_timeout: float = 15.0
) -> StoreSettingsRepository:
    """The settings rows of ``settings.home``: PostgreSQL when configured, else ``settings.sqlite`` there."""
    db = await open_database(
        settings,
        Path(settings.home) / "settings.sqlite",
        name="store-settings",
        what="the stores' settings",
        components=[STORE_SETTINGS],
        max_connections=max_connections,
        open_timeout=open_timeout,
    )
    return StoreSettingsRepository(db)
