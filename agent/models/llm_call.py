"""One LLM call that either gives a whole answer or raises ``ModelFailure``: never a half reply.

``call_llm`` trims the history to the model's context window (oldest first; tool calls and their
results, which hold the facts, go last, and this turn is never trimmed), bounds the call by the turn's
time budget (``turn_deadline``), and checks what came back: an answer with no ``finish_reason`` (a
stream the server ended early) is cut, ``finish_reason: length`` hit the token cap, a 200 with nothing
in it is empty. An empty answer or an overflow is retried once on half the history, without streaming;
a cut one is retried once as it was. Where the server sent no token counts (streams from most
compatible servers), they are estimated from the text and marked so.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool

from .model_errors import ModelFailure, describe_model_error, failure_kind

log = logging.getLogger(__name__)

CHARS_PER_TOKEN: Final = 3.0  # conservative for English and JSON
MESSAGE_OVERHEAD: Final = 6  # role markers and separators per message, in tokens
RETRIED: Final = frozenset({"overflow", "empty", "cut"})
BUDGET_RESERVE: Final = 3.0  # seconds of the turn's budget kept for the tools and the reply after a call

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "bcagent_turn_deadline", default=None
)


@contextmanager
def turn_deadline(seconds: float | None) -> Iterator[None]:
    """Every ``call_llm`` inside this block (this task and the tasks it starts) shares one time budget."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds left in this turn's budget (None: no budget set)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def message_tokens(message: BaseMessage) -> int:
    size = estimate_tokens(message.text)
    if isinstance(message, AIMessage) and message.tool_calls:
        size += estimate_tokens(json.dumps([{"n": c["name"], "a": c["args"]} for c in message.tool_calls]))
    return size + MESSAGE_OVERHEAD


def tools_tokens(tools: Sequence[BaseTool]) -> int:
    schemas = [{"name": t.name, "description": t.description, "args": t.args} for t in tools]
    # chat templates spell each tool out in prose around its schema: count it twice over
    return 2 * estimate_tokens(json.dumps(schemas)) if tools else 0


def trim_history(messages: Sequence[BaseMessage], budget: int) -> list[BaseMessage]:
    """``messages`` cut to about ``budget`` tokens: the system prompt and this turn (from the last
    shopper message on) always stay; before them, plain texts go first, oldest first, then tool
    exchanges (a call with its results, never split), oldest first."""
    items = list(messages)
    head = [m for m in items[:1] if isinstance(m, SystemMessage)]
    body = items[len(head) :]
    last_human = max((i for i, m in enumerate(body) if isinstance(m, HumanMessage)), default=0)
    earlier, current = body[:last_human], body[last_human:]
    units: list[list[BaseMessage]] = []
    for message in earlier:
        if isinstance(message, ToolMessage) and units and _is_exchange(units[-1]):
            units[-1].append(message)
        else:
            units.append([message])
    used = sum(message_tokens(m) for m in [*head, *current])
    sizes = [sum(message_tokens(m) for m in unit) for unit in units]
    total = used + sum(sizes)
    keep = [True] * len(units)
    for facts in (False, True):  # plain texts first, then tool exchanges
        for i, unit in enumerate(units):
            if total <= budget:
                break
            if keep[i] and _is_exchange(unit) == facts:
                keep[i] = False
                total -= sizes[i]
    kept = [m for i, unit in enumerate(units) if keep[i] for m in unit]
    while kept and isinstance(kept[0], ToolMessage):  # never start with a result whose call is gone
        kept.pop(0)
    return [*head, *kept, *current]


def _is_exchange(unit: list[BaseMessage]) -> bool:
    first = unit[0]
    return isinstance(first, AIMessage) and bool(first.tool_calls)


@dataclass(frozen=True)
class CallLimits:
    context_tokens: int
    max_tokens: int
    timeout: float


async def call_llm(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    tools: Sequence[BaseTool],
    limits: CallLimits,
    *,
    tool_choice: str | None = None,
) -> tuple[AIMessage, dict[str, Any]]:
    """(the answer, what happened: trimmed messages, retries, estimated usage). Raises ``ModelFailure``."""
    window = limits.context_tokens - limits.max_tokens - tools_tokens(tools)
    budget = max(256, int(window * 0.9))
    sent = trim_history(messages, budget)
    notes: dict[str, Any] = {}
    if len(sent) < len(messages):
        notes["trimmed_messages"] = len(messages) - len(sent)
    current = model
    for attempt in (1, 2):
        left = time_left()
        if left is not None and left < BUDGET_RESERVE + 1:
            raise ModelFailure("budget", "The turn's time budget ran out before the model could answer.")
        timeout = limits.timeout if left is None else min(limits.timeout, left - BUDGET_RESERVE)
        bound: Any = current.bind_tools(list(tools), tool_choice=tool_choice) if tools else current
        try:
            answer = await bound.ainvoke(sent, timeout=timeout)
            kind, detail = _verdict(answer)
        except Exception as exc:
            kind, detail, answer = failure_kind(exc), describe_model_error(exc), None
        if kind is None and isinstance(answer, AIMessage):
            if answer.usage_metadata is None:
                answer.usage_metadata = _estimated_usage(sent, answer)
                notes["usage_estimated"] = True
            notes["attempts"] = attempt
            return answer, notes
        assert kind is not None
        notes.setdefault("failures", []).append(kind)
        if attempt == 1 and kind in RETRIED:
            log.warning("model answer %s (%s); retrying once", kind, detail)
            if kind in ("overflow", "empty"):  # maybe the server's window is smaller than we were told
                size = sum(message_tokens(m) for m in sent)
                sent = trim_history(messages, min(budget, size) // 2)
                notes["trimmed_messages"] = len(messages) - len(sent)
                current = current.model_copy(update={"streaming": False, "disable_streaming": True})
            continue
        raise ModelFailure(kind, detail)
    raise AssertionError("unreachable")


def _verdict(answer: Any) -> tuple[Any, str]:
    """(failure kind or None, description) for an answer that came back with a 200."""
    if not isinstance(answer, AIMessage):
        return "invalid", "The model's answer is not a chat message."
    reason = (answer.response_metadata or {}).get("finish_reason")
    if not answer.tool_calls and not answer.text.strip():
        if answer.invalid_tool_calls:
            return "invalid", "The model called a tool with arguments that are not valid JSON."
        return "empty", "The model server sent an empty answer."
    if reason == "length":
        return "length", "The model's answer was cut off at its token limit (finish_reason length)."
    if reason is None:
        return "cut", "The model server ended the answer without a finish_reason: the reply is incomplete."
    return None, ""


def _estimated_usage(sent: Sequence[BaseMessage], answer: AIMessage) -> Any:
    read = sum(message_tokens(m) for m in sent)
    written = message_tokens(answer)
    return {"input_tokens": read, "output_tokens": written, "total_tokens": read + written}
