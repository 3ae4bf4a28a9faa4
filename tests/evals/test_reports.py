"""Reports a developer can debug with: failures once per scenario with the trials that failed, the JSON
report's per-scenario results, the HTML page (every conversation, calls with arguments and result
status, filters), and `eval compare` (flips, tags with intervals, tool precision/recall)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from evals import compare
from evals.metrics import TrialResult, summarize
from evals.report import grouped_failures, json_report, table
from evals.report_html import html_report, write_reports

REPLY_CHECK = {
    "name": "reply_contains 'shipped'",
    "passed": False,
    "detail": "",
    "policy": False,
    "expected": "shipped",
    "actual": "Order 7 is pending <b>",
}


def _result(
    scenario: str, trial: int, passed: bool, tags: list[str], calls: list[dict[str, Any]] | None = None
) -> TrialResult:
    calls = calls if calls is not None else [{"name": "get_order_information", "args": {"order_id": "7"}}]
    transcript = {
        "turns": [
            {
                "user": "where is order 7? <script>",
                "replies": ["Order 7 is pending <b>"],
                "tool_calls": calls,
                "tool_results": [{"name": c["name"], "result": {"status": "not_found"}} for c in calls],
                "routes": ["order_management"],
                "seconds": 0.25,
            }
        ]
    }
    return TrialResult(
        scenario,
        trial,
        tags,
        passed,
        [] if passed else [REPLY_CHECK],
        1,
        0,
        [0.25],
        ["get_order_information"],
        [c["name"] for c in calls],
        transcript=transcript,
        expected_calls=[{"name": "get_order_information", "args": {"order_id": "7"}}],
        calls=calls,
    )


RESULTS = [
    _result("a", 0, True, ["orders"]),
    _result("a", 1, True, ["orders"]),
    _result("b", 0, False, ["orders", "slow"]),
    _result("b", 1, True, ["orders", "slow"]),
    _result("b", 2, False, ["orders", "slow"]),
]


def test_a_failure_is_listed_once_per_scenario_with_the_trials_that_failed() -> None:
    failures = grouped_failures(RESULTS)
    assert list(failures) == ["b"]
    (check,) = failures["b"]
    assert check["trials"] == [0, 2] and check["actual"] == "Order 7 is pending <b>"
    text = table(summarize(RESULTS, 3), RESULTS, [])
    assert text.count("reply_contains 'shipped'") == 1
    assert "failed in 2 of 3 trial(s) (0, 2)" in text and "actual:   Order 7 is pending" in text


def test_scenarios_that_did_not_load_are_in_the_headline() -> None:
    errors = ["x.yaml: scenario c: expect.foo: extra", "x.yaml: scenario d: duplicate id"]
    only_a = RESULTS[:2]
    text = table(summarize(only_a, 2), only_a, errors)
    assert text.splitlines()[0].startswith("1 scenarios x 2 trial(s); INCOMPLETE: 2 of 3 not run")
    page = html_report(summarize(only_a, 2), only_a, errors)
    assert "2 of 3 not run" in page and "duplicate id" in page


def test_the_json_report_carries_every_scenario_and_trial(tmp_path: Path) -> None:
    report = json_report(summarize(RESULTS, 3), RESULTS, [])
    by_id = {s["id"]: s for s in report["scenarios"]}
    assert by_id["a"]["passed"] and by_id["a"]["passes"] == 2
    assert not by_id["b"]["passed"] and by_id["b"]["passes"] == 1
    assert [t["passed"] for t in by_id["b"]["trials"]] == [False, True, False]
    assert by_id["b"]["trials"][0]["calls"] == [{"name": "get_order_information", "args": {"order_id": "7"}}]
    assert by_id["b"]["failures"][0]["trials"] == [0, 2]
    assert report["summary"]["tool_recall_args"] == 1.0
    write_reports(tmp_path / "r.json", tmp_path / "r.html", summarize(RESULTS, 3), RESULTS, [])
    assert json.loads((tmp_path / "r.json").read_text())["scenarios"][0]["id"] == "a"


def test_the_html_page_shows_every_conversation_and_filters_without_the_network() -> None:
    page = html_report(summarize(RESULTS, 3), RESULTS, [])
    assert "pass^3" in page and "95% interval" in page
    assert page.count("<details class=conv") == 2  # passing scenarios too
    assert "get_order_information({&quot;order_id&quot;: &quot;7&quot;})" in page  # the arguments
    assert "not_found" in page  # the result's status
    assert "order_management" in page and "expected:" in page and "failed in 2 of 3 trial(s) (0, 2)" in page
    assert page.count("<script>") == 1  # only the page's own filter script: the shopper's is escaped
    assert "&lt;script&gt;" in page
    assert 'data-tags="orders slow" data-outcome="fail"' in page
    assert "id=f-tag" in page and "<option value='slow'>slow</option>" in page
    assert not re.search(r"(src|href)=['\"]?https?:", page)  # nothing fetched from anywhere


def _report(results: list[TrialResult]) -> dict[str, Any]:
    return json_report(summarize(results, 1), results, [])


def test_compare_lists_flips_tags_with_intervals_and_tool_scores() -> None:
    wrong = [{"name": "get_order_information", "args": {"order_id": "8"}}]
    old = _report(
        [_result("a", 0, True, ["orders"]), _result("b", 0, False, ["codes"]), _result("c", 0, True, ["x"])]
    )
    new = _report(
        [
            _result("a", 0, False, ["orders"], wrong),
            _result("b", 0, True, ["codes"]),
            _result("d", 0, True, ["x"]),
        ]
    )
    result = compare.compare(old, new)
    assert result.to_fail == ["a"] and result.to_pass == ["b"]
    assert result.added == ["d"] and result.removed == ["c"]
    tags = {t.tag: t for t in result.tags}
    assert tags["orders"].old[0] == 1.0 and tags["orders"].new[0] == 0.0 and tags["orders"].change[0] == -1.0
    assert tags["codes"].change[0] == 1.0 and tags["x"].scenarios == 0 and math.isnan(tags["x"].change[0])
    assert result.tools["recall"] == (1.0, 1.0)  # by name nothing changed
    assert result.tools["recall_args"] == (1.0, 2 / 3)  # by arguments a's wrong order shows
    text = compare.text(result)
    assert "pass -> FAIL  a" in text and "fail -> pass  b" in text and "recall by arguments" in text
    assert "reply_contains 'shipped': Order 7 is pending" in text
    assert json.loads(json.dumps(result.to_json()))["to_fail"] == ["a"]
