"""Webhook delivery in the sandbox, as BigCommerce does it (bigcommerce-api.md section 12).

The hooks of every store live here. :meth:`WebhookDispatcher.emit` is called when something changes
through an admin route; each active hook whose scope matches gets a POST of the light envelope
``{scope, store_id, data, hash, created_at, producer}`` with the hook's custom ``headers``. A delivery
that does not get a 2xx back is retried on BigCommerce's schedule (60 s, 180 s, ... 86400 s, about 48 h
in all), multiplied by ``retry_scale`` so tests can compress it; when the last retry fails, the hook is
deactivated (``is_active`` false). Not modelled: the 3-minute domain blocklist, and the minute a new
hook may take to start firing (hooks fire at once).

Modelling choice: BigCommerce delivers only to https on port 443; the sandbox also delivers to plain
http on loopback (127.0.0.1, localhost, ::1) so tests need no certificate.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

RETRY_SCHEDULE: tuple[float, ...] = (60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DELIVERY_TIMEOUT = 10.0


def destination_problem(destination: str) -> str | None:
    """Why a hook may not deliver to ``destination``, or None when it may."""
    try:
        parts = urlsplit(destination)
        port = parts.port
    except ValueError:
        return "destination must be a URL"
    if parts.scheme == "https" and parts.hostname and port in (None, 443):
        return None
    if parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS:
        return None  # the sandbox's modelling choice, for tests
    return "destination must be an https URL on port 443"


def scope_matches(hook_scope: str, event_scope: str) -> bool:
    """``store/product/*`` covers every ``store/product/...`` event; other scopes match exactly."""
    if hook_scope.endswith("/*"):
        return event_scope.startswith(hook_scope[:-1])
    return hook_scope == event_scope


@dataclass
class HookRecord:
    id: int
    store_hash: str
    owner: str = field(repr=False)  # the token that created it; never rendered
    client_id: str
    scope: str
    destination: str
    is_active: bool
    headers: dict[str, str] = field(repr=False)
    created_at: int = 0
    updated_at: int = 0

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "store_hash": self.store_hash,
            "scope": self.scope,
            "destination": self.destination,
            "headers": dict(self.headers),
            "is_active": self.is_active,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class Delivery:
    """One POST attempt, kept for tests and benchmarks (``GET /__sandbox__/webhooks``)."""

    hook_id: int
    scope: str
    hash: str
    attempt: int
    status: int | None
    error: str | None = None

    def render(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class WebhookDispatcher:
    retry_scale: float = 1.0
    transport: httpx.AsyncBaseTransport | None = None
    hooks: dict[int, HookRecord] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    max_log: int = 10_000
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _events: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _clients: dict[str, str] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # ---- hooks -----------------------------------------------------------------------------------------

    def client_id_of(self, token: str) -> str:
        if token not in self._clients:
            self._clients[token] = f"sandboxclient{len(self._clients) + 1:04d}"
        return self._clients[token]

    def create(self, store_hash: str, owner: str, fields: dict[str, Any]) -> HookRecord:
        now = int(time.time())
        hook = HookRecord(
            id=next(self._ids),
            store_hash=store_hash,
            owner=owner,
            client_id=self.client_id_of(owner),
            scope=fields["scope"],
            destination=fields["destination"],
            is_active=fields.get("is_active", True),
            headers=dict(fields.get("headers") or {}),
            created_at=now,
            updated_at=now,
        )
        self.hooks[hook.id] = hook
        return hook

    def owned(self, store_hash: str, owner: str) -> list[HookRecord]:
        return [h for h in self.hooks.values() if h.store_hash == store_hash and h.owner == owner]

    # ---- events ----------------------------------------------------------------------------------------

    def emit(self, store_hash: str, store_id: str, scope: str, data: dict[str, Any]) -> int:
        """Send ``scope`` with ``data`` to every matching active hook of the store; return how many.

        Must be called from a running event loop (the admin routes are)."""
        hooks = [
            h
            for h in self.hooks.values()
            if h.store_hash == store_hash and h.is_active and scope_matches(h.scope, scope)
        ]
        if not hooks:
            return 0
        created_at = int(time.time())
        event = next(self._events)
        digest = hashlib.sha1(  # same for every retry of this event, different for every event
            json.dumps([scope, store_id, data, created_at, event], sort_keys=True).encode()
        ).hexdigest()
        payload = {
            "scope": scope,
            "store_id": store_id,
            "data": data,
            "hash": digest,
            "created_at": created_at,
            "producer": f"stores/{store_hash}",
        }
        loop = asyncio.get_running_loop()
        for hook in hooks:
            task = loop.create_task(self._deliver(hook, payload))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(hooks)

    async def _deliver(self, hook: HookRecord, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {**hook.headers, "Content-Type": "application/json", "User-Agent": "bigcommerce-sandbox"}
        async with httpx.AsyncClient(transport=self.transport, timeout=DELIVERY_TIMEOUT) as http:
            for attempt in range(len(RETRY_SCHEDULE) + 1):
                if attempt:
                    await asyncio.sleep(RETRY_SCHEDULE[attempt - 1] * self.retry_scale)
                if not hook.is_active or hook.id not in self.hooks:
                    return  # deactivated or deleted meanwhile
                status, error = None, None
                try:
                    response = await http.post(hook.destination, content=body, headers=headers)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    error = type(exc).__name__
                self._log(Delivery(hook.id, payload["scope"], payload["hash"], attempt, status, error))
                if status is not None and 200 <= status < 300:
                    return
        hook.is_active = False
        hook.updated_at = int(time.time())
        log.info("hook %s deactivated after %d failed deliveries", hook.id, len(RETRY_SCHEDULE) + 1)

    def _log(self, delivery: Delivery) -> None:
        self.deliveries.append(delivery)
        if len(self.deliveries) > self.max_log:
            del self.deliveries[: len(self.deliveries) - self.max_log]

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every delivery (with its retries) has finished."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
