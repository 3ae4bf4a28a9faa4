"""agent.tools.results: the typed result's wire form (what the model reads, transcripts keep and the
recordings replay) and reading it back."""

from __future__ import annotations

import json

from agent.tools.results import STATUSES, ok, parse_result, result, to_text


def test_fields_given_as_none_are_left_out_and_the_order_is_kept() -> None:
    answer = result("needs_info", "Which order?", missing=["order_number"], order_id=None, reason="x")
    assert (
        to_text(answer)
        == '{"status":"needs_info","message":"Which order?","missing":["order_number"],"reason":"x"}'
    )
    assert list(ok("Done.", cancelled=True, order_id=7)) == ["status", "message", "cancelled", "order_id"]


def test_every_status_is_listed_once() -> None:
    assert len(set(STATUSES)) == len(STATUSES) == 10
    assert {"ok", "confirm", "unavailable", "disabled"} <= set(STATUSES)


def test_parse_result_reads_back_a_result_and_nothing_else() -> None:
    answer = ok("Order #1 is Shipped.", order_id=1)
    assert parse_result(to_text(answer)) == answer
    for content in ("not json", "[1, 2]", json.dumps({"status": "done", "message": "?"}), None):
        assert parse_result(content) is None
