"""Turning one run of the graph into a ``TurnRecord`` and keeping it.

``Agent._run`` asks the ``Recorder`` for a ``TurnInProgress``, shows it every ``updates`` stream event
(the tool calls, their results and the grounding guard's replacements; the capture beside it holds
the BigCommerce exchanges, tool timings and node timings), and finishes it with the turn's result or
its exception. The recorder removes
any secret it was given (the store's access token) from the record before it is written; a failed
write is logged and never fails the shopper's turn.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from ..persistence import timestamps
from .capture import Limits, TurnCapture
from .records import Grounding, ModelUsage, Timings, ToolCallRecord, TurnRecord, dumps

if TYPE_CHECKING:
    from ..context import AgentContext
    from ..turns import TurnResult

log = logging.getLogger(__name__)
REDACTED = "<redacted>"
ROUTER_GRAPH = "bcagent"


class TurnSink(Protocol):
    """Where the recorder keeps a turn (``agent.persistence.transcripts.TranscriptStore`` is one)."""

    async def add(self, turn: TurnRecord) -> None: ...


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in content
        if isinstance(part, (str, dict))
    )


def _cut(text: str, limit: int) -> tuple[str, bool]:
    return (text, False) if len(text) <= limit else (text[:limit], True)


def store_settings(context: AgentContext) -> dict[str, Any]:
    """What replay needs to know about the store a turn ran against (no secret in it)."""
    tools = context.tools
    connection = tools.connection
    policy = {
        key: sorted(value) if isinstance(value, frozenset) else value
        for key, value in asdict(tools.policy).items()
    }
    return {
        "name": connection.name,
        "secure_url": connection.secure_url,
        "money": asdict(connection.money),
        "timezone": connection.timezone,
        "enabled_tools": tools.enabled(),
        "policy": policy,
    }


@dataclass
class TurnInput:
    """What started the turn, as ``Agent.send`` / ``confirm`` received it."""

    kind: str = "message"  # or "confirmation"
    text: str | None = None
    answer: dict[str, Any] | None = None
    verified_customer: dict[str, Any] | None = None
    product_id: int | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


class TurnInProgress:
    """Collects one turn from the stream; ``finish`` builds the record."""

    def __init__(self, recorder: Recorder, thread_id: str, surface: str, given: TurnInput) -> None:
        self.recorder = recorder
        self.capture = TurnCapture(limits=recorder.limits)
        self.turn_id = uuid.uuid4().hex
        self.started_at = timestamps.precise(datetime.now(UTC))
        self.thread_id = thread_id
        self.surface = surface
        self.given = given
        self._calls: dict[str, dict[str, Any]] = {}
        self._results: dict[str, ToolMessage] = {}
        self._grounding: list[Grounding] = []

    def _ms(self, moment: float) -> float:
        return round((moment - self.capture.started) * 1000, 3)

    def observe(self, namespace: Sequence[str], mode: str, chunk: Any) -> None:
        """One event of ``graph.astream(..., stream_mode=[..., "updates"], subgraphs=True)``."""
        if mode == "updates" and isinstance(chunk, dict):
            for update in chunk.values():
                if isinstance(update, dict):
                    self._update(update)

    def _update(self, update: dict[str, Any]) -> None:
        for message in update.get("messages") or []:
            if isinstance(message, AIMessage):
                for call in message.tool_calls:
                    if call.get("id"):
                        self._calls.setdefault(str(call["id"]), {"name": call["name"], "args": call["args"]})
            elif isinstance(message, ToolMessage):
                self._results.setdefault(message.tool_call_id, message)
        for item in update.get("grounding_replaced") or []:
            if isinstance(item, dict):
                self._grounding.append(
                    Grounding(
                        original=str(item.get("original", "")),
                        replacement=str(item.get("replacement", "")),
                        unsupported=[str(u) for u in item.get("unsupported", [])],
                    )
                )

    def _tool_calls(self, history: Sequence[BaseMessage]) -> list[ToolCallRecord]:
        earlier: dict[str, dict[str, Any]] = {}
        for message in history:
            if isinstance(message, AIMessage):
                for made in message.tool_calls:
                    earlier[str(made.get("id"))] = {"name": made["name"], "args": made["args"]}
        ids = list(self._calls) + [i for i in self._results if i not in self._calls]
        ids += [i for i in self.capture.tools if i not in ids]
        limits = self.recorder.limits
        records = []
        for call_id in ids:
            timing = self.capture.tools.get(call_id)
            found = self._calls.get(call_id) or earlier.get(call_id)
            if found is None:
                found = {"name": timing.name if timing else "unknown", "args": {}}
            record = ToolCallRecord(id=call_id, name=str(found["name"]), args=dict(found["args"] or {}))
            answer = self._results.get(call_id)
            if answer is not None:
                content, record.result_truncated = _cut(_text(answer), limits.max_result_chars)
                try:
                    record.result = content if record.result_truncated else json.loads(content)
                except ValueError:
                    record.result = content
                record.status = "error" if getattr(answer, "status", "success") == "error" else "ok"
            else:
                record.status = timing.status if timing and timing.status != "ok" else "pending"
            if timing is not None:
                record.ms = timing.ms
            record.requests = [e.index for e in self.capture.exchanges if e.tool_call_id == call_id]
            records.append(record)
        return records

    def finish(
        self,
        result: TurnResult | None,
        history: Sequence[BaseMessage] = (),
        *,
        routes: Sequence[str] = (),
        router_llm_calls: int = 0,
        error: BaseException | None = None,
    ) -> TurnRecord:
        building = time.perf_counter()
        limits = self.recorder.limits
        truncated = self.capture.truncated
        text = self.given.text
        if text is not None:
            text, cut = _cut(text, limits.max_text_chars)
            truncated = truncated or cut
        replies = []
        for reply in result.replies if result else []:
            kept, cut = _cut(reply, limits.max_text_chars)
            replies.append(kept)
            truncated = truncated or cut
        steps = sorted(self.capture.steps, key=lambda s: s.started_ms)

        def total(node: str) -> float:
            return round(sum(s.ms for s in steps if s.node == node), 3)

        timings = Timings(
            total_ms=self._ms(time.perf_counter()),
            routing_ms=total("route"),
            model_ms=total("model"),
            tools_ms=round(sum(t.ms or 0 for t in self.capture.tools.values()), 3),
            bigcommerce_ms=round(sum(e.ms for e in self.capture.exchanges), 3),
            guard_ms=total("ground"),
            steps=steps,
        )
        record = TurnRecord(
            turn_id=self.turn_id,
            request_id=self.given.request_id,
            store_hash=self.recorder.store_hash,
            thread_id=self.thread_id,
            started_at=self.started_at,
            surface=self.surface,
            kind=self.given.kind,
            text=text,
            answer=self.given.answer,
            verified_customer=self.given.verified_customer,
            product_id=self.given.product_id,
            routes=list(result.routes if result else routes),
            tool_calls=self._tool_calls(history),
            requests=list(self.capture.exchanges),
            retrievals=list(self.capture.retrievals),
            mirror_reads=list(self.capture.mirror_reads),
            replies=replies,
            grounding=self._grounding,
            confirmation_asked=result.confirmation if result else None,
            timings=timings,
            model=ModelUsage(
                name=self.recorder.model_name,
                llm_calls=result.llm_calls if result else 0,
                router_llm_calls=router_llm_calls,
                input_tokens=result.input_tokens if result else 0,
                output_tokens=result.output_tokens if result else 0,
            ),
            store=dict(self.recorder.store_info),
            error={"type": type(error).__name__, "message": str(error)[:2000]} if error else None,
            truncated=truncated,
        )
        record.timings.record_ms = round((time.perf_counter() - building) * 1000, 3)
        return record


class Recorder:
    """Records the turns of one store into ``transcripts``."""

    def __init__(
        self,
        transcripts: TurnSink,
        store_hash: str,
        *,
        model_name: str = "offline",
        limits: Limits | None = None,
        secrets: Sequence[str] = (),
        store_info: dict[str, Any] | None = None,
    ) -> None:
        self.transcripts = transcripts
        self.store_hash = store_hash
        self.model_name = model_name
        self.limits = limits or Limits()
        self._secrets = tuple(s for s in secrets if s)
        self.store_info = store_info or {}
        self.written = 0
        self.failed = 0

    def __repr__(self) -> str:
        return f"Recorder(store_hash={self.store_hash!r}, transcripts={self.transcripts!r})"

    def begin(self, thread_id: str, surface: str, given: TurnInput) -> TurnInProgress:
        return TurnInProgress(self, thread_id, surface, given)

    def scrub(self, record: TurnRecord) -> TurnRecord:
        """The record with every secret replaced (a shopper may paste a token into the chat)."""
        text = dumps(record.to_json())
        if not any(secret in text for secret in self._secrets):
            return record
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TurnRecord.from_json(json.loads(text))

    async def write(self, record: TurnRecord) -> bool:
        try:
            await self.transcripts.add(self.scrub(record))
        except Exception as exc:  # the shopper's turn stands; the operator sees the log line
            self.failed += 1
            message = str(exc)
            for secret in self._secrets:
                message = message.replace(secret, REDACTED)
            log.error("Could not record turn %s of thread %s: %s", record.turn_id, record.thread_id, message)
            return False
        self.written += 1
        return True
