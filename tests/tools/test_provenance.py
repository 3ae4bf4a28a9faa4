"""Argument provenance: identifying arguments must come from the shopper, the verified identity or a
previous tool result."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.tools.context import VerifiedCustomer
from agent.tools.provenance import handoff_summary, refusal, unproven

SAID = [
    HumanMessage("Where is order #12345? It's Jane.Doe@Example.com"),
    HumanMessage("and is save20 valid?"),
]


def test_typed_values_are_proven_whatever_their_spelling() -> None:
    assert unproven({"order_id": "12345", "email": "jane.doe@example.com"}, SAID, None) == []
    assert unproven({"order_id": 12345}, SAID, None) == []
    assert unproven({"code": "SAVE20"}, SAID, None) == []


def test_invented_values_are_not() -> None:
    assert unproven({"order_id": "1234"}, SAID, None) == ["order_id"]  # a part of a typed number is no number
    assert unproven({"order_id": "99999", "email": "x@example.com"}, SAID, None) == ["order_id", "email"]
    assert unproven({"code": "check_gift_card_balance"}, SAID, None) == ["code"]
    assert unproven({"code": "SAVE2"}, SAID, None) == ["code"]


def test_verified_identity_and_tool_results_vouch() -> None:
    verified = VerifiedCustomer(7, "sam@example.com")
    assert unproven({"email": "Sam@example.com"}, [], verified) == []
    history = [
        HumanMessage("list my orders"),
        AIMessage("", tool_calls=[{"name": "get_order_information", "args": {}, "id": "c1"}]),
        ToolMessage('{"status":"ok","orders":[{"order_id":20001}]}', tool_call_id="c1"),
        HumanMessage("cancel the first one"),
    ]
    assert unproven({"order_id": "20001"}, history, verified) == []


def test_malformed_and_absent_values_are_left_to_the_tools() -> None:
    assert unproven({"order_id": None, "email": "", "code": "!!"}, SAID, None) == []
    assert unproven({"email": "https://www.example.com"}, SAID, None) == []  # not an email: the tool says so


def test_refusal_asks_for_the_real_value() -> None:
    answer = refusal(["order_id", "email"])
    assert answer["status"] == "needs_info" and answer["reason"] == "unproven_argument"
    assert "order number and the email address" in answer["message"]


def test_handoff_summary_is_the_shoppers_last_words() -> None:
    messages = [HumanMessage(f"message {i}") for i in range(5)] + [AIMessage("a reply")]
    assert handoff_summary(messages, "nonsense") == "message 2 / message 3 / message 4"
    assert handoff_summary([], " the  model's words ") == "the model's words"
