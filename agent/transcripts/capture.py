"""Capturing what a turn did below the tools: every BigCommerce request and response, and the time
spent in each tool.

``CapturingTransport`` wraps the httpx transport of the store's client. While a turn runs,
``Agent._run`` sets the turn's ``TurnCapture`` in a context variable (LangGraph runs nodes and tools
in tasks that inherit it); ``tool_scope`` (entered by every tool, in agent/tools/registry.py) names
the tool call a request belongs to, and ``timed`` graph nodes add their running time to the turn's
steps. Outside a turn the transport only passes requests through and the nodes only run.

What is kept is bounded (``Limits``): a response body over ``max_body_bytes`` is cut (its start kept
as text, ``truncated``), and once a turn has kept ``max_turn_bytes`` of bodies, later bodies are
dropped (``omitted``); method, path, query, status and timing are always kept. No request header is
ever kept, so the X-Auth-Token cannot reach a transcript this way.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from .records import Exchange, MirrorRead, Retrieval, Step

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

KEPT_HEADERS = ("content-type",)
KEPT_HEADER_PREFIX = "x-rate-limit-"


@dataclass(frozen=True)
class Limits:
    """What one turn may keep (see the module docstring)."""

    max_body_bytes: int = 64 * 1024
    max_turn_bytes: int = 512 * 1024
    max_result_chars: int = 16 * 1024  # a tool result kept in a tool call
    max_text_chars: int = 8 * 1024  # the shopper's text, each reply
    max_requests: int = 200  # BigCommerce exchanges kept per turn (later ones pass unrecorded)


@dataclass
class ToolTiming:
    id: str
    name: str
    ms: float | None = None
    status: str = "ok"


@dataclass
class TurnCapture:
    """What the transport and the tools saw during one turn."""

    limits: Limits = field(default_factory=Limits)
    started: float = field(default_factory=time.perf_counter)
    exchanges: list[Exchange] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    retrievals: list[Retrieval] = field(default_factory=list)
    mirror_reads: list[MirrorRead] = field(default_factory=list)
    tools: dict[str, ToolTiming] = field(default_factory=dict)
    kept_bytes: int = 0
    truncated: bool = False

    def keep_body(self, raw: bytes, content_type: str) -> tuple[Any, str | None, bool, bool]:
        """(json, text, truncated, omitted) for a response body, within the limits."""
        if not raw.strip():
            return None, None, False, False
        if self.kept_bytes + min(len(raw), self.limits.max_body_bytes) > self.limits.max_turn_bytes:
            self.truncated = True
            return None, None, False, True
        if len(raw) > self.limits.max_body_bytes:
            self.truncated = True
            self.kept_bytes += self.limits.max_body_bytes
            return None, raw[: self.limits.max_body_bytes].decode("utf-8", "replace"), True, False
        self.kept_bytes += len(raw)
        if "json" in content_type:
            try:
                return json.loads(raw), None, False, False
            except ValueError:
                pass
        return None, raw.decode("utf-8", "replace"), False, False


_turn: ContextVar[TurnCapture | None] = ContextVar("bcagent_turn_capture", default=None)
_tool: ContextVar[tuple[str, str] | None] = ContextVar("bcagent_tool_call", default=None)


def current() -> TurnCapture | None:
    return _turn.get()


@contextmanager
def capturing(capture: TurnCapture | None) -> Iterator[TurnCapture | None]:
    """Attribute BigCommerce requests and tool timings in this block (and its tasks) to ``capture``."""
    token = _turn.set(capture)
    try:
        yield capture
    finally:
        _turn.reset(token)


@contextmanager
def tool_scope(name: str, call_id: str | None) -> Iterator[None]:
    """Inside a tool: its requests belong to this call, and its time is measured."""
    capture = _turn.get()
    if capture is None:
        yield
        return
    call_id = call_id or f"{name}-{len(capture.tools)}"
    timing = ToolTiming(call_id, name)
    capture.tools[call_id] = timing
    token = _tool.set((name, call_id))
    started = time.perf_counter()
    try:
        yield
    except BaseException as exc:
        # LangGraph's interrupt() raises GraphInterrupt: the tool waits for the shopper's answer.
        timing.status = "pending" if type(exc).__name__ == "GraphInterrupt" else "error"
        raise
    finally:
        timing.ms = round((time.perf_counter() - started) * 1000, 3)
        _tool.reset(token)


def note_retrieval(
    query: str, k: int, hits: list[tuple[int, float, str]], ms: float, error: str | None = None
) -> None:
    """A product-index search made during the turn (by the current tool), for replay without the index;
    ``error`` names what failed when the index could not be searched (the tool then searched live)."""
    capture = _turn.get()
    if capture is None:
        return
    tool = _tool.get()
    capture.retrievals.append(
        Retrieval(
            query=query[: capture.limits.max_text_chars],
            k=k,
            hits=[{"product_id": p, "score": round(s, 6), "name": n} for p, s, n in hits],
            ms=round(ms, 3),
            tool=tool[0] if tool else None,
            tool_call_id=tool[1] if tool else None,
            error=error,
        )
    )


def note_mirror_read(product_id: int, age_seconds: float, copy: Callable[[], dict[str, Any]]) -> None:
    """A product the current tool read from the catalog mirror (not the store), with its age; the copy
    (``copy()``, made only while a turn is recorded) is kept within the body limits (for replay), else
    left out."""
    capture = _turn.get()
    if capture is None:
        return
    tool = _tool.get()
    product = copy()
    size = len(json.dumps(product, default=str))
    kept: dict[str, Any] | None = product
    if size > capture.limits.max_body_bytes or capture.kept_bytes + size > capture.limits.max_turn_bytes:
        kept, capture.truncated = None, True
    else:
        capture.kept_bytes += size
    capture.mirror_reads.append(
        MirrorRead(
            product_id=product_id,
            age_seconds=round(age_seconds, 3),
            product=kept,
            tool=tool[0] if tool else None,
            tool_call_id=tool[1] if tool else None,
        )
    )


def timed(node: str, graph: str, function: F) -> F:
    """A graph node that, during a recorded turn, adds its running time to the turn's steps.

    The wrapper keeps the node's signature (``functools.wraps``), so LangGraph still injects the
    ``runtime`` / ``config`` the node asks for."""

    @functools.wraps(function)
    async def run(*args: Any, **kwargs: Any) -> Any:
        capture = _turn.get()
        if capture is None:
            return await function(*args, **kwargs)
        started = time.perf_counter()
        error = None
        try:
            return await function(*args, **kwargs)
        except BaseException as exc:
            if type(exc).__name__ != "GraphInterrupt":  # paused for a confirmation: not an error
                error = type(exc).__name__
            raise
        finally:
            now = time.perf_counter()
            capture.steps.append(
                Step(
                    node=node,
                    graph=graph,
                    started_ms=round((started - capture.started) * 1000, 3),
                    ms=round((now - started) * 1000, 3),
                    error=error,
                )
            )

    return run  # type: ignore[return-value]


def _store_path(path: str) -> str:
    """``/stores/abc/v2/orders/1`` -> ``/v2/orders/1`` (what the client's resources ask for)."""
    if path.startswith("/stores/"):
        rest = path.split("/", 3)
        return "/" + rest[3] if len(rest) > 3 else path
    return path


def _request_body(request: httpx.Request) -> Any:
    raw = request.content
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw[:1024].decode("utf-8", "replace")


class CapturingTransport(httpx.AsyncBaseTransport):
    """An httpx transport that records each exchange of the current turn (see the module docstring)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        capture = _turn.get()
        if capture is None:
            return await self.inner.handle_async_request(request)
        if len(capture.exchanges) >= capture.limits.max_requests:
            capture.truncated = True
            return await self.inner.handle_async_request(request)
        tool = _tool.get()
        exchange = Exchange(
            index=len(capture.exchanges),
            method=request.method,
            path=_store_path(request.url.path),
            query=[[k, v] for k, v in request.url.params.multi_items()],
            request_body=_request_body(request),
            tool=tool[0] if tool else None,
            tool_call_id=tool[1] if tool else None,
        )
        capture.exchanges.append(exchange)
        started = time.perf_counter()
        try:
            response = await self.inner.handle_async_request(request)
            raw = await response.aread()
        except BaseException as exc:
            exchange.ms = round((time.perf_counter() - started) * 1000, 3)
            exchange.error = type(exc).__name__
            raise
        exchange.ms = round((time.perf_counter() - started) * 1000, 3)
        exchange.status = response.status_code
        headers = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() in KEPT_HEADERS or k.lower().startswith(KEPT_HEADER_PREFIX)
        }
        exchange.headers = headers
        exchange.bytes = len(raw)
        body, text, truncated, omitted = capture.keep_body(raw, headers.get("content-type", ""))
        exchange.response, exchange.response_text = body, text
        exchange.truncated, exchange.omitted = truncated, omitted
        # ``aread`` decoded the body: hand the client a fresh response without Content-Encoding.
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]
        return httpx.Response(
            response.status_code,
            headers=kept,
            content=raw,
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def default_transport(max_connections: int = 8) -> httpx.AsyncBaseTransport:
    """The transport httpx would build for the store's client, to wrap."""
    return httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    )
