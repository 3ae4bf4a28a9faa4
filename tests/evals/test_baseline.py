"""evals/baseline.py: the suite's floor and each tagged group's own floor."""

from __future__ import annotations

import json
from pathlib import Path

from evals.baseline import check, read_floors
from evals.metrics import TrialResult


def _result(scenario: str, passed: bool, *tags: str) -> TrialResult:
    return TrialResult(scenario, 1, list(tags), passed, [], 1, 0, [0.1], [], [])


def _baseline(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_tagged_group_is_held_to_its_own_floor_and_left_out_of_the_suite(tmp_path: Path) -> None:
    path = _baseline(tmp_path, {"pass_rate": 0.9, "tags": {"realistic": {"pass_rate": 0.5}}})
    results = [_result("a", True), _result("b", True), _result("r1", True, "realistic")]
    results += [_result("r2", False, "realistic"), _result("r3", False, "realistic", "orders")]
    floors = {f.name: f for f in check(results, path)}
    assert floors["suite"].scenarios == 2 and floors["suite"].pass1 == 1.0 and floors["suite"].held
    realistic = floors["tag realistic"]
    assert realistic.scenarios == 3 and abs(realistic.pass1 - 1 / 3) < 1e-9
    assert not realistic.held
    assert "BELOW" in realistic.line()


def test_the_suite_floor_fails_alone_when_only_untagged_scenarios_drop(tmp_path: Path) -> None:
    path = _baseline(tmp_path, {"pass_rate": 0.9, "tags": {"realistic": {"pass_rate": 0.0}}})
    results = [_result("a", True), _result("b", False), _result("r1", False, "realistic")]
    floors = {f.name: f for f in check(results, path)}
    assert not floors["suite"].held and floors["tag realistic"].held


def test_a_baseline_without_tags_is_the_old_single_floor(tmp_path: Path) -> None:
    path = _baseline(tmp_path, {"pass_rate": 0.97})
    assert read_floors(path) == (0.97, {})
    (floor,) = check([_result("a", True), _result("r", False, "realistic")], path)
    assert floor.name == "suite" and floor.scenarios == 2 and floor.pass1 == 0.5 and not floor.held


def test_a_group_with_no_scenario_run_holds(tmp_path: Path) -> None:
    path = _baseline(tmp_path, {"pass_rate": 0.9, "tags": {"realistic": {"pass_rate": 0.8}}})
    floors = {f.name: f for f in check([_result("a", True)], path)}
    assert floors["tag realistic"].held and floors["tag realistic"].scenarios == 0
    assert "no scenario ran" in floors["tag realistic"].line()
