"""Expectations on a recording: what a turn must (not) do, written into the recording's header by
``bcagent replay expect FILE --turn N``, so the recording of a bad behaviour fails until it is fixed.

One entry per turn (1-based, the turn numbers ``replay show`` prints)::

    {"turn": 2, "reply_contains": ["cancelled"], "reply_excludes": ["shipped"],
     "tools": ["cancel_order:order_id=12346"], "no_tools": ["transfer_to_human"], "route": "order_management"}

Replies are matched case-insensitively (all the turn's replies joined); ``NAME:arg=value[,arg=value]``
needs a call of that tool whose arguments have those values (compared trimmed, case-insensitively).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..transcripts.records import ToolCallRecord, TurnRecord

ROUTES = ("order_management", "product_expert", "respond")
LISTS = ("reply_contains", "reply_excludes", "tools", "no_tools")


class ExpectationError(ValueError):
    """An expectation that cannot be written (an unknown tool, argument, route or turn)."""


@dataclass(frozen=True)
class ToolExpectation:
    name: str
    args: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> ToolExpectation:
        name, _, rest = text.partition(":")
        pairs: list[tuple[str, str]] = []
        for part in filter(None, (p.strip() for p in rest.split(","))):
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise ExpectationError(f"--tool {text!r}: write NAME or NAME:arg=value[,arg=value]")
            pairs.append((key.strip(), value.strip()))
        if not name.strip():
            raise ExpectationError(f"--tool {text!r}: the tool's name is missing")
        return cls(name.strip(), tuple(pairs))

    def matches(self, call: ToolCallRecord) -> bool:
        if call.name != self.name:
            return False
        return all(
            key in call.args and str(call.args[key]).strip().casefold() == value.casefold()
            for key, value in self.args
        )


def check_known(expectation: dict[str, Any], tool_arguments: dict[str, list[str]]) -> None:
    """ExpectationError when it names a tool, an argument or a route this build does not have."""
    for text in [*expectation.get("tools", []), *expectation.get("no_tools", [])]:
        wanted = ToolExpectation.parse(text)
        if wanted.name not in tool_arguments:
            raise ExpectationError(
                f"no tool {wanted.name!r}; the tools are {', '.join(sorted(tool_arguments))}"
            )
        for key, _ in wanted.args:
            if key not in tool_arguments[wanted.name]:
                raise ExpectationError(
                    f"the tool {wanted.name!r} has no argument {key!r}; it takes "
                    f"{', '.join(tool_arguments[wanted.name]) or '(none)'}"
                )
    route = expectation.get("route")
    if route is not None and route not in ROUTES:
        raise ExpectationError(f"--route must be one of {', '.join(ROUTES)}, not {route!r}")


def merge(existing: list[dict[str, Any]], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The expectations with ``new`` added to its turn's entry (lists extended, the route replaced)."""
    out = [dict(e) for e in existing]
    entry = next((e for e in out if e.get("turn") == new["turn"]), None)
    if entry is None:
        entry = {"turn": new["turn"]}
        out.append(entry)
    for key in LISTS:
        values = [*entry.get(key, []), *new.get(key, [])]
        if values:
            entry[key] = list(dict.fromkeys(values))
    if new.get("route"):
        entry["route"] = new["route"]
    return sorted(out, key=lambda e: int(e["turn"]))


def describe(expectation: dict[str, Any]) -> list[str]:
    """Each check of an entry, as a phrase ("reply contains 'cancelled'")."""
    out = [f"reply contains {v!r}" for v in expectation.get("reply_contains", [])]
    out += [f"reply excludes {v!r}" for v in expectation.get("reply_excludes", [])]
    out += [f"a {v} call" for v in expectation.get("tools", [])]
    out += [f"no {v} call" for v in expectation.get("no_tools", [])]
    if expectation.get("route"):
        out.append(f"route {expectation['route']}")
    return out


def _calls(turn: TurnRecord) -> str:
    return ", ".join(f"{c.name} {c.args}" for c in turn.tool_calls) or "no tool call"


def failures(expectation: dict[str, Any], turn: TurnRecord | None) -> list[tuple[str, str]]:
    """(what was expected, what happened) for each check ``turn`` fails; [] when it meets them all."""
    if turn is None:
        return [(f"turn {expectation.get('turn')}", "no such turn")]
    replies = "\n".join(turn.replies)
    folded = replies.casefold()
    shown = " ".join(replies.split())
    shown = shown if len(shown) <= 160 else shown[:157] + "..."
    out: list[tuple[str, str]] = []
    for value in expectation.get("reply_contains", []):
        if str(value).casefold() not in folded:
            out.append((f"reply contains {value!r}", f"reply {shown!r}"))
    for value in expectation.get("reply_excludes", []):
        if str(value).casefold() in folded:
            out.append((f"reply excludes {value!r}", f"reply {shown!r}"))
    for text in expectation.get("tools", []):
        if not any(ToolExpectation.parse(text).matches(c) for c in turn.tool_calls):
            out.append((f"a {text} call", _calls(turn)))
    for text in expectation.get("no_tools", []):
        if any(ToolExpectation.parse(text).matches(c) for c in turn.tool_calls):
            out.append((f"no {text} call", _calls(turn)))
    route = expectation.get("route")
    if route and route not in turn.routes:
        out.append((f"route {route}", f"route {', '.join(turn.routes) or '(none)'}"))
    return out
