"""The floors CI holds the suite to (``evals/baseline.json``), and the verdict on a run.

``pass_rate`` is the floor of every scenario that carries none of the tags listed under ``tags``; each
tag listed there has its own floor over the scenarios carrying it. The realistic phrasing set
(``evals/scenarios/realistic/``, tag ``realistic``) is held to its own, lower floor while the
assistant learns to understand it, so raising it never hides a drop in the rest of the suite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .metrics import TrialResult, pass_at


@dataclass(frozen=True)
class Floor:
    """One group of scenarios and its floor: pass^1 measured against the floor required."""

    name: str
    scenarios: int
    pass1: float
    floor: float

    @property
    def held(self) -> bool:
        return self.scenarios == 0 or self.pass1 >= self.floor

    def line(self) -> str:
        verdict = "at or above" if self.held else "BELOW"
        if self.scenarios == 0:
            return f"{self.name}: no scenario ran (floor {self.floor:.1%})"
        return f"{self.name}: pass^1 {self.pass1:.1%} of {self.scenarios} is {verdict} the baseline {self.floor:.1%}"


def read_floors(path: Path) -> tuple[float, dict[str, float]]:
    """(the floor of the rest of the suite, {tag: floor}) from a baseline file."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    tags = {str(tag): float(entry["pass_rate"]) for tag, entry in (data.get("tags") or {}).items()}
    return float(data["pass_rate"]), tags


def check(results: list[TrialResult], path: Path) -> list[Floor]:
    """Each group's pass^1 against its floor: the tagged groups first, then the rest of the suite."""
    rest_floor, tag_floors = read_floors(path)
    floors: list[Floor] = []
    for tag, floor in sorted(tag_floors.items()):
        group = [r for r in results if tag in r.tags]
        floors.append(Floor(f"tag {tag}", len({r.scenario for r in group}), _pass1(group), floor))
    rest = [r for r in results if not set(r.tags) & tag_floors.keys()]
    floors.append(Floor("suite", len({r.scenario for r in rest}), _pass1(rest), rest_floor))
    return floors


def _pass1(results: list[TrialResult]) -> float:
    return pass_at(results, 1)[0] if results else float("nan")
