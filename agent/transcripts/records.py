"""The transcript record: one ``TurnRecord`` per turn, with the tool calls it made, the BigCommerce
requests below them, the replies, the confirmation, timings, the model and errors.

A record is plain data (dataclasses of JSON values) so it round-trips through ``to_json`` /
``from_json`` unchanged; FORMAT.md beside this file describes each field. ``FORMAT_VERSION`` goes up
when a field changes meaning or disappears (adding a field does not change it); readers refuse a
newer version.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "bcagent.transcript"
FORMAT_VERSION = 1


def dumps(record: dict[str, Any]) -> str:
    """A record's JSON text, as it is stored and exported: compact, UTF-8 kept as it is."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class FormatError(ValueError):
    """A record that is not a transcript turn this build can read (corrupt, or a newer format)."""


@dataclass
class Exchange:
    """One HTTP attempt to BigCommerce (a retried request is several exchanges), in the order sent.

    ``path`` is relative to the store (``/v2/orders/12345``), ``query`` the decoded pairs in the
    order sent. ``response`` is the decoded JSON body (None for 204 / empty); a body that is not JSON
    is kept in ``response_text``. ``truncated`` marks a body cut to the per-body limit (then only
    ``response_text`` holds its start); ``omitted`` a body dropped because the turn's budget was spent.
    No request header is kept; of the response headers only Content-Type and the rate-limit ones.
    """

    index: int
    method: str
    path: str
    query: list[list[str]] = field(default_factory=list)
    request_body: Any = None
    status: int | None = None
    response: Any = None
    response_text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    bytes: int = 0
    truncated: bool = False
    omitted: bool = False
    ms: float = 0.0
    error: str | None = None
    tool: str | None = None
    tool_call_id: str | None = None

    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        return request_key(self.method, self.path, self.query)


def request_key(
    method: str, path: str, query: list[list[str]] | list[tuple[str, str]]
) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """What replay matches a request on: method, store-relative path and query pairs (in order)."""
    return (method.upper(), path, tuple((str(k), str(v)) for k, v in query))


@dataclass
class Retrieval:
    """A search of the store's product index (local, not BigCommerce) made by a tool: the query, how
    many hits were asked for, and the hits (product id, score, name) in the order returned."""

    query: str
    k: int
    hits: list[dict[str, Any]] = field(default_factory=list)
    ms: float = 0.0
    tool: str | None = None
    tool_call_id: str | None = None
    error: str | None = None  # the index failed (e.g. "ConnectionError"); the tool used the keyword search


@dataclass
class MirrorRead:
    """A product a tool read from the store's catalog mirror (kept fresh by webhooks and syncs) instead
    of asking the store: which, how old the mirrored copy was, and the copy itself (None when it was
    over the size limit), so a replay answers the same read the same way."""

    product_id: int
    age_seconds: float
    product: dict[str, Any] | None = None
    tool: str | None = None
    tool_call_id: str | None = None


@dataclass
class ToolCallRecord:
    """A tool call the model (or the router, for a handoff) made, and what the tool returned.

    ``status``: ``ok`` (a result), ``pending`` (paused for the shopper's confirmation: the result
    comes in a later turn), ``error`` (the tool raised). ``result`` is the tool's JSON result (or its
    text when it is not JSON). ``requests`` are the indexes in ``TurnRecord.requests`` of the
    BigCommerce exchanges it made. ``ms`` is the time spent inside the tool.
    """

    id: str
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    result: Any = None
    status: str = "ok"
    result_truncated: bool = False
    ms: float | None = None
    requests: list[int] = field(default_factory=list)


@dataclass
class Step:
    """A graph node that ran: ``graph`` is ``bcagent`` (the router) or the subgraph's name."""

    node: str
    graph: str
    started_ms: float
    ms: float
    error: str | None = None


@dataclass
class Timings:
    """Milliseconds: the whole turn, and the sums of its parts (BigCommerce time is inside tools)."""

    total_ms: float = 0.0
    routing_ms: float = 0.0
    model_ms: float = 0.0
    tools_ms: float = 0.0
    bigcommerce_ms: float = 0.0
    guard_ms: float = 0.0
    record_ms: float = 0.0  # building the previous fields' record (not the write)
    steps: list[Step] = field(default_factory=list)


@dataclass
class ModelUsage:
    name: str = "offline"
    llm_calls: int = 0
    router_llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass
class Grounding:
    """A reply the grounding guard replaced: what the model said, what was sent instead, and why."""

    original: str
    replacement: str
    unsupported: list[str] = field(default_factory=list)


@dataclass
class TurnRecord:
    """One turn. ``kind`` is ``message`` (the shopper wrote ``text``) or ``confirmation`` (``answer``
    answered a pending confirmation: the buttons, or ``text`` read as yes/no). Turns made by one
    ``Agent.send`` / ``confirm`` call share ``request_id`` (a message that abandons a pending
    confirmation makes two turns: the abandonment, then the message)."""

    turn_id: str
    request_id: str
    store_hash: str
    thread_id: str
    started_at: str  # ISO 8601 UTC, microseconds, "Z"
    surface: str
    kind: str = "message"
    text: str | None = None
    answer: dict[str, Any] | None = None
    verified_customer: dict[str, Any] | None = None
    product_id: int | None = None
    routes: list[str] = field(default_factory=list)
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    requests: list[Exchange] = field(default_factory=list)
    retrievals: list[Retrieval] = field(default_factory=list)
    mirror_reads: list[MirrorRead] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    grounding: list[Grounding] = field(default_factory=list)
    confirmation_asked: dict[str, Any] | None = None
    timings: Timings = field(default_factory=Timings)
    model: ModelUsage = field(default_factory=ModelUsage)
    store: dict[str, Any] = field(default_factory=dict)
    error: dict[str, str] | None = None
    truncated: bool = False
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def customer_id(self) -> int | None:
        customer = self.verified_customer or {}
        value = customer.get("id")
        return int(value) if isinstance(value, int) else None

    @property
    def tool_names(self) -> list[str]:
        return [call.name for call in self.tool_calls]

    @property
    def handoff(self) -> bool:
        return "transfer_to_human" in self.tool_names

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data = {"format": data.pop("format"), "format_version": data.pop("format_version"), **data}
        return data

    @classmethod
    def from_json(cls, data: Any) -> TurnRecord:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise FormatError("not a bcagent transcript record")
        version = data.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise FormatError(
                f"transcript format version {version!r} is newer than this build reads ({FORMAT_VERSION})"
            )
        try:
            values = dict(data)
            values["tool_calls"] = [ToolCallRecord(**c) for c in data.get("tool_calls", [])]
            values["requests"] = [Exchange(**r) for r in data.get("requests", [])]
            values["retrievals"] = [Retrieval(**r) for r in data.get("retrievals", [])]
            values["mirror_reads"] = [MirrorRead(**m) for m in data.get("mirror_reads", [])]
            values["grounding"] = [Grounding(**g) for g in data.get("grounding", [])]
            timings = dict(data.get("timings", {}))
            timings["steps"] = [Step(**s) for s in timings.get("steps", [])]
            values["timings"] = Timings(**timings)
            values["model"] = ModelUsage(**data.get("model", {}))
            return cls(**values)
        except TypeError as exc:
            raise FormatError(f"a transcript record has a missing or unknown field: {exc}") from None


@dataclass
class ThreadSummary:
    """One conversation, for listing: what the replay CLI's ``list`` shows."""

    store_hash: str
    thread_id: str
    first_at: str
    last_at: str
    surface: str
    turns: int
    routes: list[str]
    tools: list[str]
    handoff: bool
    grounding_replacements: int
    errors: int
    customer_id: int | None = None
    store_errors: int = 0  # turns whose store failed (5xx, 429 after retries, no answer, "unavailable")
    lockout: bool = False
    slowest_ms: float = 0.0
    first_message: str | None = None
    customer_email: str | None = None
    dead_ends: int = 0  # turns the assistant could not answer (``dead_ends.is_dead_end``)

    @property
    def failed(self) -> bool:
        """An exception or a store failure in any turn: what ``--errors`` and ``--status error`` find."""
        return self.errors > 0 or self.store_errors > 0

    @property
    def statuses(self) -> list[str]:
        """``error``, ``handoff``, ``lockout`` (those that apply), or ``ok``."""
        found = [
            name
            for name, applies in (
                ("error", self.failed),
                ("handoff", self.handoff),
                ("lockout", self.lockout),
            )
            if applies
        ]
        return found or ["ok"]
