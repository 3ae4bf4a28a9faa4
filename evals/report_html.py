"""The HTML report: one self-contained page (no network) a developer can debug a run with.

The summary (pass^1..k with intervals, tool precision/recall by name and by arguments, violations,
latency, rubric verdicts), pass rate by tag and latency charts, a per-scenario table, the failures once
per scenario with expected against actual, and every conversation: what the shopper said, the route,
each tool call with its arguments and its result's status, the replies. Filters by tag, outcome and
text are a few lines of inline JavaScript; without it everything is simply shown.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from .metrics import TrialResult
from .report import grouped_failures, headline, json_report, trials_text

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;max-width:1200px;margin:1.5em auto;padding:0 1em;color:#1b1b1b}
h1{margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.warn{color:#b26a00;font-weight:600}
.banner{background:#fdecea;border:1px solid #c62828;padding:.5em 1em;margin:.5em 0}
.filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;z-index:1}
.filters label{margin-right:1em}
.turn{margin:.4em 0 .8em;padding-left:.6em;border-left:3px solid #ddd}
.user{background:#eef3fb;padding:2px 6px;border-radius:4px;display:inline-block}
.reply{background:#f3f8ef;padding:2px 6px;border-radius:4px;margin:2px 0;white-space:pre-wrap}
.call{font-family:ui-monospace,monospace;font-size:12px;margin:1px 0}
.route{font-size:11px;background:#eee;border-radius:3px;padding:0 4px;margin-left:.4em}
.check{margin:.3em 0 .6em}pre{white-space:pre-wrap;margin:2px 0;background:#fafafa;padding:3px 6px;font-size:12px}
details{margin:.3em 0}summary{cursor:pointer}.tags{color:#666;font-size:12px}
.hidden{display:none}
"""

SCRIPT = """
function applyFilters(){
  var tag=document.getElementById('f-tag').value, out=document.getElementById('f-outcome').value,
      q=document.getElementById('f-text').value.toLowerCase(), shown=0;
  document.querySelectorAll('[data-sid]').forEach(function(el){
    var ok=(!tag||(' '+el.dataset.tags+' ').indexOf(' '+tag+' ')>=0)&&(!out||el.dataset.outcome===out)
      &&(!q||el.dataset.sid.toLowerCase().indexOf(q)>=0);
    el.classList.toggle('hidden',!ok); if(ok&&el.tagName==='TR')shown++;
  });
  document.getElementById('f-count').textContent=shown+' scenario(s)';
}
document.addEventListener('DOMContentLoaded',function(){
  ['f-tag','f-outcome','f-text'].forEach(function(id){document.getElementById(id).addEventListener('input',applyFilters)});
  applyFilters();
});
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _pct(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1%}"


def _anchor(sid: str) -> str:
    return "s-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in sid)


def _bars(rates: dict[str, float]) -> str:
    rows = []
    for i, (tag, rate) in enumerate(rates.items()):
        y = 10 + i * 22
        width = max(1, int(rate * 300))
        colour = "#2e7d32" if rate >= 0.9 else "#f9a825" if rate >= 0.7 else "#c62828"
        rows.append(
            f'<text x="0" y="{y + 13}" font-size="12">{_e(tag)}</text>'
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
        f'<rect x="{i * 26}" y="{150 - int(c / tallest * 140)}" width="22" '
        f'height="{int(c / tallest * 140)}" fill="#1565c0"><title>{c} turn(s)</title></rect>'
        for i, c in enumerate(buckets)
    )
    return (
        f'<svg width="540" height="170" role="img" aria-label="latency">{bars}'
        f'<text x="0" y="168" font-size="11">0 ms</text>'
        f'<text x="470" y="168" font-size="11">{top * 1000:.0f} ms</text></svg>'
    )


def _summary(summary: dict[str, Any], load_errors: list[str]) -> str:
    rows = "".join(
        f"<tr><td>pass^{_e(k)}</td><td class=n>{_pct(mean)}</td><td class=n>{_pct(low)} – {_pct(high)}</td></tr>"
        for k, (mean, low, high) in summary["pass_hat_k"].items()
    )
    rubric = summary.get("rubric") or {}
    metrics = [
        (
            "tool precision / recall by name",
            f"{_pct(summary['tool_precision'])} / {_pct(summary['tool_recall'])}",
        ),
        (
            "tool precision / recall by arguments",
            f"{_pct(summary.get('tool_precision_args'))} / {_pct(summary.get('tool_recall_args'))}",
        ),
        ("policy violations", _pct(summary["policy_violation_rate"])),
        ("grounding violations", _pct(summary["grounding_violation_rate"])),
        (
            "latency per turn p50 / p95",
            f"{summary['latency_ms_p50']:.0f} ms / {summary['latency_ms_p95']:.0f} ms",
        ),
        ("LLM calls per turn", f"{summary['llm_calls_per_turn']:.2f}"),
        ("errors (did not run to the end)", str(summary["errors"])),
        ("facts not backed by a tool result", str(summary.get("unbacked_facts", 0))),
        (
            "turns ending with neither help nor a person offered",
            f"{summary.get('dead_end_turns', 0)} of {summary.get('turns', 0)}",
        ),
        (
            "rubric (LLM judge, apart from pass/fail)",
            f"{rubric.get('met', 0)} met, {rubric.get('not met', 0)} not met, {rubric.get('not graded', 0)} not graded",
        ),
    ]
    banner = ""
    if load_errors:
        items = "".join(f"<li>{_e(error)}</li>" for error in load_errors)
        banner = f'<div class="banner"><b>{_e(headline(summary, load_errors))}</b><ul>{items}</ul></div>'
    return (
        f"{banner}<p>{_e(headline(summary, []))}; model <b>{_e(summary.get('model', '?'))}</b>; "
        f"{_e(summary.get('seconds', '?'))} s</p>"
        f"<table><tr><th>metric</th><th>value</th><th>95% interval</th></tr>{rows}"
        + "".join(f"<tr><td>{_e(a)}</td><td class=n colspan=2>{_e(b)}</td></tr>" for a, b in metrics)
        + "</table>"
    )


def _by_scenario(results: list[TrialResult]) -> dict[str, list[TrialResult]]:
    grouped: dict[str, list[TrialResult]] = {}
    for result in sorted(results, key=lambda r: (r.scenario, r.trial)):
        grouped.setdefault(result.scenario, []).append(result)
    return grouped


def _attrs(sid: str, trials: list[TrialResult]) -> str:
    outcome = "pass" if all(t.passed for t in trials) else "fail"
    return f'data-sid="{_e(sid)}" data-tags="{_e(" ".join(trials[0].tags))}" data-outcome="{outcome}"'


def _scenario_table(grouped: dict[str, list[TrialResult]]) -> str:
    rows = []
    for sid, trials in grouped.items():
        passes = sum(t.passed for t in trials)
        latencies = sorted(x for t in trials for x in t.latencies)
        p50 = f"{latencies[len(latencies) // 2] * 1000:.0f}" if latencies else "–"
        tools = Counter(c["name"] for t in trials for c in t.calls)  # each call once (see conversation_calls)
        if not any(t.calls for t in trials):
            tools = Counter(name for t in trials for name in t.called_tools)
        shown = ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in sorted(tools.items())) or "–"
        mark = "pass" if passes == len(trials) else "fail"
        rows.append(
            f"<tr {_attrs(sid, trials)}><td><a href='#{_anchor(sid)}'>{_e(sid)}</a></td>"
            f"<td class=tags>{_e(', '.join(trials[0].tags))}</td><td class=n>{len(trials)}</td>"
            f"<td class='n {mark}'>{passes}/{len(trials)}</td><td class=n>{p50}</td><td>{_e(shown)}</td></tr>"
        )
    return (
        "<table><tr><th>scenario</th><th>tags</th><th>trials</th><th>passed</th><th>latency p50 (ms)</th>"
        f"<th>tools called (all trials)</th></tr>{''.join(rows)}</table>"
    )


def _failure_block(sid: str, checks: list[dict[str, Any]], trials: int) -> str:
    items = []
    for check in checks:
        kind = " (policy)" if check.get("policy") else ""
        body = f"<div class=check><b>{_e(check['name'])}</b>{kind} <span class=fail>{_e(trials_text(check['trials'], trials))}</span>"
        if check.get("detail"):
            body += f"<pre>{_e(check['detail'])}</pre>"
        if check.get("expected") or check.get("actual"):
            body += f"<div>expected:</div><pre>{_e(check['expected'])}</pre><div>actual:</div><pre>{_e(check['actual'])}</pre>"
        items.append(body + "</div>")
    return "".join(items)


def _status(result: Any) -> str:
    if isinstance(result, dict):
        return str(result.get("status") or ("raw" if "raw" in result else "?"))
    return "?"


def _turn(turn: dict[str, Any]) -> str:
    results: dict[str, list[Any]] = {}
    for item in turn.get("tool_results") or []:
        results.setdefault(str(item.get("name")), []).append(item.get("result"))
    seen: Counter[str] = Counter()
    calls = []
    for call in turn.get("tool_calls") or []:
        name = str(call.get("name"))
        answers = results.get(name, [])
        status = _status(answers[seen[name]]) if seen[name] < len(answers) else "no result"
        seen[name] += 1
        args = json.dumps(call.get("args") or {}, ensure_ascii=False, sort_keys=True)
        tone = "pass" if status == "ok" else "warn"
        calls.append(f"<div class=call>→ {_e(name)}({_e(args)}) <span class={tone}>{_e(status)}</span></div>")
    routes = "".join(f"<span class=route>{_e(r)}</span>" for r in turn.get("routes") or [])
    replies = "".join(f"<div class=reply>{_e(r)}</div>" for r in turn.get("replies") or [])
    pending = turn.get("confirmation")
    asked = (
        f"<div class=call>asks to confirm: {_e(json.dumps(pending, default=str))}</div>" if pending else ""
    )
    seconds = turn.get("seconds") or 0
    return (
        f"<div class=turn><span class=user>{_e(turn.get('user', ''))}</span>{routes}"
        f" <small>{seconds * 1000:.0f} ms</small>{''.join(calls)}{replies or '<div class=reply>(no reply)</div>'}{asked}</div>"
    )


def _conversation(sid: str, trials: list[TrialResult], failures: list[dict[str, Any]]) -> str:
    passed = all(t.passed for t in trials)
    mark = "<span class=pass>pass</span>" if passed else "<span class=fail>FAIL</span>"
    parts = [f"<p class=tags>tags: {_e(', '.join(trials[0].tags))}</p>"]
    if failures:
        parts.append(_failure_block(sid, failures, len(trials)))
    for trial in trials:
        verdict = "pass" if trial.passed else "FAIL"
        turns = "".join(_turn(t) for t in trial.transcript.get("turns", []))
        error = f"<pre class=fail>{_e(trial.error)}</pre>" if trial.error else ""
        rubric = "".join(
            f"<div>rubric: {_e(r['statement'])}: <b>{_e(r['verdict'])}</b> {_e(r.get('reason', ''))}</div>"
            for r in trial.rubric
        )
        parts.append(
            f"<details {'open' if not trial.passed else ''}><summary>trial {trial.trial}: "
            f"<span class={'pass' if trial.passed else 'fail'}>{verdict}</span></summary>{error}{turns}{rubric}</details>"
        )
    return (
        f"<details class=conv id='{_anchor(sid)}' {_attrs(sid, trials)} {'' if passed else 'open'}>"
        f"<summary>{mark} <b>{_e(sid)}</b> ({sum(t.passed for t in trials)}/{len(trials)})</summary>"
        f"{''.join(parts)}</details>"
    )


def _filters(tags: list[str]) -> str:
    options = "".join(f"<option value='{_e(t)}'>{_e(t)}</option>" for t in tags)
    return (
        "<div class=filters><label>tag <select id=f-tag><option value=''>all</option>"
        f"{options}</select></label><label>outcome <select id=f-outcome><option value=''>all</option>"
        "<option value=fail>failed</option><option value=pass>passed</option></select></label>"
        "<label>scenario <input id=f-text placeholder='id contains…'></label><span id=f-count></span></div>"
    )


def html_report(
    summary: dict[str, Any], results: list[TrialResult], load_errors: list[str] | None = None
) -> str:
    errors = load_errors or []
    grouped = _by_scenario(results)
    failures = grouped_failures(results)
    latencies = [x for r in results for x in r.latencies]
    tags = sorted({t for r in results for t in r.tags})
    failed = [sid for sid in grouped if sid in failures]
    failure_list = "".join(
        f"<li><a href='#{_anchor(sid)}'>{_e(sid)}</a>: {_e('; '.join(c['name'] for c in failures[sid]))}</li>"
        for sid in failed
    )
    conversations = "".join(
        _conversation(sid, trials, failures.get(sid, [])) for sid, trials in grouped.items()
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bcagent eval report</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>{STYLE}</style><script>{SCRIPT}</script></head><body>
<h1>Eval report</h1>{_summary(summary, errors)}
<h2>Pass rate by tag</h2>{_bars(summary["pass_rate_by_tag"])}
<h2>Latency per turn</h2>{_histogram(latencies)}
<h2>Failed scenarios ({len(failed)} of {len(grouped)})</h2><ul>{failure_list or "<li>none</li>"}</ul>
{_filters(tags)}
<h2>Scenarios</h2>{_scenario_table(grouped)}
<h2>Conversations</h2>{conversations}
</body></html>"""


def write_reports(
    path_json: Path | None,
    path_html: Path | None,
    summary: dict[str, Any],
    results: list[TrialResult],
    load_errors: list[str],
) -> None:
    """The JSON report and the HTML page, each where asked (None: not written)."""
    if path_json:
        path_json.write_text(
            json.dumps(json_report(summary, results, load_errors), indent=2), encoding="utf-8"
        )
    if path_html:
        path_html.write_text(html_report(summary, results, load_errors), encoding="utf-8")
