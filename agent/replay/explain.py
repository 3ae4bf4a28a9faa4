"""Why a replayed turn diverged: the store answers that changed, and a one-line verdict.

For each turn, the BigCommerce exchanges of the recording and of the replay are paired by request
(method, store-relative path, query; the n-th recorded with the n-th replayed), and each pair whose
status or JSON body differs is shown as a field-level diff::

    GET /v3/catalog/products/1/variants: data[3].inventory_level 14 -> 0

Requests made on one side only are listed too. The verdict:

- **the store changed**: some answer differs, and the assistant asked the same things up to it (same
  route, same tool calls with the same arguments, the same requests) -- its behaviour after that
  follows from the new answer;
- **the assistant changed**: the store gave the same answers to every request both made, but the
  assistant behaved differently (another route, other calls or arguments, other requests, another
  reply);
- **both**: an answer differs and the assistant already behaved differently before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..transcripts.records import Exchange, TurnRecord

STORE, ASSISTANT, BOTH = (
    "the store changed",
    "the assistant changed",
    "both the store and the assistant changed",
)
MAX_FIELDS = 8


def _leaf(value: Any) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else repr(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def json_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Field-level differences: ``data[3].inventory_level 14 -> 0``; ``(absent)`` for a missing field."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in old:
                out.append(f"{where} (absent) -> {_leaf(new[key])}")
            elif key not in new:
                out.append(f"{where} {_leaf(old[key])} -> (absent)")
            else:
                out += json_diff(old[key], new[key], where)
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for index in range(max(len(old), len(new))):
            where = f"{path}[{index}]"
            if index >= len(old):
                out.append(f"{where} (absent) -> {_leaf(new[index])}")
            elif index >= len(new):
                out.append(f"{where} {_leaf(old[index])} -> (absent)")
            else:
                out += json_diff(old[index], new[index], where)
        return out
    if old != new:
        return [f"{path or '(body)'} {_leaf(old)} -> {_leaf(new)}"]
    return []


def _request(exchange: Exchange) -> str:
    query = "&".join(f"{k}={v}" for k, v in exchange.query)
    return f"{exchange.method} {exchange.path}{'?' + query if query else ''}"


def _body(exchange: Exchange) -> Any:
    return exchange.response if exchange.response is not None else exchange.response_text


def exchange_diff(was: Exchange, now: Exchange) -> list[str]:
    """The differences of one request's answers (status first, then the body's fields)."""
    out: list[str] = []
    if was.status != now.status:
        out.append(
            f"status {was.status if was.status is not None else was.error} -> "
            f"{now.status if now.status is not None else now.error}"
        )
    fields = json_diff(_body(was), _body(now))
    if len(fields) > MAX_FIELDS:
        fields = [*fields[:MAX_FIELDS], f"... and {len(fields) - MAX_FIELDS} more field(s)"]
    return out + fields


@dataclass
class TurnExplanation:
    turn: int  # 1-based
    verdict: str
    store: list[str] = field(default_factory=list)  # "GET /v2/orders/1: status 'Shipped' -> 'Cancelled'"

    def lines(self) -> list[str]:
        return [f"turn {self.turn}: why: {self.verdict}", *(f"    {line}" for line in self.store)]


def _paired(recorded: TurnRecord, now: TurnRecord) -> tuple[list[tuple[Exchange, Exchange]], list[str]]:
    """Exchanges paired by request, and lines for those made on one side only."""
    waiting: dict[Any, list[Exchange]] = {}
    for exchange in now.requests:
        waiting.setdefault(exchange.key(), []).append(exchange)
    pairs: list[tuple[Exchange, Exchange]] = []
    only: list[str] = []
    for exchange in recorded.requests:
        queue = waiting.get(exchange.key())
        if queue:
            pairs.append((exchange, queue.pop(0)))
        else:
            only.append(f"{_request(exchange)}: made when recorded, not now")
    for queue in waiting.values():
        only += [f"{_request(e)}: made now, not when recorded" for e in queue]
    return pairs, only


def _calls(turn: TurnRecord, upto: int | None = None) -> list[tuple[str, str]]:
    calls = turn.tool_calls if upto is None else turn.tool_calls[: upto + 1]
    return [(c.name, json.dumps(c.args, sort_keys=True)) for c in calls]


def explain_turn(number: int, recorded: TurnRecord, now: TurnRecord) -> TurnExplanation:
    pairs, only = _paired(recorded, now)
    store: list[str] = []
    first_changed: Exchange | None = None
    for was, is_ in pairs:
        diff = exchange_diff(was, is_)
        if diff:
            first_changed = first_changed or was
            store += [f"{_request(was)}: {line}" for line in diff]
    same_route = recorded.routes == now.routes
    if first_changed is None:
        return TurnExplanation(number, f"{ASSISTANT} (the same store answers, different behaviour)", only)
    # did the assistant ask the same things up to the first changed answer?
    position = next(
        (i for i, c in enumerate(recorded.tool_calls) if c.id == first_changed.tool_call_id), None
    )
    same_calls = _calls(recorded, position) == _calls(now, position)
    earlier = recorded.requests[: first_changed.index]
    same_requests = [e.key() for e in earlier] == [e.key() for e in now.requests[: len(earlier)]]
    verdict = STORE if same_route and same_calls and same_requests else BOTH
    return TurnExplanation(number, verdict, store + only)


def explain(
    recorded: list[list[TurnRecord]], now: list[list[TurnRecord]], turns: set[int]
) -> list[TurnExplanation]:
    """Explanations for the turns (1-based) in ``turns``, paired as the comparison pairs them."""
    out: list[TurnExplanation] = []
    number = 0
    for was_group, now_group in zip(recorded, now, strict=True):
        for index, was in enumerate(was_group):
            number += 1
            if number in turns and index < len(now_group):
                out.append(explain_turn(number, was, now_group[index]))
    return out
