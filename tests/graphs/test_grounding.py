"""The grounding guard's fact check: money, codes, dates and tracking numbers must come from tool results."""

from __future__ import annotations

from agent.graphs.grounding import check_reply

EVIDENCE = (
    '{"status":"ok","price":"$89.99","sale_price":"$79.99","variants":["Size 12oz: in stock"],'
    '"order":{"placed_on":"June 2, 2025","tracking_number":"1Z999AA10123456784","total":"1.234,50 €"},'
    '"code":"SAVE20"}'
)


def test_grounded_facts_pass() -> None:
    reply = "On sale for $79.99 (was $89.99). Tracking 1Z999AA10123456784, placed June 2, 2025. Code SAVE20."
    assert check_reply(reply, EVIDENCE).grounded
    assert check_reply("Your total was 1.234,50 €.", EVIDENCE).grounded


def test_invented_facts_are_caught() -> None:
    assert check_reply("Only $12.00 today!", EVIDENCE).unsupported == ("$12.00",)  # "12" of 12oz is no price
    assert check_reply("Use code FREEGLOVES at checkout.", EVIDENCE).unsupported == ("FREEGLOVES",)
    assert check_reply("It ships March 3, 2026.", EVIDENCE).unsupported == ("March 3, 2026",)
    assert not check_reply("Tracking: 1Z999AA10123456799", EVIDENCE).grounded


def test_plain_words_are_not_facts() -> None:
    assert check_reply("Hi! How can I help with your order today?", EVIDENCE).grounded
