"""A conversation as a timeline (``bcagent replay show``): each shopper message and its context, the
route, each tool call with its arguments and result (summarised, or whole with ``full``), the
BigCommerce requests under it with status and timing, the replies (and the reply the grounding guard
replaced), the confirmation asked and its answer, the steps' latency, the model and its tokens; between
the turns, the handoffs' events (``handoff_events``).
Colour only when asked (the CLI asks on a terminal)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..transcripts.facets import is_lockout, store_failures
from ..transcripts.records import Exchange, ToolCallRecord, TurnRecord
from .handoff_events import TimelineEvent, moment_of

SUMMARY_CHARS = 160
STYLES = {"head": "1;36", "dim": "2", "tool": "33", "ok": "32", "bad": "31", "guard": "35", "you": "1"}


class Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"\033[{STYLES[style]}m{text}\033[0m" if self.color else text


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def summarise(value: Any, limit: int = SUMMARY_CHARS) -> str:
    """A tool result in a line: its status and message first, then the rest, cut to ``limit``."""
    if isinstance(value, dict):
        head = [f"{k}={value[k]}" for k in ("status", "message") if k in value]
        rest = {k: v for k, v in value.items() if k not in ("status", "message")}
        text = " ".join(head + ([_json(rest)] if rest else []))
    else:
        text = value if isinstance(value, str) else _json(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _age(seconds: float) -> str:
    """How old a mirrored copy was: ``0.4 s``, ``42 s``, ``3 min``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _request(exchange: Exchange) -> str:
    query = "&".join(f"{k}={v}" for k, v in exchange.query)
    status = exchange.status if exchange.status is not None else (exchange.error or "no answer")
    kept = " truncated" if exchange.truncated else " omitted" if exchange.omitted else ""
    return f"{exchange.method} {exchange.path}{'?' + query if query else ''} -> {status} ({exchange.ms:.1f} ms, {exchange.bytes} B{kept})"


def _call(paint: Painter, turn: TurnRecord, call: ToolCallRecord, full: bool) -> list[str]:
    status_style = "ok" if call.status == "ok" else "bad" if call.status == "error" else "tool"
    took = f" ({call.ms:.1f} ms)" if call.ms is not None else ""
    lines = [
        f"  {paint('tool', 'tool ' + call.name)} {_json(call.args)} -> {paint(status_style, call.status)}{took}"
    ]
    if call.result is not None:
        if full:
            body = json.dumps(call.result, ensure_ascii=False, indent=2, sort_keys=True)
            lines += ["      " + line for line in ["result:", *body.splitlines()]]
        else:
            lines.append("      result: " + summarise(call.result))
    for read in turn.mirror_reads:
        if read.tool_call_id == call.id:
            lines.append(
                paint("dim", f"      mirror: product {read.product_id}, {_age(read.age_seconds)} old")
            )
    for index in call.requests:
        if index < len(turn.requests):
            exchange = turn.requests[index]
            lines.append(paint("dim", "      " + _request(exchange)))
            if full:
                if exchange.request_body is not None:
                    lines.append(paint("dim", "        sent: " + _json(exchange.request_body)))
                answer = exchange.response if exchange.response is not None else exchange.response_text
                if answer is not None:
                    lines.append(
                        paint(
                            "dim", "        got:  " + (answer if isinstance(answer, str) else _json(answer))
                        )
                    )
    return lines


def turn_lines(
    number: int, turn: TurnRecord, *, full: bool = False, paint: Painter | None = None
) -> list[str]:
    paint = paint or Painter(False)
    when = turn.started_at.replace("T", " ")[:19] + " UTC"
    model = turn.model
    tokens = f", {model.input_tokens}+{model.output_tokens} tokens" if model.llm_calls else ""
    head = (
        f"turn {number} · {when} · {turn.surface} · {turn.timings.total_ms:.0f} ms · "
        f"model {model.name} ({model.llm_calls} LLM call(s){tokens})"
    )
    lines = [paint("head", head)]
    if turn.kind == "confirmation":
        answer = turn.answer or {}
        said = f'"{turn.text}" ' if turn.text is not None else "(button) "
        yes = "yes" if answer.get("confirm") is True else "no"
        lines.append(
            f"  {paint('you', 'shopper answered')} {said}-> {yes} for order {answer.get('order_id')}"
        )
    else:
        lines.append(f"  {paint('you', 'shopper:')} {turn.text}")
    context = []
    if turn.verified_customer:
        customer = turn.verified_customer
        context.append(f"verified customer {customer.get('id')} <{customer.get('email')}>")
    if turn.product_id is not None:
        context.append(f"on product page {turn.product_id}")
    if context:
        lines.append(paint("dim", "  context: " + ", ".join(context)))
    if turn.routes:
        lines.append(f"  route: {', '.join(turn.routes)} ({turn.timings.routing_ms:.1f} ms)")
    for call in turn.tool_calls:
        lines += _call(paint, turn, call, full)
    unattributed = [e for e in turn.requests if e.tool_call_id is None]
    for exchange in unattributed:
        lines.append(paint("dim", "  " + _request(exchange)))
    for replaced in turn.grounding:
        lines.append(paint("guard", f"  guard replaced: {replaced.original!r}"))
        if replaced.unsupported:
            lines.append(paint("guard", f"      unsupported: {', '.join(replaced.unsupported)}"))
    for reply in turn.replies:
        lines.append(f"  {paint('ok', 'reply:')} {reply}")
    if turn.confirmation_asked:
        asked = turn.confirmation_asked
        lines.append(
            f"  {paint('tool', 'confirmation asked:')} order {asked.get('order_id')} (proposal {asked.get('proposal_id')})"
        )
    timings = turn.timings
    parts = [f"{s.graph}.{s.node} {s.ms:.1f} ms" for s in timings.steps]
    lines.append(
        paint(
            "dim",
            f"  latency: model {timings.model_ms:.1f} ms, tools {timings.tools_ms:.1f} ms "
            f"(BigCommerce {timings.bigcommerce_ms:.1f} ms), guard {timings.guard_ms:.1f} ms"
            + (f"; steps: {', '.join(parts)}" if parts else ""),
        )
    )
    if turn.error:
        lines.append(paint("bad", f"  error: {turn.error.get('type')}: {turn.error.get('message')}"))
    for failure in store_failures(turn):
        lines.append(paint("bad", f"  store error: {failure}"))
    if is_lockout(turn):
        lines.append(paint("bad", "  lockout: a tool refused further attempts in this conversation"))
    if turn.truncated:
        lines.append(paint("dim", "  (parts of this turn were cut to the transcript's limits)"))
    return lines


def render(
    turns: list[TurnRecord],
    *,
    full: bool = False,
    color: bool = False,
    events: Sequence[TimelineEvent] = (),
) -> str:
    """The timeline; ``events`` (handoffs, staff messages, deliveries) go after the turn they follow."""
    paint = Painter(color)
    if not turns:
        return ""
    first = turns[0]
    head = f"thread {first.thread_id} · store {first.store_hash} · {len(turns)} turn(s)"
    slowest = max(range(len(turns)), key=lambda i: turns[i].timings.total_ms)
    failed = [n for n, t in enumerate(turns, 1) if t.error or store_failures(t)]
    head += f" · slowest turn {slowest + 1} ({turns[slowest].timings.total_ms / 1000:.1f} s)"
    if failed:
        head += f" · errors in turn(s) {', '.join(map(str, failed))}"
    lines = [paint("head", head), ""]
    waiting = sorted(events, key=lambda e: e.moment)
    for number, turn in enumerate(turns, 1):
        lines += turn_lines(number, turn, full=full, paint=paint)
        following = moment_of(turns[number].started_at) if number < len(turns) else None
        while waiting and (following is None or waiting[0].moment < following):
            event = waiting.pop(0)
            lines.append(paint("tool", f"  {event.time.replace('T', ' ')[:19]} UTC · {event.text}"))
        lines.append("")
    return "\n".join(lines)
