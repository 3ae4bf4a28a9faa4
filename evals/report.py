"""Reports: a terminal table, a JSON report and a self-contained HTML page with charts."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from .metrics import TrialResult


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def table(summary: dict[str, Any], results: list[TrialResult], load_errors: list[str]) -> str:
    lines = [f"{summary['scenarios']} scenarios x {summary['trials']} trial(s)"]
    for k, (mean, low, high) in summary["pass_hat_k"].items():
        lines.append(f"  pass^{k:<3} {_pct(mean):>7}   95% CI {_pct(low)} - {_pct(high)}")
    lines.append(
        f"  tool calls: precision {_pct(summary['tool_precision'])}, recall {_pct(summary['tool_recall'])}; "
        f"policy violations {_pct(summary['policy_violation_rate'])}, grounding {_pct(summary['grounding_violation_rate'])}"
    )
    lines.append(
        f"  LLM calls/turn {summary['llm_calls_per_turn']:.2f}; latency p50 {summary['latency_ms_p50']:.0f} ms, "
        f"p95 {summary['latency_ms_p95']:.0f} ms; errors {summary['errors']}"
    )
    lines.append(
        f"  facts not backed by a tool result (independent check): {summary.get('unbacked_facts', 0)}"
    )
    if summary.get("notes"):
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in summary["notes"].items()))
    if summary.get("input_tokens") or summary.get("output_tokens"):
        cost = f", cost ${summary['cost_usd']:.4f}" if summary.get("cost_usd") is not None else ""
        lines.append(f"  tokens: {summary['input_tokens']} in, {summary['output_tokens']} out{cost}")
    lines.append("  pass rate by tag:")
    for tag, rate in summary["pass_rate_by_tag"].items():
        lines.append(f"    {tag:<24}{_pct(rate):>7}")
    failures = [r for r in results if not r.passed]
    if failures:
        lines.append("  failed:")
        for result in failures:
            reasons = "; ".join(
                c["name"] + (f" ({c['detail']})" if c.get("detail") else "") for c in result.failed_checks()
            )
            lines.append(f"    {result.scenario} [trial {result.trial}]: {result.error or reasons}")
    for error in load_errors:
        lines.append(f"  not run: {error}")
    return "\n".join(lines)


def json_report(
    summary: dict[str, Any], results: list[TrialResult], load_errors: list[str]
) -> dict[str, Any]:
    def clean(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    scenarios: dict[str, dict[str, Any]] = {}
    for result in results:
        entry = scenarios.setdefault(
            result.scenario, {"id": result.scenario, "tags": result.tags, "trials": []}
        )
        entry["trials"].append(
            {
                "trial": result.trial,
                "passed": result.passed,
                "failed_checks": result.failed_checks(),
                "error": result.error,
            }
        )
    for entry in scenarios.values():
        entry["passed"] = all(t["passed"] for t in entry["trials"])
        entry["failed_checks"] = [c for t in entry["trials"] for c in t["failed_checks"]]
    report: dict[str, Any] = clean(
        {"summary": summary, "scenarios": list(scenarios.values()), "load_errors": load_errors}
    )
    return report


def _bars(rates: dict[str, float]) -> str:
    rows = []
    for i, (tag, rate) in enumerate(rates.items()):
        y = 10 + i * 22
        width = max(1, int(rate * 300))
        colour = "#2e7d32" if rate >= 0.9 else "#f9a825" if rate >= 0.7 else "#c62828"
        rows.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(tag)}</text>'
            f'<rect x="170" y="{y}" width="{width}" height="16" fill="{colour}"/>'
            f'<text x="{176 + width}" y="{y + 13}" font-size="12">{rate:.0%}</text>'
        )
    height = 20 + 22 * len(rates)
    return (
        f'<svg width="560" height="{height}" role="img" aria-label="pass rate by tag">{"".join(rows)}</svg>'
    )


def _histogram(latencies: list[float]) -> str:
    if not latencies:
        return "<p>no turns</p>"
    top = max(latencies)
    buckets = [0] * 20
    for value in latencies:
        buckets[min(19, int(value / top * 20)) if top else 0] += 1
    tallest = max(buckets)
    bars = "".join(
        f'<rect x="{i * 26}" y="{150 - int(c / tallest * 140)}" width="22" height="{int(c / tallest * 140)}" fill="#1565c0"/>'
        for i, c in enumerate(buckets)
    )
    return f'<svg width="540" height="170" role="img" aria-label="latency">{bars}<text x="0" y="168" font-size="11">0 ms</text><text x="470" y="168" font-size="11">{top * 1000:.0f} ms</text></svg>'


def html_report(summary: dict[str, Any], results: list[TrialResult]) -> str:
    latencies = [x for r in results for x in r.latencies]
    failures = []
    for result in results:
        if result.passed:
            continue
        checks = "".join(
            f"<li>{html.escape(c['name'])} {html.escape(c.get('detail', ''))}</li>"
            for c in result.failed_checks()
        )
        turns = "".join(
            f"<p><b>shopper:</b> {html.escape(t['user'])}<br><b>assistant:</b> {html.escape(' / '.join(t['replies']))}"
            f"<br><small>tools: {html.escape(', '.join(c['name'] for c in t['tool_calls']))}</small></p>"
            for t in result.transcript.get("turns", [])
        )
        failures.append(
            f"<details><summary>{html.escape(result.scenario)} (trial {result.trial})</summary><ul>{checks}</ul>{turns}{html.escape(result.error or '')}</details>"
        )
    pass1 = summary["pass_hat_k"]["1"][0]
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>bcagent eval report</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}details{{margin:.5em 0}}</style></head><body>
<h1>Eval report</h1><p>{summary["scenarios"]} scenarios, {summary["trials"]} trial(s); pass^1 {_pct(pass1)};
tool recall {_pct(summary["tool_recall"])}; policy violations {_pct(summary["policy_violation_rate"])};
latency p50 {summary["latency_ms_p50"]:.0f} ms, p95 {summary["latency_ms_p95"]:.0f} ms.</p>
<h2>Pass rate by tag</h2>{_bars(summary["pass_rate_by_tag"])}
<h2>Latency per turn</h2>{_histogram(latencies)}
<h2>Failures ({len(failures)})</h2>{"".join(failures) or "<p>none</p>"}
</body></html>"""


def write_reports(
    path_json: Path | None,
    path_html: Path | None,
    summary: dict[str, Any],
    results: list[TrialResult],
    load_errors: list[str],
) -> None:
    if path_json:
        path_json.write_text(
            json.dumps(json_report(summary, results, load_errors), indent=2), encoding="utf-8"
        )
    if path_html:
        path_html.write_text(html_report(summary, results), encoding="utf-8")
