"""The ``bcagent serve`` application: ``create_app`` builds the FastAPI app for one or more connected
stores; its lifespan opens one ``Agent`` per store (``agent.assembly.open_agent``) and closes them after
the turns in flight have finished.

Middleware, outermost first: CORS (only the configured origins), the body limits (size, JSON). Routers:
the chat API (``routes.router``), health (``health.router``), the pages, and in demo mode the proxied
storefront routes. More routers (webhooks) are added with ``app.include_router`` before serving.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI

from ..assembly import open_agent
from ..persistence.threads import open_threads
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.freshness_service import FreshnessService
from ..tools.context import StorePolicy
from . import health, routes
from .cors import CorsMiddleware, OriginPolicy
from .errors import install_error_handlers
from .limits import BodyLimits, MemoryRateLimiter, MemoryTurnLocks, RateLimiter, TurnLocks
from .pages import add_demo_storefront, add_pages
from .state import ServedStore, ServerState
from .webhooks import webhook_router

log = logging.getLogger(__name__)


RouterFactory = Callable[[ServerState], APIRouter]


def extra_routers() -> list[RouterFactory]:
    """Routers every `bcagent serve` mounts besides the chat API, each built from the server state
    (``state.stores[hash].agent`` etc.; also reachable in a route as ``request.app.state.server``).
    The webhooks receiver is mounted by ``create_app`` itself (``ServeOptions.follow_catalog``)."""
    return []


@dataclass
class ServeOptions:
    """What the caller may inject: a shared embedder (tests), the limiter and turn locks (default: in
    Redis with ``BCAGENT_REDIS_URL``, else in-process), the store policy, the sandbox base URL whose
    storefront routes the demo proxies, and more routers."""

    embedder: Any = None
    limiter: RateLimiter | None = None
    locks: TurnLocks | None = None
    policy: StorePolicy | None = None
    demo_storefront: str | None = None
    routers: list[RouterFactory] = field(default_factory=extra_routers)
    on_ready: Callable[[], None] | None = None  # called once every store's agent is open
    follow_catalog: bool = True  # webhooks receiver + scheduled syncs (agent.store.freshness_service)


def served_hashes(settings: Settings, stores: Sequence[str] | None) -> list[str]:
    """The stores to serve: those named (each must be connected), else every connected store."""
    connections = ConnectionStore(settings.home)
    if stores:
        return [connections.resolve(h) for h in dict.fromkeys(stores)]
    hashes = connections.hashes()
    if not hashes:
        raise ConnectionProblem(
            "No store is connected. Run `bcagent connect --store-hash HASH --token TOKEN`."
        )
    return hashes


def default_origins(settings: Settings, hashes: Sequence[str]) -> list[str]:
    """Each served store's storefront URL and the server's own origin."""
    connections = ConnectionStore(settings.home)
    origins = [f"http://{settings.serve.host}:{settings.serve.port}"]
    if settings.serve.host in ("127.0.0.1", "0.0.0.0"):
        origins.append(f"http://localhost:{settings.serve.port}")
    for store_hash in hashes:
        connection = connections.load(store_hash)
        origins += [
            u
            for u in (connection.secure_url, f"https://{connection.domain}" if connection.domain else "")
            if u
        ]
    return origins


def limits_for(settings: Settings, options: ServeOptions) -> tuple[RateLimiter, TurnLocks, Any]:
    """(limiter, turn locks, the Redis client to close or None) for the configured deployment."""
    if options.limiter is not None and options.locks is not None:
        return options.limiter, options.locks, None
    if settings.redis_url:
        from .limits_redis import redis_limits

        limiter, locks = redis_limits(
            settings.redis_url, settings.redis_prefix, settings.serve.turn_lock_ttl_ms
        )
        return options.limiter or limiter, options.locks or locks, limiter.client
    return options.limiter or MemoryRateLimiter(), options.locks or MemoryTurnLocks(), None


def create_app(
    settings: Settings, stores: Sequence[str] | None = None, options: ServeOptions | None = None
) -> FastAPI:
    """The app serving ``stores`` (default: every connected store). Raises ConnectionProblem when a
    store is not connected. The agents are opened when the app starts (its lifespan)."""
    options = options or ServeOptions()
    hashes = served_hashes(settings, stores)
    origins = settings.serve.cors_origins
    if origins is None:
        origins = tuple(default_origins(settings, hashes))
    limiter, locks, redis = limits_for(settings, options)
    server = ServerState(settings, limiter=limiter, locks=locks, demo_storefront=options.demo_storefront)
    freshness = FreshnessService(settings, store_hashes=hashes) if options.follow_catalog else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        connections = ConnectionStore(settings.home)
        embedder = options.embedder
        if embedder is None:
            from ingest.embeddings import MiniLMEmbedding

            embedder = MiniLMEmbedding()
        async with AsyncExitStack() as stack:
            if redis is not None:
                stack.push_async_callback(redis.aclose)
            for store_hash in hashes:
                agent = await stack.enter_async_context(
                    open_agent(settings, store_hash, embedder=embedder, policy=options.policy)
                )
                if agent.context.nlu is not None:  # embed the examples now, not on the first message
                    await asyncio.to_thread(agent.context.nlu.warm_up)
                threads = await open_threads(settings, store_hash, connections.folder(store_hash))
                stack.push_async_callback(threads.aclose)
                server.stores[store_hash] = ServedStore(
                    store_hash,
                    agent,
                    connections.load(store_hash),
                    threads,
                    connections.storefront_app(store_hash),
                )
            if freshness is not None:
                await freshness.start(embedder)
                stack.push_async_callback(freshness.stop)
                for store_hash, served in server.stores.items():  # order webhooks drop kept orders
                    freshness.receiver.on_orders(store_hash, served.agent.context.tools.orders.drop)
            log.info("serving %s", ", ".join(hashes))
            if options.on_ready is not None:
                options.on_ready()
            try:
                yield
            finally:
                await server.drain()
                server.stores.clear()

    app = FastAPI(
        title="bcagent chat API",
        version="1",
        description="The storefront chat API of bcagent: threads, messages (JSON or Server-Sent Events), "
        'confirmations. Errors are `{"error": {"code", "message"}}`.',
        lifespan=lifespan,
    )
    app.state.server = server
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(health.router)
    for build in options.routers:
        app.include_router(build(server))
    if freshness is not None:
        app.state.freshness = freshness
        app.include_router(webhook_router(freshness.receiver))
    add_pages(app)
    if options.demo_storefront:
        add_demo_storefront(app)
    app.add_middleware(BodyLimits, max_bytes=settings.serve.max_body_bytes)
    app.add_middleware(CorsMiddleware, policy=OriginPolicy(origins))  # added last = outermost
    return app
