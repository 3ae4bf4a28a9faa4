"""The replay's parts on hand-made turns (no graph): why a turn diverged, expectations, redaction
with stable placeholders, a conversation as an eval scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.replay.expectations import ExpectationError, ToolExpectation, check_known, failures, merge
from agent.replay.explain import ASSISTANT, BOTH, STORE, explain_turn, json_diff
from agent.replay.recording import from_turns, read, tool_arguments, write
from agent.replay.redaction import redact_turns
from agent.replay.scenario import to_scenario
from agent.tools.registry import _SPECS
from agent.transcripts import Exchange, ToolCallRecord, TurnRecord
from evals.scenario import load_file

VARIANTS = "/v3/catalog/products/1/variants"


def variants(level: int) -> dict[str, Any]:
    return {
        "data": [{"id": n, "inventory_level": 5} for n in range(3)] + [{"id": 4, "inventory_level": level}]
    }


def turn(
    calls: list[ToolCallRecord] | None = None,
    requests: list[Exchange] | None = None,
    *,
    routes: tuple[str, ...] = ("product_expert",),
    replies: tuple[str, ...] = ("In stock.",),
    text: str | None = "are the gloves in stock?",
    **extra: Any,
) -> TurnRecord:
    return TurnRecord(
        turn_id="t1",
        request_id="r1",
        store_hash="demostore",
        thread_id="thread-abcdef",
        started_at="2026-12-01T10:00:00.000000Z",
        surface="serve",
        text=text,
        routes=list(routes),
        tool_calls=calls or [],
        requests=requests or [],
        replies=list(replies),
        **extra,
    )


def product_call(product: str = "gloves") -> ToolCallRecord:
    return ToolCallRecord(id="c1", name="get_product_information", args={"product": product}, requests=[0])


def read_variants(level: int, status: int = 200) -> Exchange:
    return Exchange(
        index=0, method="GET", path=VARIANTS, status=status, response=variants(level), tool_call_id="c1"
    )


def test_json_diff_names_the_fields() -> None:
    assert json_diff(variants(14), variants(0)) == ["data[3].inventory_level 14 -> 0"]
    assert json_diff({"a": 1}, {"a": 1, "b": "x"}) == ["b (absent) -> 'x'"]
    assert json_diff({"a": [1, 2]}, {"a": [1]}) == ["a[1] 2 -> (absent)"]
    assert json_diff({"a": 1}, {"a": 1}) == []


def test_verdict_store_assistant_or_both() -> None:
    recorded = turn([product_call()], [read_variants(14)])
    store_changed = explain_turn(
        1, recorded, turn([product_call()], [read_variants(0)], replies=("Out of stock.",))
    )
    assert store_changed.verdict == STORE
    assert store_changed.store == [f"GET {VARIANTS}: data[3].inventory_level 14 -> 0"]
    assert store_changed.lines()[0] == "turn 1: why: the store changed"

    assistant_changed = explain_turn(
        1, recorded, turn([product_call()], [read_variants(14)], replies=("Sold out.",))
    )
    assert assistant_changed.verdict.startswith(ASSISTANT) and assistant_changed.store == []

    other_question = turn([product_call("hand wraps")], [read_variants(0)], replies=("Out of stock.",))
    both = explain_turn(1, recorded, other_question)
    assert both.verdict == BOTH and f"GET {VARIANTS}: data[3].inventory_level 14 -> 0" in both.store

    failed = explain_turn(1, recorded, turn([product_call()], [read_variants(14, status=503)]))
    assert failed.verdict == STORE and failed.store[0] == f"GET {VARIANTS}: status 200 -> 503"

    extra = Exchange(index=1, method="GET", path="/v2/orders/7", status=200, response={}, tool_call_id="c1")
    more = explain_turn(1, recorded, turn([product_call()], [read_variants(14), extra]))
    assert more.verdict.startswith(ASSISTANT) and more.store == [
        "GET /v2/orders/7: made now, not when recorded"
    ]


def test_expectations_check_replies_tools_and_routes() -> None:
    cancel = ToolCallRecord(id="c", name="cancel_order", args={"order_id": "12346", "email": "j@x.io"})
    done = turn([cancel], routes=("order_management",), replies=("Order #12346 is Cancelled.",))
    entry = {
        "turn": 1,
        "reply_contains": ["cancelled"],
        "reply_excludes": ["shipped"],
        "tools": ["cancel_order:order_id=12346"],
        "no_tools": ["transfer_to_human"],
        "route": "order_management",
    }
    assert failures(entry, done) == []
    wrong = turn([], routes=("respond",), replies=("Your order has shipped.",))
    assert [wanted for wanted, _ in failures(entry, wrong)] == [
        "reply contains 'cancelled'",
        "reply excludes 'shipped'",
        "a cancel_order:order_id=12346 call",
        "route order_management",
    ]
    assert failures(entry, None) == [("turn 1", "no such turn")]
    assert ToolExpectation.parse("cancel_order:order_id=12346, email=J@X.IO").matches(cancel)
    assert not ToolExpectation.parse("cancel_order:order_id=1").matches(cancel)
    with pytest.raises(ExpectationError, match="NAME:arg=value"):
        ToolExpectation.parse("cancel_order:order_id")
    known = tool_arguments(set(_SPECS))
    with pytest.raises(ExpectationError, match="no tool 'refund_order'"):
        check_known({"turn": 1, "tools": ["refund_order"]}, known)
    with pytest.raises(ExpectationError, match="has no argument 'reason'"):
        check_known({"turn": 1, "tools": ["cancel_order:reason=x"]}, known)
    with pytest.raises(ExpectationError, match="--route must be one of"):
        check_known({"turn": 1, "route": "billing"}, known)
    merged = merge(
        [{"turn": 2, "route": "respond"}], {"turn": 2, "reply_contains": ["a"], "route": "product_expert"}
    )
    assert merged == [{"turn": 2, "route": "product_expert", "reply_contains": ["a"]}]


def test_expectations_live_in_the_header(tmp_path: Path) -> None:
    recording = from_turns([turn()])
    path = tmp_path / "r.jsonl"
    write(recording, path)
    plain = path.read_bytes()
    assert b"expectations" not in plain and b"redacted" not in plain  # older recordings keep their bytes
    recording.expectations = [{"turn": 1, "reply_contains": ["in stock"]}]
    write(recording, path)
    assert read(path).expectations == [{"turn": 1, "reply_contains": ["in stock"]}]


def _order_turn() -> TurnRecord:
    order = {
        "id": 12345,
        "status": "Shipped",
        "billing_address": {
            "first_name": "Jane",
            "last_name": "Doe",
            "street_1": "12 Elm Street",
            "zip": "78701",
            "phone": "512-555-0199",
            "email": "jane.doe@example.com",
        },
    }
    call = ToolCallRecord(
        id="c1",
        name="get_order_information",
        args={"order_id": "12345", "email": "jane.doe@example.com"},
        result={"status": "ok", "customer": "Jane Doe", "ship_to": "12 Elm Street"},
        requests=[0],
    )
    exchange = Exchange(
        index=0,
        method="GET",
        path="/v2/orders",
        query=[["email", "jane.doe@example.com"]],
        status=200,
        response=[order],
        tool_call_id="c1",
    )
    return turn(
        [call],
        [exchange],
        routes=("order_management",),
        text="Order 12345 for Jane Doe, jane.doe@example.com, call me on 512-555-0199",
        replies=("Hi Jane, order #12345 shipped to 12 Elm Street, 78701. Tracking 1Z999AA10123456784.",),
    )


def test_redaction_is_stable_and_consistent() -> None:
    (redacted,), counts = redact_turns([_order_turn()])
    text = str(redacted.to_json())
    for secret in ("Jane", "Doe", "jane.doe@example.com", "12 Elm Street", "78701", "512-555-0199"):
        assert secret not in text, secret
    assert counts == {"email": 1, "first": 1, "last": 1, "phone": 1, "postcode": 1, "street": 1}
    email = "person1@redacted.example"
    assert redacted.tool_calls[0].args["email"] == email and redacted.requests[0].query == [["email", email]]
    assert redacted.requests[0].response[0]["billing_address"]["email"] == email
    assert email in (redacted.text or "") and "555-0101" in (redacted.text or "")
    reply = redacted.replies[0]
    assert "Firstname1" in reply and "1 Redacted Street" in reply and "00001" in reply
    assert "#12345" in reply and "1Z999AA10123456784" in reply  # the facts a replay checks stay
    again, _ = redact_turns([_order_turn()])
    assert again[0].to_json() == redacted.to_json()


def test_to_scenario_loads_as_an_eval_scenario(tmp_path: Path) -> None:
    asked = turn(
        [ToolCallRecord(id="c", name="cancel_order", args={"order_id": "12346"}, status="pending")],
        routes=("order_management",),
        text="cancel 12346",
        verified_customer={"id": 1, "email": "jane.doe@example.com"},
    )
    answered = turn(
        [ToolCallRecord(id="c", name="cancel_order", args={"order_id": "12346"})],
        routes=(),
        text=None,
        kind="confirmation",
        answer={"confirm": True, "order_id": 12346},
    )
    answered.request_id = "r2"
    text, note = to_scenario([asked, answered])
    assert note is None and text.startswith("# Made by `bcagent replay to-scenario thread-abcdef`")
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    (loaded,), errors = load_file(path)
    assert errors == []
    scenario = loaded.scenario
    assert (
        scenario.expect.tool_calls[0].name == "cancel_order" and scenario.expect.route == "order_management"
    )
    assert scenario.id == "replay-thread-abcdef"
    assert [(t.user, t.confirm) for t in scenario.turns] == [("cancel 12346", None), (None, "yes")]
    assert scenario.context.customer_email == "jane.doe@example.com"
