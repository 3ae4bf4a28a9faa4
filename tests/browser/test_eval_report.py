"""The eval HTML report in Chromium: it loads from a file with no error, and its filters by outcome,
tag and scenario id hide the other scenarios' rows and conversations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.metrics import summarize
from evals.report_html import html_report
from tests.evals.test_reports import RESULTS, _result


def _visible(page: Any, selector: str) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.sid)"
    )
    return ids


def test_filters_by_outcome_tag_and_id(new_page: Any, tmp_path: Path) -> None:
    results = [*RESULTS, _result("c", 0, True, ["codes"])]
    path = tmp_path / "report.html"
    path.write_text(html_report(summarize(results, 3), results, []), encoding="utf-8")
    page = new_page()
    page.goto(path.as_uri())
    assert _visible(page, "tr[data-sid]") == ["a", "b", "c"]
    page.select_option("#f-outcome", "fail")
    assert _visible(page, "tr[data-sid]") == ["b"] and _visible(page, "details.conv") == ["b"]
    page.select_option("#f-outcome", "")
    page.select_option("#f-tag", "codes")
    assert _visible(page, "tr[data-sid]") == ["c"]
    assert page.inner_text("#f-count") == "1 scenario(s)"
    page.select_option("#f-tag", "")
    page.fill("#f-text", "b")
    assert _visible(page, "tr[data-sid]") == ["b"]
    assert page.errors == []
