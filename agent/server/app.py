"""The ``bcagent serve`` application: ``create_app`` builds the FastAPI app for one or more connected
stores; its lifespan opens one ``Agent`` per store (``agent.assembly.open_agent``) and closes them after
the turns in flight have finished.

Middleware, outermost first: the Host check (``BCAGENT_ALLOWED_HOSTS``), CORS (only the configured
origins; a store's routes only its own storefront), the body limits (size, JSON). Routers:
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
from ..handoff.delivery import Deliverer, StoreLabel
from ..persistence.store_settings import open_store_settings
from ..persistence.threads import open_threads
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.freshness_service import FreshnessService
from ..store.merchant_settings import MerchantSettings
from ..tools.context import StorePolicy
from . import admin, health, routes
from .cors import CorsMiddleware, OriginPolicy
from .errors import install_error_handlers
from .hosts import HostCheck, allowed_hosts
from .limits import BodyLimits, MemoryRateLimiter, MemoryTurnLocks, RateLimiter, TurnLocks
from .live import SettingsFollower
from .pages import add_demo_storefront, add_pages
from .state import ServedStore, ServerState
from .webhooks import webhook_router

log = logging.getLogger(__name__)


RouterFactory = Callable[[ServerState], APIRouter]


def extra_routers() -> list[RouterFactory]:
    """Routers every `bcagent serve` mounts besides the chat API, each built from the server state
    (``state.stores[hash].agent`` etc.; also reachable in a route as ``request.app.state.server``).
    The webhooks receiver is mounted by ``create_app`` itself (``ServeOptions.follow_catalog``).
    The merchant's console (``/admin`` and the BigCommerce app's callbacks) is one of them."""
    from ..console.router import console_router

    return [console_router]


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
    settings_interval: float = 1.0  # seconds between checks of the merchant's settings (agent.server.live)
    deliver_handoffs: bool = True  # send the outbox (handoff emails, webhooks) from this process
    delivery_interval: float = 0.5  # seconds between looks at the outbox when it is empty


def served_hashes(settings: Settings, stores: Sequence[str] | None, app_mode: bool = False) -> list[str]:
    """The stores to serve: those named (each must be connected), else every connected store. As a
    BigCommerce app (``app_mode``) the server may start with none: stores connect by installing it."""
    connections = ConnectionStore(settings.home)
    if stores:
        return [connections.resolve(h) for h in dict.fromkeys(stores)]
    hashes = connections.hashes()
    if not hashes and not app_mode:
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


def store_origins(settings: Settings, hashes: Sequence[str]) -> dict[str, list[str]]:
    """Each served store's own storefront origins (``secure_url`` and ``https://domain``)."""
    connections = ConnectionStore(settings.home)
    found: dict[str, list[str]] = {}
    for store_hash in hashes:
        connection = connections.load(store_hash)
        found[store_hash] = [
            u
            for u in (connection.secure_url, f"https://{connection.domain}" if connection.domain else "")
            if u
        ]
    return found


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


def follow_store(freshness: FreshnessService, served: ServedStore) -> None:
    """What a followed store's webhooks do for its chat: order and shipment deliveries drop the orders
    conversations keep, and the product tool reads the catalog mirror while it is fresh."""
    tools = served.agent.context.tools
    freshness.receiver.on_orders(served.store_hash, tools.orders.forget_soon)
    tools.mirror = freshness.mirror_view(served.store_hash)


def create_app(
    settings: Settings, stores: Sequence[str] | None = None, options: ServeOptions | None = None
) -> FastAPI:
    """The app serving ``stores`` (default: every connected store). Raises ConnectionProblem when a
    store is not connected. The agents are opened when the app starts (its lifespan)."""
    options = options or ServeOptions()
    from ..console.config import ConsoleConfig

    hashes = served_hashes(settings, stores, app_mode=ConsoleConfig.from_env().app is not None)
    origins = settings.serve.cors_origins
    defaults = origins is None
    if origins is None:
        origins = tuple(default_origins(settings, hashes))
    origin_policy = OriginPolicy(origins, store_origins(settings, hashes))
    limiter, locks, redis = limits_for(settings, options)
    server = ServerState(settings, limiter=limiter, locks=locks, demo_storefront=options.demo_storefront)
    server.storefront_origins = origin_policy if defaults else None
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
            settings_rows = await open_store_settings(settings)
            stack.push_async_callback(settings_rows.aclose)
            handoff = settings.handoff
            # a store may name its own handoff address and webhook (the console's policy form): a store
            # gets a deliverer once there is somewhere to send to (the server's SMTP server, a webhook)
            stop_sending = asyncio.Event()
            senders: list[asyncio.Task[None]] = []
            delivering: set[str] = set()
            delivery_open = False

            def start_delivery(served: ServedStore) -> None:
                store_handoff = served.agent.context.tools.handoff
                if not delivery_open or served.store_hash in delivering:
                    return
                if not (handoff.smtp_url or handoff.webhook or store_handoff.webhook):
                    return
                delivering.add(served.store_hash)
                senders.append(
                    asyncio.create_task(
                        Deliverer(
                            served.agent.context.tools.records,
                            handoff,
                            StoreLabel(served.store_hash, served.connection.name or served.store_hash),
                            current=lambda: served.agent.context.tools.handoff,  # the store's, followed
                        ).run(options.delivery_interval, stop_sending),
                        name=f"handoff-delivery-{served.store_hash}",
                    )
                )

            async def open_store(store_hash: str) -> ServedStore:
                agent = await stack.enter_async_context(
                    open_agent(settings, store_hash, embedder=embedder, policy=options.policy)
                )
                if agent.context.nlu is not None:  # embed the examples now, not on the first message
                    await asyncio.to_thread(agent.context.nlu.warm_up)
                threads = await open_threads(settings, store_hash, connections.folder(store_hash))
                stack.push_async_callback(threads.aclose)
                return ServedStore(
                    store_hash,
                    agent,
                    agent.context.tools.connection,
                    threads,
                    connections.storefront_app(store_hash),
                )

            async def serve_new(store_hash: str) -> None:
                """A store connected while serving (the console, the app's install, `bcagent connect`)."""
                served = await open_store(store_hash)
                if freshness is not None:
                    await freshness.add_store(store_hash)
                    follow_store(freshness, served)
                server.stores[store_hash] = served
                server.allow_storefront(served.connection)
                start_delivery(served)
                log.info("serving %s too (connected while serving)", store_hash)

            async def settings_changed(store_hash: str, merchant: MerchantSettings) -> None:
                if freshness is not None:
                    await freshness.follow_settings(store_hash, merchant)
                served = server.stores.get(store_hash)
                if served is not None:  # a webhook of the store's own: its handoffs need a deliverer now
                    start_delivery(served)

            for store_hash in hashes:
                served = await open_store(store_hash)
                server.stores[store_hash] = served
                server.allow_storefront(served.connection)
            follower = SettingsFollower(
                settings_rows,
                connections,
                interval=options.settings_interval,
                injected_policy=options.policy is not None,
                on_stop=freshness.stop_store if freshness is not None else None,
                on_token=freshness.replace_token if freshness is not None else None,
                on_new=serve_new if not stores else None,  # `serve --store X` serves X only
                on_settings=settings_changed,
            )
            server.follower = follower
            await follower.check(server, force=True)
            follower.start(server)
            stack.push_async_callback(follower.stop)
            if freshness is not None:
                await freshness.start(embedder)
                stack.push_async_callback(freshness.stop)
                for served in server.stores.values():
                    follow_store(freshness, served)
            if options.deliver_handoffs:
                delivery_open = True
                for served in server.stores.values():
                    start_delivery(served)

                async def stop_delivery() -> None:
                    stop_sending.set()
                    await asyncio.gather(*senders, return_exceptions=True)

                stack.push_async_callback(stop_delivery)
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
    app.include_router(admin.router)
    for build in options.routers:
        app.include_router(build(server))
    if freshness is not None:
        app.state.freshness = freshness
        app.include_router(webhook_router(freshness.receiver))
    add_pages(app)
    if options.demo_storefront:
        add_demo_storefront(app)
    app.add_middleware(BodyLimits, max_bytes=settings.serve.max_body_bytes)
    app.add_middleware(CorsMiddleware, policy=origin_policy)
    app.add_middleware(HostCheck, hosts=allowed_hosts(settings.serve))  # added last = outermost
    return app
