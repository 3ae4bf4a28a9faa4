"""Metrics over graded trials: pass^k with bootstrap confidence intervals, per-tag pass rates, tool-call
precision and recall (by name and by arguments), rubric verdicts, violation rates, LLM calls per turn
and latency."""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import trajectory
from .dead_ends import dead_ends


@dataclass
class TrialResult:
    scenario: str
    trial: int
    tags: list[str]
    passed: bool
    checks: list[dict[str, Any]]
    turns: int
    llm_calls: int
    latencies: list[float]
    expected_tools: list[str]
    called_tools: list[str]
    error: str | None = None
    transcript: dict[str, Any] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    unbacked_facts: list[str] = field(
        default_factory=list
    )  # ``facts.unbacked_facts``: independent of the guard
    notes: dict[str, int] = field(
        default_factory=dict
    )  # per kind: safety_net, model_error:*, grounding_replaced...
    expected_calls: list[dict[str, Any]] = field(default_factory=list)  # the scenario's tool_calls
    calls: list[dict[str, Any]] = field(default_factory=list)  # every call made, with its arguments
    rubric: list[dict[str, Any]] = field(default_factory=list)  # statement, verdict, reason (apart)

    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if not c["passed"]]


def pass_hat_k(passes: int, trials: int, k: int) -> float:
    """The chance that k trials drawn from this scenario's n all pass: C(c, k) / C(n, k)."""
    if trials < k:
        return float("nan")
    return math.comb(passes, k) / math.comb(trials, k)


def _by_scenario(results: list[TrialResult]) -> dict[str, list[bool]]:
    grouped: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        grouped[result.scenario].append(result.passed)
    return grouped


def pass_at(
    results: list[TrialResult], k: int, resamples: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """pass^k over scenarios, with a 95% bootstrap interval (scenarios resampled with replacement)."""
    values = [pass_hat_k(sum(v), len(v), k) for v in _by_scenario(results).values() if len(v) >= k]
    if not values:
        return float("nan"), float("nan"), float("nan")
    rng = random.Random(seed)
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(resamples))
    return statistics.fmean(values), means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def _sum_notes(results: list[TrialResult]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for result in results:
        for kind, count in result.notes.items():
            total[kind] += count
    return dict(sorted(total.items()))


def rubric_counts(results: list[TrialResult]) -> dict[str, int]:
    """How many rubric statements an LLM judged met, not met, or could not grade (offline)."""
    counts = {"met": 0, "not met": 0, "not graded": 0}
    for result in results:
        for item in result.rubric:
            counts[str(item.get("verdict", "not graded"))] = counts.get(str(item.get("verdict")), 0) + 1
    return counts


def summarize(
    results: list[TrialResult], trials: int, prices: tuple[float, float] | None = None
) -> dict[str, Any]:
    """Everything the reports show; ``prices`` = (USD per 1M input tokens, per 1M output tokens)."""
    tags: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        for tag in result.tags:
            tags[tag].append(result.passed)
    expected = sum(len(set(r.expected_tools)) for r in results if r.expected_tools)
    hits = sum(len(set(r.expected_tools) & set(r.called_tools)) for r in results if r.expected_tools)
    called = sum(len(set(r.called_tools)) for r in results if r.expected_tools)
    turns = sum(r.turns for r in results)
    latencies = sorted(x for r in results for x in r.latencies)
    policy = [any(not c["passed"] for c in r.checks if c.get("policy")) for r in results]
    grounding = [
        any(not c["passed"] for c in r.checks if c["name"] == "policy: grounded figures") for r in results
    ]
    by_args = trajectory.rates((r.expected_calls, r.calls) for r in results)
    return {
        "scenarios": len(_by_scenario(results)),
        "trials": trials,
        "pass_hat_k": {str(k): pass_at(results, k) for k in range(1, trials + 1)},
        "pass_rate_by_tag": {tag: sum(v) / len(v) for tag, v in sorted(tags.items())},
        "tool_precision": hits / called if called else float("nan"),
        "tool_recall": hits / expected if expected else float("nan"),
        "tool_precision_args": by_args["precision_args"],
        "tool_recall_args": by_args["recall_args"],
        "rubric": rubric_counts(results),
        "policy_violation_rate": sum(policy) / len(policy) if policy else 0.0,
        "grounding_violation_rate": sum(grounding) / len(grounding) if grounding else 0.0,
        "llm_calls_per_turn": (sum(r.llm_calls for r in results) / turns) if turns else 0.0,
        "latency_ms_p50": latencies[len(latencies) // 2] * 1000 if latencies else float("nan"),
        "latency_ms_p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000
        if latencies
        else float("nan"),
        "errors": sum(1 for r in results if r.error),
        "unbacked_facts": sum(len(r.unbacked_facts) for r in results),
        "dead_end_turns": dead_ends(r.transcript for r in results)[0],  # evals/dead_ends.py
        "turns": turns,
        "notes": _sum_notes(results),
        "input_tokens": sum(r.input_tokens for r in results),
        "output_tokens": sum(r.output_tokens for r in results),
        "cost_usd": (
            sum(r.input_tokens for r in results) * prices[0] / 1e6
            + sum(r.output_tokens for r in results) * prices[1] / 1e6
            if prices
            else None
        ),
    }
