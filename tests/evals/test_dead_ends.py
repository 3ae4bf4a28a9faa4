"""Turns that end with neither help nor a person offered (evals/dead_ends.py), as the eval summary counts them."""

from __future__ import annotations

from typing import Any

import pytest

from agent.models.capabilities import cannot_help_sentence
from evals.dead_ends import dead_ends, is_dead_end


def turn(reply: str, *statuses: str, calls: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "user": "the shopper's words",
        "replies": [reply],
        "tool_calls": [{"name": name, "args": {}} for name in calls],
        "tool_results": [{"name": "tool", "result": {"status": s, "message": "m"}} for s in statuses],
    }


@pytest.mark.parametrize(
    ("case", "dead"),
    [
        (turn("I couldn't find that product.", "not_found"), False),  # an answer: not sold here
        (turn("Sorry, I can only help in English for now."), True),
        (turn("Sorry, order 12345 has shipped, so it can't be cancelled.", "refused"), False),
        ({**turn("Cancel order #12346? This cannot be undone."), "confirmation": {"order_id": 12346}}, False),
        (turn("Sorry, I can't help with that myself."), True),
        (turn(cannot_help_sentence(["get_order_information"])), False),  # the offer of a person
        (turn("Order #12345 is Shipped.", "ok"), False),
        (turn("What email address did you use for order 12345?", "needs_info"), False),
        (turn("You're welcome!"), False),
        (turn("Sorry about that. I've passed this to our team.", calls=("transfer_to_human",)), False),
        (turn("Sorry, I couldn't reach the store just now.", "unavailable"), True),
    ],
)
def test_a_dead_end_is_a_failure_with_no_help_and_no_person(case: dict[str, Any], dead: bool) -> None:
    assert is_dead_end(case) is dead


def test_counted_over_transcripts_with_the_messages() -> None:
    first = {"turns": [turn("Order #12345 is Shipped.", "ok"), {**turn("Sorry, I can't."), "user": "fly me"}]}
    second = {"turns": [turn("You're welcome!")]}
    assert dead_ends([first, second]) == (1, 3, ["fly me"])
