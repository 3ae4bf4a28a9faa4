"""What one ``bcagent serve`` process holds: the served stores (an ``Agent`` each), the limits, and the
turns in flight (kept so a client that disconnects does not cancel them, and so shutdown can wait)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from ..persistence.threads import ChatThreads
from ..runtime import Agent
from ..settings import Settings
from ..store.connections import Connection, StorefrontApp
from ..store.merchant_settings import LostScopes
from .errors import unknown_store
from .limits import MemoryRateLimiter, MemoryTurnLocks, RateLimiter, StreamSlots, TurnLocks
from .schemas import StoreReadiness

log = logging.getLogger(__name__)


@dataclass
class ServedStore:
    store_hash: str
    agent: Agent
    connection: Connection
    threads: ChatThreads
    app: StorefrontApp | None = None
    lost: LostScopes | None = None  # scopes lost since connecting (agent.store.scope_loss), if any


@dataclass
class ServerState:
    settings: Settings
    limiter: RateLimiter = field(default_factory=MemoryRateLimiter)
    locks: TurnLocks = field(default_factory=MemoryTurnLocks)
    stores: dict[str, ServedStore] = field(default_factory=dict)
    turns: set[asyncio.Task[Any]] = field(default_factory=set)
    demo_storefront: str | None = None  # the sandbox's base URL, when the demo proxies its storefront
    readiness: dict[str, tuple[float, StoreReadiness]] = field(default_factory=dict)
    streams: StreamSlots = field(default_factory=StreamSlots)  # open SSE streams per client and store
    follower: Any = None  # agent.server.live.SettingsFollower: the merchant's changes, without a restart
    storefront_origins: Any = None  # the CORS OriginPolicy to add storefront URLs to (default origins only)

    def allow_storefront(self, connection: Connection) -> None:
        """Let the store's storefront (detected or typed) call the chat API, with the default origins."""
        if self.storefront_origins is not None and connection.secure_url:
            self.storefront_origins.add(connection.secure_url)

    async def follow(self) -> None:
        """Apply the merchant's settings changes if the last check is older than the follower's
        interval (a request calls this before it looks its store up)."""
        if self.follower is not None:
            await self.follower.check(self)

    def store(self, store_hash: str) -> ServedStore:
        served = self.stores.get(store_hash)
        if served is None:
            raise unknown_store(store_hash)
        return served

    def keep(self, task: asyncio.Task[Any]) -> None:
        """Hold a turn's task until it ends, whatever happens to the request that started it."""
        self.turns.add(task)
        task.add_done_callback(self.turns.discard)

    async def drain(self, timeout: float = 30.0) -> None:
        """Let the turns in flight finish (shutdown), up to ``timeout`` seconds."""
        pending = [t for t in self.turns if not t.done()]
        if not pending:
            return
        log.info("waiting for %d turn(s) to finish", len(pending))
        _, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            task.cancel()
