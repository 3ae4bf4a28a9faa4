"""How a running ``bcagent serve`` follows the merchant: tool switches, policy, store details and
disconnects take effect without a restart, on this process and on every replica.

Mechanism: a version check over the persistence layer. Every settings change bumps the store's row in
``agent.persistence.store_settings`` (SQLite in the data directory, or the PostgreSQL table every
replica shares). This process reads the served stores' versions in one query, at most once per
``interval`` seconds (default 1): from a background loop, and before a request when the last read is
older than that. Nothing is reloaded while the version stands still. A request therefore sees a change
made up to ``interval`` seconds before it (plus the time of one indexed read).

When the version moved, the store's connection is read again from its files and the settings laid over
it: the tools, the policy and the greeting's store name change in place, for the next turn, and a token
replaced since (``connect`` again) is sent from then on. When a disconnect was recorded (or the store's
files are gone), the store is no longer served: its routes
answer ``404 unknown_store`` and its BigCommerce client is closed, so no further request goes out with
the old token. A store connected since the server started (the console, the app's install, ``bcagent
connect``) is opened in the background and served once its agent is ready, unless the server was started
for named stores only (``serve --store``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from ..persistence.errors import DATABASE_ERRORS, DatabaseUnavailable
from ..persistence.store_settings import StoreSettingsRepository
from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.live import live_from
from ..store.merchant_settings import MerchantSettings, apply
from ..tools.context import StorePolicy
from .state import ServerState

log = logging.getLogger(__name__)
UNREADABLE: tuple[type[Exception], ...] = (DatabaseUnavailable, OSError, *DATABASE_ERRORS)


class SettingsFollower:
    """Keeps the served stores of one server in step with their settings rows."""

    def __init__(
        self,
        repo: StoreSettingsRepository,
        connections: ConnectionStore,
        *,
        interval: float = 1.0,
        injected_policy: bool = False,
        on_stop: Callable[[str], Awaitable[None]] | None = None,
        on_token: Callable[[str, str], None] | None = None,
        on_new: Callable[[str], Awaitable[None]] | None = None,
        on_settings: Callable[[str, MerchantSettings], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.repo = repo
        self.connections = connections
        self.interval = interval
        self.injected_policy = injected_policy  # a caller's policy (tests) is kept over the stored one
        self.on_stop = on_stop  # what else holds the store's token (the catalog's syncs) stops too
        self.on_token = on_token  # ... and is given a replaced token (store hash, token)
        self.on_new = on_new  # serves a store connected since (None: serve the stores started with only)
        self.on_settings = on_settings  # what else follows the merchant's settings (the catalog's schedule)
        self.opening: dict[str, asyncio.Task[None]] = {}
        self.clock = clock
        self.versions: dict[str, int] = {}
        self.checked_at = float("-inf")
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def check(self, server: ServerState, *, force: bool = False) -> None:
        """Read the served stores' versions (unless read less than ``interval`` ago) and apply what
        changed. A database that cannot be reached keeps the last settings (and is logged)."""
        if not force and self.clock() - self.checked_at < self.interval:
            return
        async with self._lock:
            if not force and self.clock() - self.checked_at < self.interval:
                return
            self.checked_at = self.clock()
            hashes = list(server.stores)
            try:
                versions = await self.repo.versions(hashes)
            except UNREADABLE as problem:
                log.warning("could not read the stores' settings (keeping the last ones): %s", problem)
                return
            if self.on_new is not None:
                await self._open_new(server)
            for store_hash in hashes:
                gone = not (self.connections.folder(store_hash) / "connection.json").is_file()
                version = versions.get(store_hash, (0, "connected"))[0]
                if gone:
                    await self._stop_serving(server, store_hash, "its files were removed")
                elif version != self.versions.get(store_hash, 0):
                    await self._reload(server, store_hash)

    async def _open_new(self, server: ServerState) -> None:
        """Start serving, in the background, each store connected since (its files are here and its
        settings row does not say disconnected); a store that fails to open is tried again later."""
        assert self.on_new is not None
        new = [h for h in self.connections.hashes() if h not in server.stores and h not in self.opening]
        if not new:
            return
        try:
            states = await self.repo.versions(new)
        except UNREADABLE as problem:
            log.warning("could not read the new stores' settings: %s", problem)
            return
        for store_hash in new:
            if states.get(store_hash, (0, "connected"))[1] == "disconnected":
                continue
            self.opening[store_hash] = asyncio.create_task(
                self._open(store_hash), name=f"serve-new-store-{store_hash}"
            )

    async def _open(self, store_hash: str) -> None:
        assert self.on_new is not None
        try:
            await self.on_new(store_hash)
        except Exception:  # logged; the next check tries again
            log.exception("store %s: could not start serving it", store_hash)
            await asyncio.sleep(self.interval * 10)  # not every second
        finally:
            self.opening.pop(store_hash, None)

    async def _reload(self, server: ServerState, store_hash: str) -> None:
        served = server.stores.get(store_hash)
        if served is None:
            return
        try:
            connection = self.connections.load(store_hash)
            token = self.connections.token(store_hash).reveal()
        except ConnectionProblem:
            await self._stop_serving(server, store_hash, "it is no longer connected")
            return
        row = await self.repo.read(store_hash)
        live = live_from(row, connection)
        if live.disconnected:
            await self._stop_serving(server, store_hash, "it was disconnected")
            return
        effective = apply(connection, live.settings)
        tools = served.agent.context.tools
        if tools.client.replace_token(token):  # `connect` again, or the console's "Replace the access token"
            log.info("store %s: the replaced access token is in use", store_hash)
            if self.on_token is not None:
                self.on_token(store_hash, token)
        tools.connection = effective
        if not self.injected_policy:
            tools.policy = StorePolicy.from_settings(live.settings.policy, base=tools.policy)
        tools.handoff = live.settings.team.handoff(server.settings.handoff)  # hours, address, webhook
        if self.on_settings is not None:
            await self.on_settings(store_hash, live.settings)
        served.connection = effective
        served.lost = live.settings.lost if live.settings.lost.scopes else None
        server.allow_storefront(effective)
        served.agent.context.store_name = effective.name or store_hash
        server.readiness.pop(store_hash, None)
        self.versions[store_hash] = live.version
        log.info("store %s: settings version %d applied", store_hash, live.version)

    async def _stop_serving(self, server: ServerState, store_hash: str, why: str) -> None:
        served = server.stores.pop(store_hash, None)
        server.readiness.pop(store_hash, None)
        if served is None:
            return
        log.warning("store %s: no longer served, %s", store_hash, why)
        await served.agent.context.tools.client.aclose()  # nothing more goes out with its token
        if self.on_stop is not None:
            await self.on_stop(store_hash)

    def start(self, server: ServerState) -> None:
        """Check in the background every ``interval`` seconds (requests check too, when it is due)."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(self.interval)
                try:
                    await self.check(server)
                except Exception:  # a bug here must not stop serving; it is logged and retried
                    log.exception("following the stores' settings failed")

        self._task = asyncio.create_task(loop(), name="settings-follower")

    async def stop(self) -> None:
        for task in list(self.opening.values()):
            task.cancel()
        await asyncio.gather(*self.opening.values(), return_exceptions=True)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
