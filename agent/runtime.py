"""Putting the assistant together for one connected store, and running turns.

``open_agent`` builds, once per process: the store's client, the agent's records, the product index,
the NLU, the chat model (offline by default), the run context, the checkpointer and the compiled router
graph. Records and checkpoints are SQLite by default, PostgreSQL for a ``postgresql://`` URL. ``Agent.send`` runs one shopper
turn; a pending cancellation waits for the shopper's next message, across restarts.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langgraph.types import Command

from bigcommerce import AsyncBigCommerce
from ingest.embeddings import MiniLMEmbedding

from .context import AgentContext
from .graphs import router
from .models.intents import NLU
from .models.offline import OfflineChatModel, text_of
from .records import open_records
from .settings import Settings
from .store.catalog import open_index
from .store.connections import ConnectionStore
from .tools.context import StorePolicy, ToolContext

EventSink = Callable[
    [str, Any], None
]  # ("token", text) | ("tool", {"name", "args"}) | ("tool_result", {...})


@dataclass
class TurnResult:
    replies: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    confirmation: dict[str, Any] | None = None
    seconds: float = 0.0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    surface: str = "chat"  # where the turn came from: "chat" (terminal), "serve" (HTTP API), "eval"

    @property
    def text(self) -> str:
        return "\n".join(self.replies)


YES = frozenset({"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "confirm", "confirmed", "please"})
NO = frozenset({"no", "n", "nope", "nah", "don't", "dont", "stop", "never", "not", "keep", "wait"})


def answer_kind(text: str) -> str:
    """ "yes" for a clear yes ("yes please", "yep, cancel it"), "no" for a clear no, else "other"."""
    words = [w.strip(".,!?'\"").lower() for w in text.split()]
    words = [w for w in words if w]
    if not words or len(words) > 6:
        return "other"
    if words[0] in NO or any(w in NO for w in words):
        return "no"
    if words[0] in YES or " ".join(words[:2]) in ("go ahead", "do it", "please do"):
        return "yes"
    return "other"


class Agent:
    def __init__(self, graph: Any, context: AgentContext) -> None:
        self.graph = graph
        self.context = context

    def _config(self, thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 50}

    async def pending(self, thread_id: str) -> dict[str, Any] | None:
        """The confirmation a thread is waiting for, if any."""
        state = await self.graph.aget_state(self._config(thread_id))
        for task in state.tasks:
            for pending in task.interrupts:
                value = pending.value
                return value if isinstance(value, dict) else {"question": str(value)}
        return None

    async def send(
        self,
        thread_id: str,
        text: str,
        *,
        verified_customer: dict[str, Any] | None = None,
        product_id: int | None = None,
        on_event: EventSink | None = None,
        surface: str = "chat",
    ) -> TurnResult:
        """One shopper message. If a cancellation is waiting, the message answers it (only a clear yes
        confirms); a message that is a new question abandons it and is then answered as usual."""
        pending = await self.pending(thread_id)
        if pending is not None:
            kind = answer_kind(text)
            answer = {
                "confirm": kind == "yes",
                "order_id": pending.get("order_id"),
                "proposal_id": pending.get("proposal_id"),
            }
            answered = await self._run(thread_id, Command(resume=answer), on_event, surface)
            if kind != "other":
                return answered
            rest = await self.send(
                thread_id,
                text,
                verified_customer=verified_customer,
                product_id=product_id,
                on_event=on_event,
                surface=surface,
            )
            rest.replies = answered.replies + rest.replies
            return rest
        inputs: dict[str, Any] = {"messages": [HumanMessage(content=text)]}
        if verified_customer is not None:
            inputs["verified_customer"] = verified_customer
        if product_id is not None:
            inputs["product_id"] = product_id
        return await self._run(thread_id, inputs, on_event, surface)

    async def confirm(
        self, thread_id: str, answer: Any, on_event: EventSink | None = None, surface: str = "chat"
    ) -> TurnResult:
        """Answer a pending confirmation as the widget's buttons do, e.g. ``{"confirm": True, "order_id": N}``."""
        return await self._run(thread_id, Command(resume=answer), on_event, surface)

    async def _run(
        self, thread_id: str, inputs: Any, on_event: EventSink | None, surface: str = "chat"
    ) -> TurnResult:
        config = self._config(thread_id)
        before = await self.graph.aget_state(config)
        seen = len(before.values.get("messages", [])) if before.values else 0
        calls_before = self.context.counters.llm_calls
        started = time.perf_counter()
        result = TurnResult(surface=surface)
        async for _namespace, mode, chunk in self.graph.astream(
            inputs, config, context=self.context, stream_mode=["messages", "updates"], subgraphs=True
        ):
            if mode == "messages" and on_event is not None:
                message, meta = chunk
                if (
                    isinstance(message, AIMessageChunk)
                    and message.content
                    and meta.get("langgraph_node") == "model"
                ):
                    on_event("token", text_of(message))
            elif mode == "updates" and isinstance(chunk, dict) and "__interrupt__" in chunk:
                result.confirmation = chunk["__interrupt__"][0].value
        after = await self.graph.aget_state(config)
        messages = after.values.get("messages", [])[seen:]
        for message in messages:
            if isinstance(message, AIMessage):
                usage: dict[str, Any] = dict(message.usage_metadata or {})
                result.input_tokens += int(usage.get("input_tokens", 0))
                result.output_tokens += int(usage.get("output_tokens", 0))
                result.tool_calls.extend({"name": c["name"], "args": c["args"]} for c in message.tool_calls)
                if not message.tool_calls and text_of(message):
                    result.replies.append(text_of(message))
            elif isinstance(message, ToolMessage):
                result.tool_results.append({"name": message.name, "content": text_of(message)})
        if result.confirmation is None:
            result.confirmation = await self.pending(thread_id)
        if result.confirmation is not None:
            result.replies.append(str(result.confirmation.get("question", "Please confirm.")))
            if not any(c["name"] == "cancel_order" for c in result.tool_calls):  # paused inside the subgraph
                order_id = result.confirmation.get("order_id")
                result.tool_calls.append({"name": "cancel_order", "args": {"order_id": str(order_id)}})
        result.routes = list(after.values.get("last_routes", []))
        result.seconds = time.perf_counter() - started
        result.llm_calls = self.context.counters.llm_calls - calls_before
        if on_event is not None:
            for call in result.tool_calls:
                on_event("tool", call)
        return result


@asynccontextmanager
async def open_checkpointer(settings: Settings, folder: Any) -> AsyncIterator[Any]:
    url = settings.database_url
    if url and url.startswith(("postgresql://", "postgres://")):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    folder.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(folder / "checkpoints.sqlite")) as saver:
        yield saver


def build_model(settings: Settings, nlu: NLU) -> tuple[Any, Any]:
    """(subgraph model, LLM or None) from the ``model`` setting: ``offline`` or ``openai:<model>``."""
    from .models.openai_model import make_openai_model, parse_model_setting

    provider, name = parse_model_setting(settings.model)
    if provider == "offline" or name is None:
        return OfflineChatModel(nlu=nlu), None
    llm = make_openai_model(name, settings)
    return llm, llm


@asynccontextmanager
async def open_context(
    settings: Settings,
    store: str | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    embedder: MiniLMEmbedding | None = None,
    policy: StorePolicy | None = None,
) -> AsyncIterator[AgentContext]:
    """The run context of one connected store (client, records, index, NLU, model), open while used;
    what ``open_agent`` runs its graph with, and what a LangGraph Server host builds once per process."""
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    connection = connections.load(store_hash)
    token = connections.token(store_hash)
    folder = connections.folder(store_hash)
    embedder = embedder or MiniLMEmbedding()
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            AsyncBigCommerce(store_hash, token.reveal(), base_url=connection.api_url, transport=transport)
        )
        records = open_records(settings, store_hash, folder)
        stack.callback(records.close)
        index = None
        if connection.scopes.get("products", "none") != "none":
            index = open_index(settings, connections, store_hash, embedder)
        nlu = NLU(embedder)
        model, llm = build_model(settings, nlu)
        tools = ToolContext(client, connection, records, index=index, policy=policy or StorePolicy())
        yield AgentContext(
            tools=tools, model=model, nlu=nlu, llm=llm, store_name=connection.name or store_hash
        )


@asynccontextmanager
async def open_agent(
    settings: Settings,
    store: str | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    embedder: MiniLMEmbedding | None = None,
    policy: StorePolicy | None = None,
) -> AsyncIterator[Agent]:
    async with open_context(
        settings, store, transport=transport, embedder=embedder, policy=policy
    ) as context:
        folder = ConnectionStore(settings.home).folder(context.tools.store_hash)
        async with open_checkpointer(settings, folder) as checkpointer:
            yield Agent(router.build(checkpointer), context)
