"""The httpx transports a replay runs on.

``RecordedTransport`` answers every request from the recording, matched by method, store-relative
path and query (in order): first the current turn's exchanges with that key, in the order they were
recorded (so a retried request gets the 500 then the 200 it got, and an order read before and after
its cancellation gets both states), then, once those are used up, the latest exchange with that key
anywhere in the recording. A request the recording does not hold is a divergence: it is answered
404 and noted, never sent anywhere. ``sent`` counts requests passed to a network transport (always 0
here; the replay reports it).

``ReadOnlyTransport`` (``--against live``) passes reads (GET, HEAD) to the real store and never sends
a write: a write the recording holds is answered from it (the cancel's PUT, so the conversation can go
on as recorded), any other write is refused (answered 403, and a divergence). Once a write to a path
has been answered from the recording, reads of that path that the recording holds are answered from
it too (the cancel's read-back sees the order as the recording left it, not the untouched live one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from ..transcripts.capture import _store_path
from ..transcripts.records import Exchange, request_key
from .recording import Recording

Key = tuple[str, str, tuple[tuple[str, str], ...]]
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Unanswered:
    """A request the replay could not answer as recorded (0-based turn index)."""

    turn: int
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    why: str

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''} ({self.why})"


def _key(request: httpx.Request) -> Key:
    return request_key(request.method, _store_path(request.url.path), list(request.url.params.multi_items()))


def _response(exchange: Exchange, request: httpx.Request) -> httpx.Response:
    if exchange.status is None:  # the recorded attempt failed to connect or timed out
        if exchange.error and "Timeout" in exchange.error:
            raise httpx.ReadTimeout("recorded timeout", request=request)
        raise httpx.ConnectError(f"recorded {exchange.error or 'connection error'}", request=request)
    headers = dict(exchange.headers)
    if exchange.response is not None:
        content = json.dumps(exchange.response).encode()
        headers.setdefault("content-type", "application/json")
    elif exchange.response_text is not None:
        content = exchange.response_text.encode()
    else:
        content = b""
    return httpx.Response(exchange.status, headers=headers, content=content, request=request)


def _refusal(status: int, title: str, request: httpx.Request) -> httpx.Response:
    body = json.dumps({"status": status, "title": title}).encode()
    return httpx.Response(status, headers={"content-type": "application/json"}, content=body, request=request)


class RecordedTransport(httpx.AsyncBaseTransport):
    """Answers from the recording only (see the module docstring)."""

    def __init__(self, recording: Recording) -> None:
        self.turn = 0
        self.unanswered: list[Unanswered] = []
        self.answered = 0
        self.sent = 0
        self._by_turn: list[dict[Key, list[Exchange]]] = []
        self._latest: dict[Key, Exchange] = {}
        for turn in recording.turns:
            keyed: dict[Key, list[Exchange]] = {}
            for exchange in turn.requests:
                keyed.setdefault(exchange.key(), []).append(exchange)
                self._latest[exchange.key()] = exchange
            self._by_turn.append(keyed)
        self._used: dict[Key, int] = {}
        self._current: list[dict[Key, list[Exchange]]] = self._by_turn[:1]

    def begin_turn(self, indexes: list[int]) -> None:
        """The recorded turns (0-based) the next requests belong to: one shopper action."""
        self.turn = indexes[0] if indexes else len(self._by_turn)
        self._current = [self._by_turn[i] for i in indexes if i < len(self._by_turn)]
        self._used = {}

    def recorded(self, key: Key) -> Exchange | None:
        own = [e for keyed in self._current for e in keyed.get(key, [])]
        used = self._used.get(key, 0)
        if used < len(own):
            self._used[key] = used + 1
            return own[used]
        return self._latest.get(key)

    def note(self, request: httpx.Request, why: str) -> None:
        method, path, query = _key(request)
        self.unanswered.append(Unanswered(self.turn, method, path, query, why))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        exchange = self.recorded(_key(request))
        if exchange is None:
            self.note(request, "not in the recording; answered 404, not sent")
            return _refusal(404, "Not in the recording (bcagent replay)", request)
        if exchange.truncated or exchange.omitted:
            self.note(request, "its response was cut from the recording; replayed incomplete")
        self.answered += 1
        return _response(exchange, request)


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """Reads go to the store; writes never do (see the module docstring)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, recording: Recording) -> None:
        self.inner = inner
        self.recorded_answers = RecordedTransport(recording)
        self.sent = 0
        self.writes_answered = 0
        self.answered = 0
        self._written: set[str] = set()

    @property
    def unanswered(self) -> list[Unanswered]:
        return self.recorded_answers.unanswered

    def begin_turn(self, indexes: list[int]) -> None:
        self.recorded_answers.begin_turn(indexes)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = _key(request)
        if request.method.upper() in READS:
            shadow = self.recorded_answers.recorded(key)  # keeps the recording's place either way
            if shadow is not None and key[1] in self._written:
                self.answered += 1
                return _response(shadow, request)
            self.sent += 1
            return await self.inner.handle_async_request(request)
        exchange = self.recorded_answers.recorded(key)
        if exchange is None:
            self.recorded_answers.note(
                request, "a write not in the recording; refused, never sent to the store"
            )
            return _refusal(403, "Replays never write to a live store (bcagent replay)", request)
        self.writes_answered += 1
        self.answered += 1
        self._written.add(key[1])
        return _response(exchange, request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts what reaches ``inner`` (``--against sandbox``: the in-process sandbox)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, recording: Recording) -> None:
        self.inner = inner
        self.sent = 0
        self.unanswered: list[Unanswered] = []

    def begin_turn(self, indexes: list[int]) -> None:
        return None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
