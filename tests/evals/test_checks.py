"""The scenario checks beyond substrings: tool_sequence (strict and subset), tool_calls with times,
reply_matches, custom graders, rubric statements; what a failed check shows; one count per paused
cancellation; precision/recall by arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals import trajectory
from evals.graders import Check, conversation_calls, grade, scenario_checks
from evals.rubric import judge, verdict_of
from evals.runner import Transcript, TurnRecord
from evals.scenario import Scenario, load_file


def _scenario(expect: dict[str, Any], turns: list[dict[str, Any]] | None = None) -> Scenario:
    return Scenario.model_validate({"id": "x", "turns": turns or [{"user": "hi"}], "expect": expect})


def _call(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args}


def _transcript(*turns: tuple[list[dict[str, Any]], list[str]]) -> Transcript:
    transcript = Transcript("x", 0)
    for calls, replies in turns:
        results = [{"name": c["name"], "result": {"status": "ok"}} for c in calls]
        transcript.turns.append(TurnRecord("hi", replies, calls, results, ["order_management"], 0.1, 0))
    return transcript


def _failed(scenario: Scenario, transcript: Transcript) -> dict[str, Check]:
    return {c.name: c for c in scenario_checks(scenario, transcript) if not c.passed}


LOOKUP_THEN_CANCEL = _transcript(
    ([_call("get_order_information", order_id="12", email="a@b.c")], ["Order 12 is pending."]),
    ([_call("cancel_order", order_id="12")], ["Order 12 is cancelled."]),
)


def test_subset_sequence_wants_the_order_and_allows_calls_between() -> None:
    ok = _scenario(
        {"tool_sequence": ["get_order_information", {"name": "cancel_order", "args": {"order_id": 12}}]}
    )
    assert _failed(ok, LOOKUP_THEN_CANCEL) == {}
    backwards = _scenario({"tool_sequence": ["cancel_order", "get_order_information"]})
    failed = _failed(backwards, LOOKUP_THEN_CANCEL)
    (check,) = failed.values()
    assert check.name.startswith("tool_sequence subset")
    assert check.expected == "cancel_order() -> get_order_information()"
    assert (
        check.actual == 'get_order_information(order_id="12", email="a@b.c") -> cancel_order(order_id="12")'
    )


def test_strict_sequence_wants_exactly_these_calls() -> None:
    only_cancel = _scenario({"tool_sequence": {"mode": "strict", "calls": ["cancel_order"]}})
    assert len(_failed(only_cancel, LOOKUP_THEN_CANCEL)) == 1
    both = _scenario(
        {"tool_sequence": {"mode": "strict", "calls": ["get_order_information", "cancel_order"]}}
    )
    assert _failed(both, LOOKUP_THEN_CANCEL) == {}


def test_times_counts_matching_calls_exactly() -> None:
    twice = _transcript(
        ([_call("lookup_discount_code", code="SAVE20")], ["a"]),
        ([_call("lookup_discount_code", code="save20")], ["b"]),
    )
    assert _failed(_scenario({"tool_calls": [{"name": "lookup_discount_code", "times": 2}]}), twice) == {}
    once = _scenario(
        {"tool_calls": [{"name": "lookup_discount_code", "args": {"code": "SAVE20"}, "times": 1}]}
    )
    (check,) = _failed(once, twice).values()
    assert check.detail == "made 2 matching call(s)" and check.expected.endswith("x1")
    never = _scenario({"tool_calls": [{"name": "cancel_order", "times": 0}]})
    assert _failed(never, twice) == {}


def test_a_paused_cancellation_counts_once() -> None:
    transcript = _transcript(
        ([], ["Cancel order 12?"]), ([_call("cancel_order", order_id="12", email="a@b.c")], ["Done."])
    )
    transcript.turns[0].tool_calls = [_call("cancel_order", order_id="12")]  # as the runtime records a pause
    transcript.turns[0].confirmation = {"order_id": 12, "question": "Cancel order 12?"}
    assert conversation_calls(transcript) == [_call("cancel_order", order_id="12", email="a@b.c")]
    assert _failed(_scenario({"tool_calls": [{"name": "cancel_order", "times": 1}]}), transcript) == {}
    transcript.turns[1].tool_calls = []  # never answered: the paused call is the only record
    assert conversation_calls(transcript) == [_call("cancel_order", order_id="12")]


def test_reply_matches_is_a_case_insensitive_regex_and_a_bad_one_does_not_load(tmp_path: Path) -> None:
    transcript = _transcript(([], ["Your tracking number is 1Z999AA10123456784."]))
    assert _failed(_scenario({"reply_matches": [r"1z\d{3}"]}), transcript) == {}
    (check,) = _failed(_scenario({"reply_matches": [r"\bUSPS\b"]}), transcript).values()
    assert check.actual == "Your tracking number is 1Z999AA10123456784."  # the reply, to see why
    path = tmp_path / "bad.yaml"
    path.write_text("- id: x\n  turns: [{user: hi}]\n  expect: {reply_matches: ['(unclosed']}\n")
    loaded, errors = load_file(path)
    assert loaded == [] and "not a regular expression" in errors[0].message


def test_failed_reply_and_tool_checks_show_the_reply_and_the_calls_with_arguments() -> None:
    scenario = _scenario(
        {
            "reply_contains": ["refunded"],
            "tool_calls": [{"name": "get_order_information", "args": {"order_id": "99"}}],
        }
    )
    failed = _failed(scenario, LOOKUP_THEN_CANCEL)
    assert failed["reply_contains 'refunded'"].actual == "Order 12 is pending.\nOrder 12 is cancelled."
    tool = failed["tool_call get_order_information {'order_id': '99'}"]
    assert tool.expected == 'get_order_information(order_id="99")'
    assert 'get_order_information(order_id="12", email="a@b.c")' in tool.actual


def test_custom_graders_get_the_transcript_and_final_store(tmp_path: Path) -> None:
    (tmp_path / "my_graders.py").write_text(
        "def cancelled(transcript, store):\n"
        "    return store['orders']['12']['status_id'] == 5, f\"status {store['orders']['12']['status_id']}\"\n"
        "def boom(transcript, store):\n    raise RuntimeError('grader bug')\n"
    )
    scenario = _scenario({"custom": ["my_graders:cancelled", "my_graders:boom"]})
    transcript = _transcript(([], ["ok"]))
    transcript.final_store = {"orders": {"12": {"status_id": 11}}}
    checks = {c.name: c for c in scenario_checks(scenario, transcript, tmp_path)}
    assert not checks["custom my_graders:cancelled"].passed
    assert checks["custom my_graders:cancelled"].detail == "status 11"
    assert checks["custom my_graders:boom"].detail == "RuntimeError: grader bug"
    transcript.final_store["orders"]["12"]["status_id"] = 5
    assert scenario_checks(scenario, transcript, tmp_path)[0].passed
    with pytest.raises(ValueError, match="module:function"):
        _scenario({"custom": "not a function"})


async def test_rubric_is_not_graded_offline_and_does_not_decide_pass() -> None:
    scenario = _scenario({"rubric": "The assistant apologises"})
    passed, checks = grade(scenario, _transcript(([], ["Hello!"])))
    assert passed and not any("rubric" in c.name for c in checks)
    verdicts = await judge(None, scenario.expect.rubric, {"turns": []})
    assert verdicts == [
        {"statement": "The assistant apologises", "verdict": "not graded", "reason": "no LLM configured"}
    ]
    assert verdict_of("NOT MET\nit never apologises") == ("not met", "it never apologises")
    assert verdict_of("MET\nit does")[0] == "met" and verdict_of("maybe")[0] == "not graded"


def test_precision_and_recall_by_arguments_see_a_wrong_argument() -> None:
    expected = [_call("get_order_information", order_id="12")]
    made = [_call("get_order_information", order_id="13", email="a@b.c")]
    scores = trajectory.scores(expected, made)
    assert scores["precision"] == (1, 1) and scores["recall"] == (1, 1)  # by name: all fine
    assert scores["precision_args"] == (0, 1) and scores["recall_args"] == (0, 1)
    rates = trajectory.rates(
        [(expected, made), (expected, [*made, _call("get_order_information", order_id="12")])]
    )
    assert rates["recall_args"] == 0.5 and rates["precision_args"] == pytest.approx(1 / 3)
