"""Recordings as a regression suite: run each, one line per recording, a summary, a JUnit XML report,
and ``--update`` (the new behaviour written into the recording, the old file kept as a backup)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from .recording import Recording, write
from .runner import ReplayResult

PASSED, DIVERGED, ERROR = "passed", "diverged", "error"


@dataclass
class Outcome:
    name: str
    status: str
    result: ReplayResult | None = None
    message: str = ""
    seconds: float = 0.0

    def lines(self) -> list[str]:
        if self.status == ERROR:
            return [f"ERROR    {self.name}: {self.message}"]
        assert self.result is not None
        result = self.result
        turns = len(result.recording.turns)
        where = f"{turns} turn(s), {result.seconds:.2f} s, {result.sent} request(s) sent"
        tolerated = [d for d in result.divergences if d not in result.counted]
        if self.status == PASSED:
            extra = f", {len(tolerated)} wording difference(s) tolerated" if tolerated else ""
            return [f"ok       {self.name} ({where}{extra})"]
        lines = [f"DIVERGED {self.name} ({where})"]
        for divergence in result.counted:
            lines.append("  " + divergence.line())
            lines += ["      " + detail for detail in divergence.detail]
        for explanation in result.explanations:
            lines += ["  " + line for line in explanation.lines()]
        if result.unmet and len(result.unmet) == len(result.counted):
            lines.append("  the replay behaves as recorded; the recording's expectations say it should not")
        for divergence in tolerated:
            lines.append("  (tolerated) " + divergence.line())
        return lines


def outcome_of(name: str, result: ReplayResult) -> Outcome:
    return Outcome(name, DIVERGED if result.diverged else PASSED, result, seconds=result.seconds)


def backup_path(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{number}.bak")
        number += 1
    return candidate


def accept(result: ReplayResult) -> Path:
    """Write what the build does now into the recording's file; the old file becomes the backup."""
    path = result.recording.path
    if path is None:
        raise ValueError("only a recording file can be updated; export the thread first")
    updated: Recording = result.updated()
    backup = backup_path(path)
    shutil.copy2(path, backup)
    write(updated, path)
    result.backup = backup
    return backup


def summary(outcomes: list[Outcome]) -> str:
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in (PASSED, DIVERGED, ERROR)}
    return (
        f"{len(outcomes)} recording(s): {counts[PASSED]} passed, {counts[DIVERGED]} diverged, "
        f"{counts[ERROR]} could not be replayed"
    )


def exit_status(outcomes: list[Outcome]) -> int:
    if any(o.status == ERROR for o in outcomes):
        return 2
    return 1 if any(o.status == DIVERGED for o in outcomes) else 0


def junit(outcomes: list[Outcome], path: Path) -> None:
    """A JUnit XML report: one test case per recording, a failure per divergence, an error per bad file."""
    suite = ElementTree.Element(
        "testsuite",
        name="bcagent replay",
        tests=str(len(outcomes)),
        failures=str(sum(1 for o in outcomes if o.status == DIVERGED)),
        errors=str(sum(1 for o in outcomes if o.status == ERROR)),
        time=f"{sum(o.seconds for o in outcomes):.3f}",
    )
    for outcome in outcomes:
        case = ElementTree.SubElement(
            suite, "testcase", classname="replay", name=outcome.name, time=f"{outcome.seconds:.3f}"
        )
        if outcome.status == ERROR:
            ElementTree.SubElement(case, "error", message=outcome.message).text = outcome.message
        elif outcome.status == DIVERGED and outcome.result is not None:
            lines = [d.line() for d in outcome.result.counted]
            failure = ElementTree.SubElement(case, "failure", message=lines[0] if lines else "diverged")
            failure.text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
