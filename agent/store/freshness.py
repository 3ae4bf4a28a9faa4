"""Keeping one store's index in step with the store between syncs: the webhook receiver's logic and the
worker that applies the changes.

``WebhookReceiver.accept`` is everything `POST /webhooks/bigcommerce` does (the FastAPI route in
agent/server/webhooks.py only adapts it): check the secret header (constant time) and the store hash in
``producer``, drop a payload whose ``hash`` was seen before, record the event and make its products
pending (one transaction of the freshness log, shared by the replicas on PostgreSQL), queue them and answer at once. ``CatalogFollower`` gathers queued
products until none has arrived for ``debounce`` seconds (at most ``max_delay``), then re-reads them in one ``id:in`` listing per 100 and applies them
with ingest's own rules (``ingest.sync.sync_products``): a product that became hidden, disabled, out of
stock or restricted, or was deleted, leaves the index and the catalog mirror; the others are written
to both. It holds the store's sync lock while applying,
so changes that arrive during a full sync wait for it and are applied after. When the store cannot be
reached the products stay pending and are retried with a growing delay; nothing is lost, not even
across a restart (the pending set is in the database).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bigcommerce import AsyncBigCommerce
from bigcommerce.types.hooks import WebhookPayload
from ingest.documents import CatalogContext
from ingest.filters import open_categories
from ingest.sync import sync_products, with_category_names
from ingest.vectors import ProductIndex

from ..persistence.freshness import FreshnessLog
from ..tools.order_cache import order_of_event
from .connections import Secret
from .hook_scopes import HOOK_SCOPES as HOOK_SCOPES
from .hook_scopes import SECRET_HEADER
from .locks import SyncLock

log = logging.getLogger(__name__)


@dataclass
class StoreCatalog:
    """What the follower and the scheduled sync of one store share."""

    store_hash: str
    client: AsyncBigCommerce  # a bulk-priority view: chat goes first
    index: ProductIndex
    folder: Path
    lock: SyncLock
    log: FreshnessLog
    base_context: CatalogContext
    restrict_by_groups: bool
    context: CatalogContext = field(init=False)
    open_ids: set[int] | None = None

    def __post_init__(self) -> None:
        self.context = self.base_context

    async def refresh_categories(self) -> None:
        self.context = await with_category_names(self.client, self.base_context)

    async def refresh(self) -> None:
        """Category names and the categories open to guests (two requests)."""
        await self.refresh_categories()
        if self.restrict_by_groups:
            self.open_ids = open_categories([g async for g in self.client.customer_groups.iter()])


def keys_of(payload: WebhookPayload) -> list[str]:
    """The pending keys an event makes: ``product:<id>`` or ``category:<id>``; [] for other events."""
    data = payload.data or {}
    scope = payload.scope or ""
    ident = data.get("id")
    if scope.startswith("store/product/") and isinstance(ident, int):
        return [f"product:{ident}"]
    if scope.startswith("store/sku/"):
        for nested in ("sku", "inventory"):
            product_id = (data.get(nested) or {}).get("product_id")
            if isinstance(product_id, int):
                return [f"product:{product_id}"]
        return []
    if scope.startswith("store/category/") and isinstance(ident, int):
        return [f"category:{ident}"]
    return []


class CatalogFollower:
    """The worker: ``await start()``, ``enqueue(keys)``, ``await stop()``."""

    def __init__(
        self,
        catalog: StoreCatalog,
        *,
        debounce: float = 0.25,
        max_delay: float = 2.0,
        retry_initial: float = 1.0,
        retry_max: float = 60.0,
    ) -> None:
        self.catalog = catalog
        self.debounce = debounce
        self.max_delay = max_delay
        self._last_event = 0.0
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.requests = 0
        self.batches = 0
        self._queued: set[str] = set()
        self._wakeup = asyncio.Event()
        self._busy = False
        self._failures = 0
        self._retry: asyncio.TimerHandle | None = None
        self._retry_keys: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self.enqueue(await self.catalog.log.pending_keys())  # what a previous run left pending
            self._task = asyncio.create_task(self._run(), name=f"follow-{self.catalog.store_hash}")

    async def stop(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def enqueue(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            self._queued.update(keys)
            self._last_event = asyncio.get_running_loop().time()
            self._wakeup.set()

    @property
    def idle(self) -> bool:
        return not self._queued and not self._busy and self._retry is None

    async def wait_idle(self, timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            while not self.idle:
                await asyncio.sleep(0.02)

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            loop = asyncio.get_running_loop()
            first = loop.time()
            while (wait := min(self._last_event + self.debounce, first + self.max_delay) - loop.time()) > 0:
                await asyncio.sleep(wait)  # until changes stop arriving for `debounce`, or `max_delay`
            self._wakeup.clear()
            keys = sorted(self._queued)
            self._queued.clear()
            if not keys:
                continue
            self._busy = True
            try:
                await self._apply(keys)
                self._failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._failed(keys, exc)
            finally:
                self._busy = False

    async def _apply(self, keys: list[str]) -> None:
        catalog = self.catalog
        products = [int(k.split(":", 1)[1]) for k in keys if k.startswith("product:")]
        categories = [int(k.split(":", 1)[1]) for k in keys if k.startswith("category:")]
        async with catalog.lock.hold(wait=True):
            before = catalog.client.stats.requests
            try:
                if categories:
                    await catalog.refresh_categories()
                result = await sync_products(
                    catalog.client,
                    catalog.index,
                    catalog.context,
                    products,
                    open_ids=catalog.open_ids,
                    category_ids=categories,
                    mirror=catalog.log.mirror(),
                )
            finally:
                self.requests += catalog.client.stats.requests - before
        self.batches += 1
        # a key delivered again while this batch was read stays pending (its newer change is not in the
        # index or the mirror yet, so the product tool reads it live) until the next batch applies it
        await catalog.log.applied([k for k in keys if k not in self._queued], result.outcomes)
        log.info("applied %d webhook changes of %s: %s", len(keys), catalog.store_hash, result.outcomes)

    async def _failed(self, keys: list[str], exc: Exception) -> None:
        self._failures += 1
        delay = min(self.retry_max, self.retry_initial * 2 ** (self._failures - 1))
        error = str(exc) or type(exc).__name__
        log.warning(
            "could not apply %d changes of %s (%s); retrying in %.0f s",
            len(keys),
            self.catalog.store_hash,
            error,
            delay,
        )
        await self.catalog.log.still_pending(keys, error)
        self._queued.difference_update(keys)  # the retry covers them
        self._retry_keys.update(keys)
        if self._retry is not None:
            self._retry.cancel()
        self._retry = asyncio.get_running_loop().call_later(delay, self._retry_now)

    def _retry_now(self) -> None:
        self._retry = None
        keys, self._retry_keys = self._retry_keys, set()
        self.enqueue(keys)


@dataclass(frozen=True)
class Verdict:
    status: int
    message: str


@dataclass
class _Subscriber:
    secret: Secret
    follower: CatalogFollower


class WebhookReceiver:
    """The stores whose webhooks this process accepts, by their secret."""

    def __init__(self) -> None:
        self._stores: dict[str, _Subscriber] = {}
        self._order_listeners: dict[str, list[Callable[[int], object]]] = {}

    def add(self, store_hash: str, secret: Secret, follower: CatalogFollower) -> None:
        self._stores[store_hash] = _Subscriber(secret, follower)

    def on_orders(self, store_hash: str, listener: Callable[[int], object]) -> None:
        """Call ``listener(order_id)`` on each accepted ``store/order/*`` or ``store/shipment/*``
        delivery of the store (the conversations' kept orders are dropped)."""
        self._order_listeners.setdefault(store_hash, []).append(listener)

    def remove(self, store_hash: str) -> None:
        self._stores.pop(store_hash, None)

    def accepts(self, store_hash: str) -> bool:
        """Whether this process accepts the store's deliveries (it keeps the hooks' secret)."""
        return store_hash in self._stores

    @property
    def store_hashes(self) -> list[str]:
        return sorted(self._stores)

    def _match(self, presented: str | None) -> str | None:
        """The store whose secret was presented; every secret is compared, each in constant time."""
        matched = None
        given = (presented or "").encode()
        for store_hash, subscriber in self._stores.items():
            if hmac.compare_digest(given, subscriber.secret.reveal().encode()) and given:
                matched = store_hash
        return matched

    async def accept(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        """Judge one delivery; queue its products when it is good. Never raises for bad input."""
        store_hash = self._match(headers.get(SECRET_HEADER) or headers.get(SECRET_HEADER.lower()))
        if store_hash is None:
            log.warning("webhook refused: missing or wrong %s header", SECRET_HEADER)
            return Verdict(401, "Missing or wrong webhook secret.")
        subscriber = self._stores[store_hash]
        events = subscriber.follower.catalog.log
        payload = _parse(body)
        if payload is None:
            await events.record("rejected", detail="malformed body")
            return Verdict(400, "The body must be a JSON webhook payload with scope, data and producer.")
        if payload.producer_store_hash != store_hash:
            await events.record(
                "rejected", payload.scope, detail=f"producer {payload.producer!r} is another store"
            )
            return Verdict(403, "This webhook is from another store.")
        keys = keys_of(payload)
        product_id = next((int(k.split(":")[1]) for k in keys if k.startswith("product:")), None)
        if not await events.accept(payload.hash, payload.scope or "", keys, product_id):
            return Verdict(200, "duplicate")
        number = order_of_event(payload.scope or "", payload.data or {})
        if number is not None:
            for listener in self._order_listeners.get(store_hash, []):
                listener(number)
        subscriber.follower.enqueue(keys)
        return Verdict(200, "accepted")


def _parse(body: bytes) -> WebhookPayload | None:
    try:
        data: Any = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        payload = WebhookPayload.model_validate(data)
    except ValidationError:
        return None
    if not isinstance(payload.scope, str) or not isinstance(payload.data, dict) or not payload.producer:
        return None
    return payload if _typed(payload.scope, payload.data) else None


MAX_ID = 2_147_483_647  # BigCommerce ids are 32-bit


def _an_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _typed(scope: str, data: dict[str, Any]) -> bool:
    """Whether the fields the receiver reads have BigCommerce's types: ``data.id`` an id for product
    and category events; ``data.sku`` / ``data.inventory`` objects whose ``product_id`` is an id."""
    if scope.startswith(("store/product/", "store/category/")):
        return "id" not in data or _an_id(data["id"])
    if scope.startswith("store/sku/"):
        for nested in ("sku", "inventory"):
            if nested not in data or data[nested] is None:
                continue
            value = data[nested]
            if not isinstance(value, dict) or ("product_id" in value and not _an_id(value["product_id"])):
                return False
    return True
