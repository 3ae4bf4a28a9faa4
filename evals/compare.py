"""Comparing two runs (`bcagent eval compare OLD.json NEW.json`): the scenarios that flipped, the pass
rate per tag with its change and 95% intervals, and tool-call precision/recall by name and by
arguments, old against new.

Both sides are JSON reports (``--report``), which carry every scenario's trials. A scenario passes when
all its trials passed. The interval of a change is a paired bootstrap over the scenarios both runs ran
(resampled with replacement, 1,000 times, fixed seed), so the same two reports always give the same
figures.
"""

from __future__ import annotations

import json
import math
import random
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import trajectory

Report = dict[str, Any]


def is_report(data: Any) -> bool:
    """A JSON report (as opposed to a baseline of floors): it lists scenarios."""
    return isinstance(data, dict) and isinstance(data.get("scenarios"), list)


def load(path: Path) -> Report:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not is_report(data):
        raise ValueError(f"{path} is not an eval report (bcagent eval run --report FILE)")
    report: Report = data
    return report


def _rate(entry: dict[str, Any]) -> float:
    """The share of a scenario's trials that passed."""
    trials = entry.get("trials") or []
    return sum(1 for t in trials if t.get("passed")) / len(trials) if trials else float("nan")


def _interval(values: list[float], resamples: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    if not values:
        return math.nan, math.nan, math.nan
    rng = random.Random(seed)
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(resamples))
    return statistics.fmean(values), means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


@dataclass
class TagChange:
    tag: str
    old: tuple[float, float, float]  # rate, low, high
    new: tuple[float, float, float]
    change: tuple[float, float, float]  # over the scenarios both runs ran: mean change, low, high
    scenarios: int


@dataclass
class Comparison:
    to_fail: list[str] = field(default_factory=list)  # passed before, fails now
    to_pass: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # only in the new run
    removed: list[str] = field(default_factory=list)
    tags: list[TagChange] = field(default_factory=list)
    tools: dict[str, tuple[float, float]] = field(default_factory=dict)  # metric -> (old, new)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # new failures' checks

    def to_json(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, float) and math.isnan(value):
                return None
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [clean(v) for v in value]
            return value

        data = {
            "to_fail": self.to_fail,
            "to_pass": self.to_pass,
            "added": self.added,
            "removed": self.removed,
            "tags": [vars(t) for t in self.tags],
            "tools": self.tools,
            "failures": self.failures,
        }
        out: dict[str, Any] = clean(data)
        return out


def _tool_rates(report: Report) -> dict[str, float]:
    pairs = [
        (entry.get("expected_calls") or [], trial.get("calls") or [])
        for entry in report["scenarios"]
        for trial in entry.get("trials") or []
    ]
    return trajectory.rates(pairs)


def compare(old: Report, new: Report) -> Comparison:
    before = {e["id"]: e for e in old["scenarios"]}
    after = {e["id"]: e for e in new["scenarios"]}
    result = Comparison()
    for sid, entry in after.items():
        if sid not in before:
            result.added.append(sid)
        elif before[sid].get("passed") and not entry.get("passed"):
            result.to_fail.append(sid)
            result.failures[sid] = entry.get("failures") or entry.get("failed_checks") or []
        elif not before[sid].get("passed") and entry.get("passed"):
            result.to_pass.append(sid)
    result.removed = sorted(set(before) - set(after))
    tags = sorted({t for e in [*before.values(), *after.values()] for t in e.get("tags") or []})
    for tag in tags:
        olds = [_rate(e) for e in before.values() if tag in (e.get("tags") or [])]
        news = [_rate(e) for e in after.values() if tag in (e.get("tags") or [])]
        both = [
            _rate(after[s]) - _rate(before[s])
            for s in after
            if s in before and tag in (after[s].get("tags") or [])
        ]
        result.tags.append(TagChange(tag, _interval(olds), _interval(news), _interval(both), len(both)))
    old_tools, new_tools = _tool_rates(old), _tool_rates(new)
    result.tools = {m: (old_tools[m], new_tools[m]) for m in new_tools}
    return result


def _pct(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1%}"


def _signed(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value * 100:+.1f} pt"


def text(result: Comparison, changed_only: bool = False) -> str:
    lines = [
        f"{len(result.to_fail)} scenario(s) now fail, {len(result.to_pass)} now pass; "
        f"{len(result.added)} new, {len(result.removed)} gone"
    ]
    for sid in result.to_fail:
        lines.append(f"  pass -> FAIL  {sid}")
        for check in result.failures.get(sid, [])[:5]:
            lines.append(
                f"      {check.get('name')}: {check.get('actual') or check.get('detail') or ''}"[:240]
            )
    for sid in result.to_pass:
        lines.append(f"  fail -> pass  {sid}")
    lines.append("  tool calls (old -> new):")
    labels = {
        "precision": "precision by name",
        "recall": "recall by name",
        "precision_args": "precision by arguments",
        "recall_args": "recall by arguments",
    }
    for metric, (before, after) in result.tools.items():
        lines.append(f"    {labels[metric]:<24}{_pct(before):>7} -> {_pct(after):>7}")
    lines.append("  pass rate by tag (old -> new, change with its 95% interval over shared scenarios):")
    for tag in result.tags:
        moved = not math.isclose(tag.change[0], 0.0, abs_tol=1e-12) if not math.isnan(tag.change[0]) else True
        if changed_only and not moved:
            continue
        change = (
            f"{_signed(tag.change[0])} [{_signed(tag.change[1])}, {_signed(tag.change[2])}] "
            f"over {tag.scenarios}"
            if tag.scenarios
            else "no scenario in both runs"
        )
        lines.append(f"    {tag.tag:<24}{_pct(tag.old[0]):>7} -> {_pct(tag.new[0]):>7}   {change}")
    return "\n".join(lines)
