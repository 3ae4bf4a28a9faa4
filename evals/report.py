"""Reports: the terminal table and the JSON report (the HTML page and the files: ``report_html``).

Failures are grouped once per scenario, each failed check with the trials it failed in and what it
expected against what happened."""

from __future__ import annotations

import math
from typing import Any

from .metrics import TrialResult


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def grouped_failures(results: list[TrialResult]) -> dict[str, list[dict[str, Any]]]:
    """Per failed scenario, each failed check once, with the trials it failed in (first trial's
    expected and actual shown)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for result in sorted(results, key=lambda r: (r.scenario, r.trial)):
        if result.passed:
            continue
        checks = result.failed_checks() or [{"name": "the conversation ran", "detail": result.error or ""}]
        if result.error and not any(c["name"] == "the conversation ran" for c in checks):
            checks = [{"name": "the conversation ran", "detail": result.error}, *checks]
        for check in checks:
            entry = out.setdefault(result.scenario, {}).setdefault(
                check["name"],
                {
                    "name": check["name"],
                    "detail": check.get("detail", ""),
                    "expected": check.get("expected", ""),
                    "actual": check.get("actual", ""),
                    "policy": check.get("policy", False),
                    "trials": [],
                },
            )
            entry["trials"].append(result.trial)
    return {sid: list(checks.values()) for sid, checks in out.items()}


def trials_text(failed: list[int], trials: int) -> str:
    """ "failed in 2 of 3 trials (0, 2)"."""
    return f"failed in {len(failed)} of {trials} trial(s) ({', '.join(map(str, failed))})"


def headline(summary: dict[str, Any], load_errors: list[str]) -> str:
    """The first line: how much ran, and, when scenarios did not, how many of how many."""
    line = f"{summary['scenarios']} scenarios x {summary['trials']} trial(s)"
    if load_errors:
        total = summary["scenarios"] + len(load_errors)
        line += (
            f"; INCOMPLETE: {len(load_errors)} of {total} not run (listed below), the figures cover the rest"
        )
    return line


def _one_line(text: str, width: int = 160) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def table(summary: dict[str, Any], results: list[TrialResult], load_errors: list[str]) -> str:
    lines = [headline(summary, load_errors)]
    for k, (mean, low, high) in summary["pass_hat_k"].items():
        lines.append(f"  pass^{k:<3} {_pct(mean):>7}   95% CI {_pct(low)} - {_pct(high)}")
    lines.append(
        f"  tool calls: precision {_pct(summary['tool_precision'])}, recall {_pct(summary['tool_recall'])} by name; "
        f"{_pct(summary.get('tool_precision_args', math.nan))}, {_pct(summary.get('tool_recall_args', math.nan))} by arguments"
    )
    lines.append(
        f"  policy violations {_pct(summary['policy_violation_rate'])}, grounding {_pct(summary['grounding_violation_rate'])}"
    )
    lines.append(
        f"  LLM calls/turn {summary['llm_calls_per_turn']:.2f}; latency p50 {summary['latency_ms_p50']:.0f} ms, "
        f"p95 {summary['latency_ms_p95']:.0f} ms; errors {summary['errors']}"
    )
    lines.append(
        f"  facts not backed by a tool result (independent check): {summary.get('unbacked_facts', 0)}"
    )
    if summary.get("turns"):
        dead = summary.get("dead_end_turns", 0)
        lines.append(
            f"  turns ending with neither help nor a person offered: {dead} of {summary['turns']} "
            f"({_pct(dead / summary['turns'])}; evals/dead_ends.py)"
        )
    rubric = summary.get("rubric") or {}
    if any(rubric.values()):
        lines.append(
            f"  rubric (LLM judge, apart from pass/fail): {rubric.get('met', 0)} met, "
            f"{rubric.get('not met', 0)} not met, {rubric.get('not graded', 0)} not graded"
        )
    if summary.get("notes"):
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in summary["notes"].items()))
    if summary.get("input_tokens") or summary.get("output_tokens"):
        cost = f", cost ${summary['cost_usd']:.4f}" if summary.get("cost_usd") is not None else ""
        lines.append(f"  tokens: {summary['input_tokens']} in, {summary['output_tokens']} out{cost}")
    lines.append("  pass rate by tag:")
    for tag, rate in summary["pass_rate_by_tag"].items():
        lines.append(f"    {tag:<24}{_pct(rate):>7}")
    failures = grouped_failures(results)
    trials = {r.scenario: 0 for r in results}
    for r in results:
        trials[r.scenario] += 1
    if failures:
        lines.append("  failed:")
        for sid, checks in failures.items():
            lines.append(f"    {sid}:")
            for check in checks:
                lines.append(
                    f"      {check['name']} [{trials_text(check['trials'], trials[sid])}]"
                    + (f" ({_one_line(check['detail'])})" if check["detail"] else "")
                )
                if check["expected"] or check["actual"]:
                    lines.append(f"        expected: {_one_line(check['expected'])}")
                    lines.append(f"        actual:   {_one_line(check['actual'])}")
    for error in load_errors:
        lines.append(f"  not run: {error}")
    return "\n".join(lines)


def _latency_ms(values: list[float]) -> float | None:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2] * 1000, 1) if ordered else None


def json_report(
    summary: dict[str, Any], results: list[TrialResult], load_errors: list[str]
) -> dict[str, Any]:
    """The summary, and every scenario with its trials (passed, failed checks, calls with arguments,
    latency, rubric): what ``bcagent eval compare`` and ``--baseline REPORT.json`` read."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    scenarios: dict[str, dict[str, Any]] = {}
    for result in sorted(results, key=lambda r: (r.scenario, r.trial)):
        entry = scenarios.setdefault(
            result.scenario,
            {
                "id": result.scenario,
                "tags": result.tags,
                "expected_calls": result.expected_calls,
                "trials": [],
            },
        )
        entry["trials"].append(
            {
                "trial": result.trial,
                "passed": result.passed,
                "failed_checks": result.failed_checks(),
                "error": result.error,
                "calls": result.calls,
                "latency_ms_p50": _latency_ms(result.latencies),
                "rubric": result.rubric,
            }
        )
    failures = grouped_failures(results)
    for entry in scenarios.values():
        entry["passed"] = all(t["passed"] for t in entry["trials"])
        entry["passes"] = sum(1 for t in entry["trials"] if t["passed"])
        entry["failed_checks"] = [c for t in entry["trials"] for c in t["failed_checks"]]
        entry["failures"] = failures.get(entry["id"], [])
    report: dict[str, Any] = clean(
        {"summary": summary, "scenarios": list(scenarios.values()), "load_errors": load_errors}
    )
    return report
