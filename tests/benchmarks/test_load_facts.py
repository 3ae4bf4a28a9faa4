"""benchmarks/load_facts.py: reading a reply's product facts and judging them against the timeline."""

from __future__ import annotations

from benchmarks.load_facts import Answer, Fact, Timeline, check_answers, product_facts, stock_state


def test_reads_the_price_the_regular_price_and_the_stock_of_an_on_sale_reply() -> None:
    reply = "Premium Boxing Gloves: $1,090.99 (on sale, regularly $1,101.00); some options out of stock."
    assert product_facts(reply) == [
        Fact("current price", "1090.99"),
        Fact("regular price", "1101.00"),
        Fact("stock", "some options out of stock"),
    ]


def test_reads_a_reply_without_a_sale() -> None:
    reply = "Premium Boxing Gloves: $101.00; in stock. Want the sizes?"
    assert product_facts(reply) == [Fact("current price", "101.00"), Fact("stock", "in stock")]


def test_a_reply_without_a_price_or_stock_has_no_facts_and_one_in_an_unknown_form_is_unparsed() -> None:
    assert product_facts("Your order #100 has shipped.") == []
    assert product_facts("The Premium Boxing Gloves come in size 10oz, 12oz, 14oz and 16oz.") == []
    assert product_facts("The Premium Boxing Gloves cost $80.00 today.") is None
    assert product_facts("The Premium Boxing Gloves are in stock in every size.") is None


def timeline() -> Timeline:
    """$100 until a change sent at 10 s and answered at 11 s, $90 until one sent at 20 s, answered at 21 s."""
    line = Timeline()
    line.record("current price", "100.00", float("-inf"), 0.0, 0.0)
    line.record("current price", "90.00", 10.0, 11.0, 0.0)
    line.record("current price", "80.00", 20.0, 21.0, 0.0)
    return line


def test_a_value_is_held_from_its_change_sent_to_the_next_change_answered() -> None:
    line = timeline()
    assert line.held("current price", "100.00", 10.5, 10.6)  # the change to $90 may not have happened
    assert not line.held("current price", "100.00", 11.5, 30.0)
    assert line.held("current price", "90.00", 20.5, 30.0)
    assert not line.held("current price", "70.00", 0.0, 30.0)
    assert line.value_at("current price", 10.5) == "100.00"
    assert line.value_at("current price", 15.0) == "90.00"


def test_recording_the_same_value_again_keeps_its_first_moment() -> None:
    line = timeline()
    line.record("current price", "80.00", 40.0, 41.0, 0.0)
    assert [c.sent for c in line.changes["current price"]] == [float("-inf"), 10.0, 20.0]


def test_stale_is_outside_the_window_and_not_current_outside_the_turn() -> None:
    line = timeline()
    answers = [
        Answer("q", 30.0, 31.0, ["Premium Boxing Gloves: $80.00; in stock."]),  # current
        Answer("q", 30.0, 31.0, ["Premium Boxing Gloves: $90.00; in stock."]),  # 9 s old: lag
        Answer("q", 50.0, 51.0, ["Premium Boxing Gloves: $90.00; in stock."]),  # 29 s old: stale
        Answer(
            "How much are the Premium Boxing Gloves?", 30.0, 31.0, ["Premium Boxing Gloves: about $80.00"]
        ),
        Answer(
            "Where is my order?", 30.0, 31.0, ["Items: 1 x Premium Boxing Gloves (Size: 12oz)"]
        ),  # not asked
    ]
    check = check_answers(answers, line, window=20.0)
    assert (check.replies, check.unparsed) == (4, 1)  # the order's line item is not a product reply
    assert check.checked == 6  # a price and a stock state each; no stock timeline, so stock is not judged
    assert (check.stale, check.not_current) == (1, 1)


def test_stock_state_says_what_the_tool_says() -> None:
    assert stock_state({1: 4, 2: 1}, set()) == "in stock"
    assert stock_state({1: 4, 2: 0}, set()) == "some options out of stock"
    assert stock_state({1: 4, 2: 3}, {1, 2}) == "out of stock"
