"""What `bcagent serve` runs to keep every connected store's index fresh: per store a webhook follower
(when `bcagent webhooks register` gave it a secret) and a scheduled sync (when the interval is not 0).

Build it when building the app (its ``receiver`` is what the webhook route needs), ``await start()`` in
the app's lifespan, ``await stop()`` at shutdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bigcommerce import AsyncBigCommerce
from ingest.documents import CatalogContext
from ingest.embeddings import MiniLMEmbedding

from ..persistence.freshness import open_freshness_log
from ..settings import Settings
from ..tools.mirror import CatalogMirrorView
from .catalog import open_index
from .connections import Connection, ConnectionProblem, ConnectionStore
from .freshness import CatalogFollower, StoreCatalog, WebhookReceiver
from .live import effective_connection
from .locks import sync_lock
from .merchant_settings import MerchantSettings
from .schedule import SyncScheduler

log = logging.getLogger(__name__)


@dataclass
class StoreFreshness:
    catalog: StoreCatalog
    follower: CatalogFollower
    scheduler: SyncScheduler
    client: AsyncBigCommerce
    hooks_registered_at: float = 0.0  # connection.json's, read when the hooks' secret is (re)loaded


class FreshnessService:
    def __init__(
        self,
        settings: Settings,
        embedder: MiniLMEmbedding | None = None,
        store_hashes: list[str] | None = None,
        *,
        interval_seconds: float | None = None,
        debounce_seconds: float | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store_hashes = store_hashes
        self.interval = settings.sync_interval_minutes * 60 if interval_seconds is None else interval_seconds
        self.interval_given = interval_seconds  # given (tests): every store's, whatever the merchant set
        self.debounce = settings.webhook_debounce_ms / 1000 if debounce_seconds is None else debounce_seconds
        self.receiver = WebhookReceiver()
        self.stores: dict[str, StoreFreshness] = {}

    async def start(self, embedder: MiniLMEmbedding | None = None) -> None:
        """Open every store's client, index and record, and start its follower and schedule.
        ``embedder``: the process's shared model (else the one given at construction, else a new one)."""
        if embedder is not None:
            self.embedder = embedder
        connections = ConnectionStore(self.settings.home)
        for store_hash in self.store_hashes if self.store_hashes is not None else connections.hashes():
            try:
                await self._start_store(connections, store_hash)
            except ConnectionProblem as problem:
                log.warning("catalog freshness is off for %s: %s", store_hash, problem)

    async def _start_store(self, connections: ConnectionStore, store_hash: str) -> None:
        connection = connections.load(store_hash)
        if connection.scopes.get("products", "none") == "none":
            raise ConnectionProblem("the token has no Products scope")
        interval = await self._store_interval(connection)
        if self.embedder is None:
            self.embedder = MiniLMEmbedding()
        client = AsyncBigCommerce(
            store_hash, connections.token(store_hash).reveal(), base_url=connection.api_url
        )
        folder = connections.folder(store_hash)
        events = await open_freshness_log(self.settings, store_hash, folder)
        try:
            catalog = StoreCatalog(
                store_hash=store_hash,
                client=client.with_options(priority="bulk"),
                index=open_index(self.settings, connections, store_hash, self.embedder),
                folder=folder,
                lock=sync_lock(
                    folder,
                    store_hash,
                    self.settings.database_url,
                    self.settings.redis_url,
                    self.settings.redis_prefix,
                ),
                log=events,
                base_context=CatalogContext(storefront_url=connection.secure_url, money=connection.money),
                restrict_by_groups=connection.scopes.get("customers", "none") != "none",
            )
        except BaseException:
            await events.aclose()
            raise
        try:
            await catalog.refresh()
        except Exception as exc:  # the store may be down right now; the first sync refreshes it
            log.warning("could not read the categories of %s: %s", store_hash, exc)
        follower = CatalogFollower(catalog, debounce=self.debounce)
        scheduler = SyncScheduler(catalog, interval)
        self.stores[store_hash] = StoreFreshness(
            catalog, follower, scheduler, client, connection.webhooks_registered_at
        )
        secret = connections.webhook_secret(store_hash)
        if secret is not None:
            self.receiver.add(store_hash, secret, follower)
        await follower.start()
        await scheduler.start()

    async def add_store(self, store_hash: str) -> None:
        """Follow a store connected while serving (its hooks and scheduled syncs), unless already followed."""
        if store_hash in self.stores:
            return
        try:
            await self._start_store(ConnectionStore(self.settings.home), store_hash)
        except ConnectionProblem as problem:
            log.warning("catalog freshness is off for %s: %s", store_hash, problem)

    async def _store_interval(self, connection: Connection) -> float:
        """The store's sync interval: the merchant's (the console's policy form), else the server's."""
        if self.interval_given is not None:  # tests
            return self.interval_given
        _, live = await effective_connection(self.settings, connection)
        return live.settings.team.sync_interval_seconds(self.settings.sync_interval_minutes)

    async def follow_settings(self, store_hash: str, merchant: MerchantSettings) -> None:
        """The merchant's settings changed while serving: the store's sync schedule follows them."""
        store = self.stores.get(store_hash)
        if store is None or self.interval_given is not None:
            return
        interval = merchant.team.sync_interval_seconds(self.settings.sync_interval_minutes)
        if interval != store.scheduler.interval:
            log.info("store %s: catalog sync every %g s from now on", store_hash, interval)
            await store.scheduler.set_interval(interval)

    def reload_webhook_secret(self, store_hash: str) -> bool:
        """The store's hooks were registered or removed while serving (the console): accept deliveries
        with the secret kept now, or none when it was forgotten. Whether this process now accepts them."""
        store = self.stores.get(store_hash)
        connections = ConnectionStore(self.settings.home)
        secret = connections.webhook_secret(store_hash)
        if store is None or secret is None:
            self.receiver.remove(store_hash)
            return False
        store.hooks_registered_at = connections.load(store_hash).webhooks_registered_at
        self.receiver.add(store_hash, secret, store.follower)
        return True

    def mirror_view(self, store_hash: str) -> CatalogMirrorView | None:
        """The store's catalog mirror as the product tool reads it (agent/tools/mirror.py), or None when
        the store is not followed here or the freshness window is 0."""
        store = self.stores.get(store_hash)
        if store is None or self.settings.catalog_freshness_seconds <= 0:
            return None

        def hooks_since() -> float | None:
            followed = self.stores.get(store_hash)
            if followed is None or not self.receiver.accepts(store_hash):
                return None
            return followed.hooks_registered_at

        return CatalogMirrorView(store.catalog.log, self.settings.catalog_freshness_seconds, hooks_since)

    def replace_token(self, store_hash: str, token: str) -> None:
        """The store's token was replaced (``connect`` again): the catalog's syncs send the new one."""
        store = self.stores.get(store_hash)
        if store is not None:
            store.client.replace_token(token)

    async def stop_store(self, store_hash: str) -> None:
        """Stop following one store (it was disconnected): no more syncs, hooks refused, client closed."""
        store = self.stores.pop(store_hash, None)
        if store is None:
            return
        self.receiver.remove(store_hash)
        await store.scheduler.stop()
        await store.follower.stop()
        await store.client.aclose()
        await store.catalog.log.aclose()

    async def stop(self) -> None:
        for store_hash in list(self.stores):
            await self.stop_store(store_hash)
