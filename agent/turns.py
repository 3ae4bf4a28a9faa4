"""One turn of the compiled router graph: streaming it and what came out (``TurnResult``).

``stream_turn`` is the turn loop: it streams the graph for one shopper message (or confirmation),
sends the caller its events as soon as they are known (tokens, routes, tool calls), counts the turn's
figures from the run's own stream (``agent.counters``), and reads the new messages from the thread
afterwards. It sits below both the runtime (``agent.runtime.Agent``, which runs and records turns) and
the transcript recorder (which turns a ``TurnResult`` into a record), so neither imports the other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

from .context import AgentContext
from .counters import Counters
from .models.llm_call import turn_deadline
from .models.offline import text_of

EventSink = Callable[
    [str, Any], None
]  # ("token", text) | ("route", {"route"}) | ("tool", {"name", "args"}), each as soon as it is known
Observer = Callable[[Sequence[str], str, Any], None]  # (namespace, mode, chunk) of every stream event


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
    message_ids: list[tuple[str, str]] = field(default_factory=list)  # (type, id) of the turn's new messages
    turn_id: str | None = None  # the transcript record of the (last) turn, when recording
    # what happened besides the replies: model failures, safety-net calls, grounding replacements,
    # trimmed history, estimated token counts (each a dict from a message's ``response_metadata``)
    notes: list[dict[str, Any]] = field(default_factory=list)
    counters: Counters = field(default_factory=Counters)  # this turn's figures, and no other turn's
    # per reply (same order as ``replies``): the tool results it was written from, i.e. the turn's tool
    # messages since the previous reply (what ``agent.blocks`` lays out as cards and lists)
    evidence: list[list[dict[str, Any]]] = field(default_factory=list)

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


def run_config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": 50}


async def pending_confirmation(graph: Any, thread_id: str) -> dict[str, Any] | None:
    """The confirmation a thread is waiting for, if any."""
    state = await graph.aget_state(run_config(thread_id))
    for task in state.tasks:
        for pending in task.interrupts:
            value = pending.value
            return value if isinstance(value, dict) else {"question": str(value)}
    return None


async def stream_turn(
    graph: Any,
    context: AgentContext,
    thread_id: str,
    inputs: Any,
    *,
    on_event: EventSink | None = None,
    surface: str = "chat",
    observe: Observer | None = None,
    counters: Counters | None = None,
) -> tuple[TurnResult, list[Any]]:
    """Run one turn; (its result, the thread's whole history after it). ``counters`` (the result's,
    by default a new one) sees the turn's counts as they happen, so a caller keeps them when it fails."""
    config = run_config(thread_id)
    before = await graph.aget_state(config)
    seen = len(before.values.get("messages", [])) if before.values else 0
    started = time.perf_counter()
    result = TurnResult(surface=surface, counters=counters if counters is not None else Counters())
    announced: set[str] = set()  # tool call ids already sent to on_event
    announced_calls: list[tuple[str, str]] = []
    budget = context.llm_settings.turn_budget_seconds if context.llm is not None else None
    with turn_deadline(budget):
        async for namespace, mode, chunk in graph.astream(
            inputs, config, context=context, stream_mode=["messages", "updates", "custom"], subgraphs=True
        ):
            if mode == "custom" and result.counters.take(chunk):
                continue
            if observe is not None:
                observe(namespace, mode, chunk)
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
            elif mode == "updates" and isinstance(chunk, dict) and on_event is not None:
                announced_calls += _progress(chunk, on_event, announced)
    after = await graph.aget_state(config)
    history = list(after.values.get("messages", []))
    messages = history[seen:]
    since_reply: list[dict[str, Any]] = []
    for message in messages:
        if message.id:
            result.message_ids.append((message.type, message.id))
        if isinstance(message, AIMessage):
            usage: dict[str, Any] = dict(message.usage_metadata or {})
            result.input_tokens += int(usage.get("input_tokens", 0))
            result.output_tokens += int(usage.get("output_tokens", 0))
            result.tool_calls.extend({"name": c["name"], "args": c["args"]} for c in message.tool_calls)
            if not message.tool_calls and text_of(message):
                result.replies.append(text_of(message))
                result.evidence.append(since_reply)
                since_reply = []
            note = (message.response_metadata or {}).get("bcagent")
            if note:
                result.notes.append(dict(note))
        elif isinstance(message, ToolMessage):
            result.tool_results.append({"name": message.name, "content": text_of(message)})
            since_reply.append(result.tool_results[-1])
    if result.confirmation is None:
        result.confirmation = await pending_confirmation(graph, thread_id)
    if result.confirmation is not None:
        result.replies.append(str(result.confirmation.get("question", "Please confirm.")))
        result.evidence.append([])
        tool = (
            "change_shipping_address"
            if result.confirmation.get("type") == "confirm_address_change"
            else "cancel_order"
        )
        if not any(c["name"] == tool for c in result.tool_calls):  # paused inside the subgraph
            order_id = result.confirmation.get("order_id")
            result.tool_calls.append({"name": tool, "args": {"order_id": str(order_id)}})
    result.routes = list(after.values.get("last_routes", []))
    result.seconds = time.perf_counter() - started
    result.llm_calls = result.counters.llm_calls
    if on_event is not None:
        for call in result.tool_calls:  # those not seen while the graph ran (e.g. a paused cancel_order)
            key = (call["name"], repr(call["args"]))
            if key in announced_calls:
                announced_calls.remove(key)
            else:
                on_event("tool", call)
    return result, history


def _progress(chunk: dict[str, Any], on_event: EventSink, announced: set[str]) -> list[tuple[str, str]]:
    """Send the routes and tool calls of one graph update at once; the (name, args) of calls sent."""
    sent: list[tuple[str, str]] = []
    for node, update in chunk.items():
        if not isinstance(update, dict):
            continue
        if node == "route":
            for route in update.get("routes", []):
                on_event("route", {"route": route})
        for message in update.get("messages", []) or []:
            if not isinstance(message, AIMessage):
                continue
            for index, call in enumerate(message.tool_calls):
                key = call.get("id") or f"{message.id}:{index}"
                if key in announced:
                    continue
                announced.add(key)
                on_event("tool", {"name": call["name"], "args": call["args"]})
                sent.append((call["name"], repr(call["args"])))
    return sent
