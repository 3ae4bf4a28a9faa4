"""When a person is offered (no model needed): the kinds of trouble, the same question again, two turns
without help, a lockout; and what is not trouble."""

from __future__ import annotations

import pytest

from agent.handoff.offer import (
    OFFER_QUESTION,
    accepts_offer,
    complaint_kind,
    declines_offer,
    offer_reason,
    with_offer,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("this is ridiculous", "frustration"),
        ("you're useless", "frustration"),
        ("I want to file a complaint", "complaint"),
        ("my parcel never arrived", "complaint"),
        ("my heavy bag arrived with a huge rip down the side", "damaged or wrong item"),
        ("ordered red gloves and got blue ones??", "damaged or wrong item"),
        ("my gloves fell apart after 2 weeks", "damaged or wrong item"),
        ("tracking says delivered but theres nothing at my door", "damaged or wrong item"),
        ("you sent me the wrong size", "damaged or wrong item"),
        ("was charged 2x for 50025", "payment problem"),
        ("my card was declined at checkout", "payment problem"),
        ("someone used my card, this is fraud", "fraud or legal"),
        ("I'll be contacting my lawyer", "fraud or legal"),
        ("my bank statement shows two charges of $2,287.42 for order 50040", "payment problem"),
        ("someone used my account and ordered a phone i didnt buy, order 50012", "fraud or legal"),
        ("I did not authorize this purchase", "fraud or legal"),
        ("3rd time asking and ur bot keeps giving me nonsense", "frustration"),
        ("my order is a mess \U0001f621", "frustration"),
    ],
)
def test_trouble_is_recognised(text: str, kind: str) -> None:
    assert complaint_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "where is my order 12345",
        "do the gloves come in red?",
        "is SAVE20 still valid",
        "thanks, that's great",
        "i didnt order yet, what sizes are there",
        "I never ordered anything here before, do you ship to Canada?",
        "the second time I order from you, any codes?",
    ],
)
def test_ordinary_questions_are_not_trouble(text: str) -> None:
    assert complaint_kind(text) is None
    assert offer_reason(text, [], ["Order #12345 has shipped."], ["ok"], 0) is None


def test_the_same_question_again_two_unhelped_turns_and_a_lockout() -> None:
    assert (
        offer_reason("where is my order 12345", ["Where is my order 12345?"], ["..."], [], 0) == "frustration"
    )
    sorry = ["Sorry, I can't help with that myself."]
    assert offer_reason("book me a flight", [], sorry, [], 0) is None
    assert offer_reason("what's the weather", [], sorry, [], 1) == "two turns without help"
    assert offer_reason("order 1 a@b.co", [], ["..."], ["locked"], 0) == "lookup lockout"


def test_answers_to_the_offer() -> None:
    assert accepts_offer("Yes, pass it to the team") and accepts_offer("yes please") and accepts_offer("sure")
    assert not accepts_offer("no thanks") and declines_offer("no thanks") and declines_offer("nope")
    assert not accepts_offer("yes but not now, don't") and not accepts_offer("where is my order")


def test_the_offer_replaces_the_generic_line_once() -> None:
    reply = "Sorry, I can't help with that myself. I can also connect you with a member of our team: just ask for a person."
    offered = with_offer(reply)
    assert offered == f"Sorry, I can't help with that myself. {OFFER_QUESTION}"
    assert with_offer(offered) == offered


def test_trouble_is_apologised_for_once() -> None:
    reply = "Order #12345 is Shipped."
    assert with_offer(reply, "damaged or wrong item") == f"I'm sorry about that. {reply} {OFFER_QUESTION}"
    sorry = "Sorry to hear that. Order #12345 is Shipped."
    assert with_offer(sorry, "payment problem") == f"{sorry} {OFFER_QUESTION}"
    assert with_offer(reply, "two turns without help") == f"{reply} {OFFER_QUESTION}"  # no trouble told
