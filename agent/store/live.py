"""Reading and changing a store's merchant settings in the persistence layer (the commands, the
assembly and a running server all come here), and the rule that says whether a store is connected.

A store is connected when its files are on disk (``ConnectionStore``) and no disconnect was recorded
in the settings after it was connected: a replica whose own data directory still holds the store's
files stops serving it as soon as another machine records the disconnect in the shared database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..persistence import timestamps
from ..persistence.store_settings import SettingsRow, StoreSettingsRepository, open_store_settings
from ..settings import Settings
from .connections import Connection
from .merchant_settings import MerchantSettings, StoreDetails, apply, default_who_may_cancel


@dataclass(frozen=True)
class LiveSettings:
    """A store's merchant settings as read, with the row's version (0: never written)."""

    settings: MerchantSettings
    version: int
    disconnected: bool


def disconnected_after(row: SettingsRow | None, connection: Connection) -> bool:
    """Whether ``row`` records a disconnect made after ``connection`` was connected."""
    if row is None or row.state != "disconnected":
        return False
    if not connection.connected_at:
        return True
    try:
        return timestamps.parse(row.changed_at) >= timestamps.parse(connection.connected_at)
    except ValueError:
        return True


def live_from(row: SettingsRow | None, connection: Connection) -> LiveSettings:
    if row is None:
        return LiveSettings(MerchantSettings.seeded_from(connection), 0, False)
    if disconnected_after(row, connection):
        return LiveSettings(MerchantSettings(), row.version, True)
    settings = (
        MerchantSettings.from_json(row.settings)
        if row.state == "connected"
        else MerchantSettings.seeded_from(connection)
    )
    return LiveSettings(settings, row.version, False)


async def read_live(repo: StoreSettingsRepository, connection: Connection) -> LiveSettings:
    return live_from(await repo.read(connection.store_hash), connection)


async def effective_connection(settings: Settings, connection: Connection) -> tuple[Connection, LiveSettings]:
    """``connection`` with the merchant's settings over it, and those settings."""
    repo = await open_store_settings(settings)
    try:
        live = await read_live(repo, connection)
    finally:
        await repo.aclose()
    return apply(connection, live.settings), live


async def change(
    settings: Settings,
    connection: Connection,
    edit: Callable[[MerchantSettings], MerchantSettings],
) -> MerchantSettings:
    """Apply ``edit`` to the store's settings and bump their version (every server follows)."""
    repo = await open_store_settings(settings)
    try:
        seed = MerchantSettings.seeded_from(connection).to_json()

        def step(current: dict[str, object]) -> dict[str, object]:
            return edit(MerchantSettings.from_json(current)).to_json()

        row = await repo.write(connection.store_hash, step, seed=seed)
    finally:
        await repo.aclose()
    return MerchantSettings.from_json(row.settings)


async def record_connected(
    settings: Settings, connection: Connection, details: StoreDetails | None = None
) -> MerchantSettings:
    """After `connect`: the store is connected again (a tombstone is replaced by settings seeded from
    the files, who may cancel by ``default_who_may_cancel``), its typed details kept when given, its team
    settings kept, and lost scopes forgotten (the probe is fresh)."""
    repo = await open_store_settings(settings)
    try:
        previous = await repo.read(connection.store_hash)
        if previous is not None and previous.state == "connected":
            start = MerchantSettings.from_json(previous.settings)
        else:  # a new connection: who may cancel follows whether this server can email a code
            seeded = MerchantSettings.seeded_from(connection)
            who = default_who_may_cancel(bool(settings.handoff.smtp_url))
            start = replace(seeded, policy=replace(seeded.policy, who_may_cancel=who))
        fresh = MerchantSettings(
            disabled_tools=start.disabled_tools,
            policy=start.policy,
            details=details if details is not None and details.given() else start.details,
            team=start.team,  # connecting again keeps the team's hours, address, syncs and webhook
        )
        row = await repo.write(connection.store_hash, lambda _: fresh.to_json())
    finally:
        await repo.aclose()
    return MerchantSettings.from_json(row.settings)


async def record_disconnected(settings: Settings, store_hash: str) -> None:
    repo = await open_store_settings(settings)
    try:
        await repo.mark_disconnected(store_hash)
    finally:
        await repo.aclose()
