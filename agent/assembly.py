"""The one place the assistant is put together for a store (as tau2-bench's ``get_environment()``).

``open_context`` builds a store's run context: its client (the transport always wrapped in the
transcripts' capturing transport), the agent's records, the product index, the NLU and the chat model
with its configured LLM settings (context window, every ``BCAGENT_LLM_*``). ``open_agent`` builds the
agent on it: the checkpointer, the compiled router graph and the transcript recorder.

Serve, chat, eval, replay, LangGraph Server's graph factory, the benchmarks and the tests all call these
two; what differs between them is a parameter, never a copy:

- the store: a connected store of ``settings.home`` (by hash, or the only one), or a ``StoreAccess``
  given whole (eval's sandbox store, a recording's store, a test's store);
- ``transport``: what carries the BigCommerce requests (default httpx's own; eval and tests: the
  sandbox in-process; replay: the recorded responses);
- ``index``: how the product index is opened (default the store's Chroma collection);
- ``nlu``, ``policy``, ``clock``, ``client`` options, ``transcripts`` to record into;
- a ``StoreAccess`` without a folder keeps nothing: its records and checkpoints live in memory, so an
  eval trial or a replay starts from a fresh thread and fresh records.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from langgraph.checkpoint.memory import InMemorySaver

from bigcommerce import AsyncBigCommerce
from ingest.embeddings import MiniLMEmbedding

from .context import AgentContext
from .graphs import router
from .models.intents import NLU
from .models.llm_router import RoutingMemory
from .models.offline import OfflineChatModel
from .persistence.attempts import redis_attempts
from .persistence.checkpoints import open_checkpointer
from .persistence.records import open_private_records, open_records
from .persistence.transcripts import TranscriptStore, open_transcripts
from .runtime import Agent
from .settings import Settings
from .store.catalog import open_index
from .store.connections import Connection, ConnectionProblem, ConnectionStore, Secret
from .store.live import effective_connection
from .store.scope_loss import ScopeGuard
from .tools.code_cache import CodeCache, redis_client
from .tools.context import StorePolicy, ToolContext
from .tools.order_cache import OrderCache
from .tools.shared_orders import SharedOrders
from .transcripts.capture import CapturingTransport, default_transport
from .transcripts.recorder import Recorder

log = logging.getLogger(__name__)

IndexOpener = Callable[[AsyncBigCommerce, Connection], Awaitable[Any]]  # (client, connection) -> index


@dataclass(frozen=True)
class StoreAccess:
    """One store and how to reach it: the connection, its token, and the folder its state is kept in
    (None: nothing is kept; records and checkpoints in memory)."""

    connection: Connection
    token: Secret
    folder: Path | None = None

    @property
    def store_hash(self) -> str:
        return self.connection.store_hash


@dataclass(frozen=True)
class ClientOptions:
    """What a caller may change in how the store's client behaves (tests and evals: no real waits)."""

    sleep: Callable[[float], Awaitable[None]] | None = None
    max_retries: int | None = None
    timeout: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        given = {"sleep": self.sleep, "max_retries": self.max_retries, "timeout": self.timeout}
        return {**{k: v for k, v in given.items() if v is not None}, **self.extra}


def connected_store(settings: Settings, store: str | None = None) -> StoreAccess:
    """A store connected in ``settings.home`` (``store``: its hash; None: the only one)."""
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    return StoreAccess(
        connections.load(store_hash), connections.token(store_hash), connections.folder(store_hash)
    )


def llm_options(settings: Settings) -> dict[str, Any]:
    """The ``AgentContext`` fields that say how to talk to the LLM, from ``settings.llm``."""
    return {
        "llm_settings": settings.llm,
        "context_tokens": settings.llm.context_window(settings.openai_base_url),
        "routing": RoutingMemory(settings.llm.routing),
    }


def build_model(settings: Settings, nlu: NLU) -> tuple[Any, Any]:
    """(subgraph model, LLM or None) from the ``model`` setting: ``offline`` or ``openai:<model>``."""
    from .models.openai_model import make_openai_model, parse_model_setting

    provider, name = parse_model_setting(settings.model)
    if provider == "offline" or name is None:
        return OfflineChatModel(nlu=nlu), None
    llm = make_openai_model(name, settings)
    return llm, llm


def model_fields(settings: Settings, nlu: NLU) -> dict[str, Any]:
    """The ``AgentContext`` fields of the model: the subgraphs' model, the NLU, the LLM (None offline)
    and how to talk to it (``settings.llm``: context window, timeouts, budget...)."""
    model, llm = build_model(settings, nlu)
    return {"model": model, "nlu": nlu, "llm": llm, **llm_options(settings)}


def _default_index(settings: Settings, embedder: MiniLMEmbedding) -> IndexOpener:
    """The store's own Chroma collection (none without the Products scope)."""

    async def open_(client: AsyncBigCommerce, connection: Connection) -> Any:
        if connection.scopes.get("products", "none") == "none":
            return None
        return open_index(settings, ConnectionStore(settings.home), connection.store_hash, embedder)

    return open_


def _shared_redis(settings: Settings, stack: AsyncExitStack) -> Any:
    """The Redis client the store's caches (codes, kept orders) share between replicas (None without
    BCAGENT_REDIS_URL, or when neither is kept), closed with the run context."""
    if not settings.redis_url or (settings.code_cache_seconds <= 0 and settings.order_cache_seconds <= 0):
        return None
    client = redis_client(settings.redis_url)
    stack.push_async_callback(client.aclose)
    return client


@asynccontextmanager
async def open_context(
    settings: Settings,
    store: str | StoreAccess | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    embedder: MiniLMEmbedding | None = None,
    nlu: NLU | None = None,
    policy: StorePolicy | None = None,
    index: IndexOpener | None = None,
    clock: Callable[[], datetime] | None = None,
    client: ClientOptions | None = None,
) -> AsyncIterator[AgentContext]:
    """The run context of one store (client, records, index, NLU, model), open while used: what
    ``open_agent`` runs its graph with, and what a LangGraph Server host builds once per process."""
    access = store if isinstance(store, StoreAccess) else connected_store(settings, store)
    connection = access.connection
    store_hash = access.store_hash
    kept_policy: StorePolicy | None = None
    handoff = settings.handoff
    if access.folder is not None:  # a connected store: the merchant's settings from the database
        connection, live = await effective_connection(settings, connection)
        if live.disconnected:
            raise ConnectionProblem(
                f"Store {store_hash!r} was disconnected. Run `bcagent connect` to connect it again."
            )
        kept_policy = StorePolicy.from_settings(live.settings.policy)
        handoff = live.settings.team.handoff(settings.handoff)  # the store's hours and address
    if nlu is None:
        embedder = embedder or MiniLMEmbedding()
        nlu = NLU(embedder)
    async with AsyncExitStack() as stack:
        bigcommerce = await stack.enter_async_context(
            AsyncBigCommerce(
                store_hash,
                access.token.reveal(),
                base_url=connection.api_url,
                transport=CapturingTransport(transport or default_transport()),
                **(client or ClientOptions()).kwargs(),
            )
        )
        if access.folder is None:
            records = await open_private_records(store_hash)
        else:
            records = await open_records(settings, store_hash, access.folder)
        stack.push_async_callback(records.aclose)
        if access.folder is not None and settings.redis_url:  # shared failure counts, in Redis
            shared = redis_attempts(settings.redis_url, store_hash, records.attempts, settings.redis_prefix)
            records.attempts = shared
            stack.push_async_callback(shared.client.aclose)
        opener = index or _default_index(settings, embedder or nlu.embedder)
        found = await opener(bigcommerce, connection)
        cache_redis = _shared_redis(settings, stack)
        # a replay (no folder) keeps its orders to itself: it reuses the recorded conversation's thread id
        orders_redis = cache_redis if access.folder is not None and settings.order_cache_seconds > 0 else None
        tools = ToolContext(
            bigcommerce,
            connection,
            records,
            index=found,
            policy=policy or kept_policy or StorePolicy(),
            handoff=handoff,
            orders=OrderCache(
                settings.order_cache_seconds,
                shared=SharedOrders(
                    orders_redis, store_hash, settings.redis_prefix, settings.order_cache_seconds
                )
                if orders_redis is not None
                else None,
            ),
            codes=CodeCache(
                store_hash,
                settings.code_cache_seconds,
                redis=cache_redis if settings.code_cache_seconds > 0 else None,
                prefix=settings.redis_prefix,
            ),
        )
        tools.scope_guard = ScopeGuard(access.connection, settings if access.folder is not None else None)
        if clock is not None:
            tools.clock = clock
        yield AgentContext(
            tools=tools, store_name=connection.name or store_hash, **model_fields(settings, nlu)
        )


@asynccontextmanager
async def open_agent(
    settings: Settings,
    store: str | StoreAccess | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    embedder: MiniLMEmbedding | None = None,
    nlu: NLU | None = None,
    policy: StorePolicy | None = None,
    index: IndexOpener | None = None,
    clock: Callable[[], datetime] | None = None,
    client: ClientOptions | None = None,
    record: bool | None = None,
    transcripts: TranscriptStore | None = None,
) -> AsyncIterator[Agent]:
    """The assistant for ``store``. Turns are recorded (``record``, default: the ``transcripts``
    setting) into ``transcripts``, by default the store's transcript store; the client's transport
    captures BigCommerce traffic."""
    access = store if isinstance(store, StoreAccess) else connected_store(settings, store)
    async with (
        open_context(
            settings,
            access,
            transport=transport,
            embedder=embedder,
            nlu=nlu,
            policy=policy,
            index=index,
            clock=clock,
            client=client,
        ) as context,
        AsyncExitStack() as stack,
    ):
        folder = access.folder
        if folder is None:
            checkpointer: Any = InMemorySaver()
        else:
            checkpointer = await stack.enter_async_context(open_checkpointer(settings, folder))
        recorder = None
        if settings.transcripts if record is None else record:
            if transcripts is None:
                if folder is None:
                    raise ValueError("recording a store kept in memory needs the transcripts to record into")
                transcripts = await stack.enter_async_context(open_transcripts(settings, folder))
            secrets = [access.token.reveal()]
            recorder = Recorder(transcripts, access.store_hash, model_name=settings.model, secrets=secrets)
        yield Agent(router.build(checkpointer), context, recorder)
