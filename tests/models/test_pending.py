"""The pending request read from a conversation's messages (agent/models/pending.py)."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.models.entities import extract_entities
from agent.models.pending import PendingRequest, left_open, pending_request


def _asked(tool: str, args: dict[str, str], result: dict[str, object]) -> list[object]:
    return [
        AIMessage(content="", tool_calls=[{"name": tool, "args": args, "id": "c1", "type": "tool_call"}]),
        ToolMessage(content=json.dumps(result), name=tool, tool_call_id="c1"),
        AIMessage(content=str(result.get("message", ""))),
    ]


def test_a_needs_info_result_leaves_the_request_open_until_the_next_message() -> None:
    asked = _asked(
        "get_order_information",
        {"order_id": "12370"},
        {"status": "needs_info", "message": "What email?", "missing": ["email"], "order_id": 12370},
    )
    messages = [HumanMessage(content="was order 12370 refunded?"), *asked]
    open_now = left_open(messages)  # type: ignore[arg-type]
    assert open_now == PendingRequest(
        "get_order_information", {"order_id": "12370"}, ("email",), "was order 12370 refunded?"
    )
    later = [*messages, HumanMessage(content="tyrone.smith@example.com")]
    pending = pending_request(later)  # type: ignore[arg-type]
    assert pending == open_now
    assert pending is not None
    assert pending.answered_with(extract_entities("tyrone.smith@example.com")) == {
        "order_id": "12370",
        "email": "tyrone.smith@example.com",
    }
    assert pending.answered_with(extract_entities("hmm not sure")) is None


def test_an_answered_request_is_not_pending() -> None:
    done = _asked(
        "get_order_information", {"order_id": "1", "email": "a@b.co"}, {"status": "ok", "message": "ok"}
    )
    assert left_open([HumanMessage(content="order 1 a@b.co"), *done]) is None  # type: ignore[list-item]
    assert pending_request([HumanMessage(content="hi")]) is None


def test_a_code_tool_asking_without_missing_asks_for_a_code_and_state_round_trips() -> None:
    asked = _asked("check_gift_card_balance", {"code": ""}, {"status": "needs_info", "message": "Which one?"})
    pending = left_open([HumanMessage(content="gift card balance?"), *asked])  # type: ignore[list-item]
    assert pending is not None and pending.missing == ("code",)
    assert pending.answered_with(extract_entities("GIFT-DEMO-0001")) == {"code": "GIFT-DEMO-0001"}
    assert PendingRequest.from_state(pending.as_state()) == pending
    assert PendingRequest.from_state({"nothing": 1}) is None and PendingRequest.from_state(None) is None
