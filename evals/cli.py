"""`bcagent eval run|generate|compare|export`: run the scenario suite, grade it, report, and hold it to
the baseline (floors, or a previous report); write scenarios from a store; compare two reports; export
the scenarios as a dataset.

A run's temporary folder (the product index, the turn records unless ``--transcripts FILE``) is
removed at the end unless ``--keep``; Ctrl-C ends with a one-line hint to ``--resume``."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from agent.persistence.transcripts import open_transcript_file
from agent.settings import Settings

from . import baseline, compare, rubric
from .arguments import BASELINE as BASELINE
from .arguments import SUITE
from .arguments import add_arguments as add_arguments
from .facts import unbacked_facts
from .graders import conversation_calls, grade
from .metrics import TrialResult, summarize
from .report import json_report, table
from .report_html import write_reports
from .runner import EvalEnvironment, Transcript, run_suite
from .scenario import LoadedScenario, load_suite


def _notes(transcript: Transcript) -> dict[str, int]:
    """How often each thing happened in the transcript's turns (see ``TurnResult.notes``)."""
    counts: Counter[str] = Counter()
    for turn in transcript.turns:
        for note in turn.notes:
            if note.get("safety_net"):
                counts["safety_net"] += 1
            if note.get("model_error"):
                counts[f"model_error:{note['model_error']}"] += 1
            if note.get("grounding_replaced"):
                counts["grounding_replaced"] += 1
            if note.get("composed"):
                counts["composed_without_llm"] += 1
            if note.get("trimmed_messages"):
                counts["history_trimmed"] += 1
            if note.get("usage_estimated"):
                counts["usage_estimated"] += 1
        for item in turn.tool_results:
            result = item.get("result")
            if isinstance(result, dict) and result.get("reason") == "unproven_argument":
                counts["provenance_refused"] += 1
    return dict(counts)


def _unbacked(transcript: Transcript) -> list[str]:
    found: list[str] = []
    evidence = ""
    typed = ""
    for turn in transcript.turns:
        typed += "\n" + turn.user
        evidence += "".join("\n" + json.dumps(i["result"]) for i in turn.tool_results)
        if turn.confirmation:
            evidence += "\n" + json.dumps(turn.confirmation)
        for reply in turn.replies:
            found += unbacked_facts(reply, evidence, typed)
    return found


def _to_result(item: LoadedScenario, transcript: Transcript) -> TrialResult:
    passed, checks = grade(item.scenario, transcript, item.source.parent)
    made = conversation_calls(transcript)
    calls = [c["name"] for t in transcript.turns for c in t.tool_calls]
    return TrialResult(
        scenario=item.scenario.id,
        trial=transcript.trial,
        tags=item.scenario.tags,
        passed=passed,
        checks=[dataclasses.asdict(c) for c in checks],
        turns=len(transcript.turns),
        llm_calls=sum(t.llm_calls for t in transcript.turns),
        latencies=[t.seconds for t in transcript.turns if t.seconds],
        expected_tools=[c.name for c in item.scenario.expect.tool_calls],
        called_tools=calls,
        error=transcript.error,
        transcript=transcript.to_json(),
        input_tokens=sum(t.input_tokens for t in transcript.turns),
        output_tokens=sum(t.output_tokens for t in transcript.turns),
        unbacked_facts=_unbacked(transcript),
        notes=_notes(transcript),
        expected_calls=[{"name": c.name, "args": c.args} for c in item.scenario.expect.tool_calls],
        calls=made,
    )


def _previous(path: Path | None) -> list[TrialResult]:
    if path is None or not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data: dict[str, Any] = json.loads(line)
            out.append(TrialResult(**data))
    return out


async def _run_recorded(
    env: EvalEnvironment,
    path: Path | None,
    items: list[LoadedScenario],
    args: argparse.Namespace,
    done: set[tuple[str, int]],
    on_result: Any,
) -> None:
    """The suite, its turns recorded into the SQLite file ``path`` (None: not recorded)."""
    if path is None:
        await run_suite(env, items, args.trials, args.concurrency, done, on_result)
        return
    transcripts = await open_transcript_file(path)
    env.transcripts = transcripts
    try:
        await run_suite(env, items, args.trials, args.concurrency, done, on_result)
    finally:
        env.transcripts = None
        await transcripts.aclose()


def generate(args: argparse.Namespace) -> int:
    from .generate import write

    stem = args.store if args.store in ("demo", "electronics") else Path(args.store).stem
    output = args.output or SUITE / "generated" / f"{stem}-seed{args.seed}.yaml"
    try:
        count = write(output, args.seed, args.store)
    except (ValueError, OSError) as exc:
        print(f"Cannot generate scenarios: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {count} scenarios for the store {args.store} (seed {args.seed}) to {output}")
    return 0


def compare_reports(args: argparse.Namespace) -> int:
    """`eval compare OLD.json NEW.json`: exit 1 when a scenario passed in OLD and fails in NEW."""
    if len(args.paths) != 2:
        print("usage: bcagent eval compare OLD.json NEW.json", file=sys.stderr)
        return 2
    try:
        old, new = (compare.load(p) for p in args.paths)
    except (OSError, ValueError) as exc:
        print(f"Cannot compare: {exc}", file=sys.stderr)
        return 2
    result = compare.compare(old, new)
    print(json.dumps(result.to_json(), indent=2) if args.json else compare.text(result))
    return 1 if result.to_fail else 0


def export_dataset(args: argparse.Namespace) -> int:
    from .export import export

    items, errors = load_suite(args.paths or [SUITE])
    for error in errors:
        print(f"not exported: {error.message}", file=sys.stderr)
    text = export(items, args.format, root=Path.cwd())
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {len(items)} examples ({args.format}) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if errors else 0


def _against_baseline(
    path: Path, results: list[TrialResult], summary: dict[str, Any], load_errors: list[str]
) -> bool:
    """Whether the run holds: the floors of a baseline file, or no flip to fail against a report."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if compare.is_report(data):
        result = compare.compare(data, json_report(summary, results, load_errors))
        print(f"Against the report {path}:")
        print(compare.text(result, changed_only=True))
        return not result.to_fail
    floors = baseline.check(results, path)
    for floor in floors:
        print(f"{floor.line()} ({path})")
    return all(f.held for f in floors)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "generate":
        return generate(args)
    if args.action == "compare":
        return compare_reports(args)
    if args.action == "export":
        return export_dataset(args)
    if args.model:
        settings = dataclasses.replace(settings, model=args.model)
    items, errors = load_suite(args.paths or [SUITE])
    if args.tags:
        wanted = {t.strip() for t in args.tags.split(",") if t.strip()}
        items = [i for i in items if wanted & set(i.scenario.tags)]
    if args.ids:
        ids = [i.strip() for i in args.ids.split(",") if i.strip()]
        unknown = sorted(set(ids) - {i.scenario.id for i in items})
        if unknown:
            print(f"error: no scenario with the id(s) {', '.join(unknown)}", file=sys.stderr)
            return 2
        items = [i for i in items if i.scenario.id in ids]
    skipped = [
        i
        for i in items
        if i.scenario.shopper is not None
        and settings.model == "offline"
        and not getattr(args, "shopper_llm", None)
    ]
    items = [i for i in items if i not in skipped]
    load_errors = [e.message for e in errors] + [
        f"{i.scenario.id}: a simulated shopper needs an LLM (--model openai:MODEL)" for i in skipped
    ]
    previous = _previous(args.results) if args.resume else []
    done = {(r.scenario, r.trial) for r in previous}
    total = len(items) * args.trials - len(done)
    results: list[TrialResult] = list(previous)
    started = time.perf_counter()
    sink = args.results.open("a", encoding="utf-8") if args.results else None

    def on_result(item: LoadedScenario, transcript: Transcript, seconds: float) -> None:
        result = _to_result(item, transcript)
        results.append(result)
        if sink is not None:
            sink.write(json.dumps(dataclasses.asdict(result)) + "\n")
            sink.flush()
        mark = "pass" if result.passed else "FAIL"
        print(
            f"[{len(results) - len(previous)}/{total}] {mark} {item.scenario.id} ({seconds:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    recorded: Path | None = None
    env: EvalEnvironment | None = None
    try:
        env = EvalEnvironment(settings)
        if not args.no_transcripts:
            recorded = args.transcripts or env.folder / "transcripts.sqlite"
        asyncio.run(_run_recorded(env, recorded, items, args, done, on_result))
        if any(i.scenario.expect.rubric for i in items):
            asyncio.run(rubric.judge_all(env.shopper_llm, results, items))
    except KeyboardInterrupt:
        again = "--resume" if args.results else "--results FILE --resume (this run kept no results)"
        print(f"\ninterrupted: rerun with {again}", file=sys.stderr)
        return 130
    finally:
        if sink is not None:
            sink.close()
        if env is not None:
            _tidy(env.folder, args.keep)
    if recorded is not None and (args.transcripts or args.keep):
        print(
            f"Turns recorded in {recorded} (bcagent transcripts export --db {recorded} -o FILE.jsonl)",
            file=sys.stderr,
        )
    if not results:
        print("No scenario ran.", file=sys.stderr)
        for error in load_errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    prices = tuple(float(x) for x in args.prices.split(",")) if args.prices else None
    summary = summarize(results, args.trials, (prices[0], prices[1]) if prices and len(prices) == 2 else None)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["model"] = settings.model
    print(table(summary, results, load_errors))
    write_reports(args.report, args.html, summary, results, load_errors)
    if args.baseline:
        held = _against_baseline(args.baseline, results, summary, load_errors)
        return 0 if held and not errors else 1
    return 0 if all(r.passed for r in results) and not load_errors else 1


def _tidy(folder: Path, keep: bool) -> None:
    """Remove the run's temporary folder (the product index, the default turn records) unless kept."""
    if keep:
        print(f"Kept the run's folder {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)
