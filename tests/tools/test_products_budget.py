"""Browsing at a price (issue 23): "gift ideas for a boxer under $50" lists what fits, at $50 or less,
read live, best match first; nothing under the price is said plainly; a budget given to a single
product question is not a browse unless the model asks for one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.tools.products import _price_cap, get_product_information
from tests.tools.conftest import ToolsEnv


def _price(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


async def test_a_browse_at_a_price_lists_only_what_fits(indexed_env: ToolsEnv) -> None:
    answer = await get_product_information(
        indexed_env.ctx, indexed_env.conversation, "gift ideas for my boyfriend who boxes", max_price=50
    )
    assert answer["status"] == "ambiguous" and "$50.00 or less" in answer["message"]
    entries = answer["candidates"]
    assert entries and all(_price(e["price"]) <= 50 for e in entries)
    everything = await get_product_information(
        indexed_env.ctx, indexed_env.conversation, "gift ideas for my boyfriend who boxes", max_price=100000
    )
    assert any(_price(e["price"]) > 50 for e in everything["candidates"])  # the cap did the filtering


async def test_the_price_is_read_live(indexed_env: ToolsEnv) -> None:
    first = await get_product_information(
        indexed_env.ctx, indexed_env.conversation, "boxing gloves", max_price=1000
    )
    cheapest = first["candidates"][0]
    with indexed_env.store.lock:
        product = indexed_env.store.products[cheapest["id"]]
        product["price"] = 5000.0
        product["sale_price"] = 0.0
        product["calculated_price"] = 5000.0
    again = await get_product_information(
        indexed_env.ctx, indexed_env.conversation, "boxing gloves", max_price=1000
    )
    assert cheapest["id"] not in [e["id"] for e in again.get("candidates", [])]


async def test_nothing_at_that_price_is_said_plainly(indexed_env: ToolsEnv) -> None:
    answer = await get_product_information(
        indexed_env.ctx, indexed_env.conversation, "heavy bag", max_price=0.5
    )
    assert answer["status"] == "not_found" and "$0.50 or less" in answer["message"]


@pytest.mark.parametrize(
    ("given", "cap"),
    [
        (50, Decimal(50)),
        ("$49.99", Decimal("49.99")),
        ("1,000", Decimal(1000)),
        ("0", None),
        ("-5", None),
        ("fifty", None),
        (None, None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_max_price_as_the_model_may_give_it(given: object, cap: Decimal | None) -> None:
    assert _price_cap(given) == cap


async def test_an_open_ended_gift_nothing_matches_gets_the_cheapest_that_fit(indexed_env: ToolsEnv) -> None:
    answer = await get_product_information(
        indexed_env.ctx, indexed_env.conversation, "a gift for my teenage nephew zqxv", max_price=40
    )
    assert answer["status"] == "ambiguous"
    prices = [_price(e["price"]) for e in answer["candidates"]]
    assert prices and all(p <= 40 for p in prices)
