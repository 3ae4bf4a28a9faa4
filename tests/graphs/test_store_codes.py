"""Codes written as the store writes them but not marked as codes ("is summer-sale still valid?"): found
among the store's own codes (issue 22), through the router graph with the offline model."""

from __future__ import annotations

import uuid
from typing import Any

from agent.graphs.store_codes import mark_codes
from agent.runtime import Agent
from tests.tools.conftest import ToolsEnv


def _coupon(env: ToolsEnv, code: str) -> None:
    store = env.store
    template = next(iter(store.coupons.values()))
    ident = max(store.coupons) + 1
    store.coupons[ident] = {
        **template,
        "id": ident,
        "code": code,
        "name": code,
        "enabled": True,
        "expires": "",
    }


def _promotion_with_code(env: ToolsEnv, code: str) -> None:
    store = env.store
    template: dict[str, Any] = next(
        p for p in store.promotions.values() if p.get("coupon_type") == "SINGLE" and p.get("codes")
    )
    ident = max(store.promotions) + 1
    codes = [{**template["codes"][0], "code": code, "current_uses": 0}]
    store.promotions[ident] = {**template, "id": ident, "name": f"{code} promotion", "codes": codes}


def test_a_store_code_in_a_message_is_marked_in_the_store_spelling() -> None:
    codes = ["summer-sale", "Spring Fling", "SAVE20"]
    assert mark_codes("is summer-sale still valid?", codes) == 'is code "summer-sale" still valid?'
    assert mark_codes("does spring  fling work on gloves", codes) == 'does code "Spring Fling" work on gloves'
    assert mark_codes("is SUMMER-SALE valid", codes) == 'is code "summer-sale" valid'


def test_only_whole_words_match() -> None:
    codes = ["sale", "summer-sale", "10"]
    assert mark_codes("is the summer-sales code valid", ["summer-sale"]) == "is the summer-sales code valid"
    assert mark_codes("presale items", codes) == "presale items"
    assert mark_codes("is 10 valid", ["10"]) == "is 10 valid"  # too short, digits only
    assert mark_codes("is the mid-summer-sale on", ["summer-sale"]) == "is the mid-summer-sale on"


async def test_an_unmarked_lower_case_hyphenated_code_is_checked(agent: Agent, env: ToolsEnv) -> None:
    _coupon(env, "summer-sale")
    result = await agent.send(uuid.uuid4().hex, "is summer-sale still valid?")
    calls = [c for c in result.tool_calls if c["name"] == "lookup_discount_code"]
    assert calls and calls[0]["args"]["code"].lower() == "summer-sale"
    assert "summer-sale" in result.text.lower()
    assert "which discount code" not in result.text.lower()


async def test_an_unmarked_code_of_several_words_is_checked(agent: Agent, env: ToolsEnv) -> None:
    _promotion_with_code(env, "Spring Fling")
    result = await agent.send(uuid.uuid4().hex, "does spring fling work on gloves?")
    calls = [c for c in result.tool_calls if c["name"] == "lookup_discount_code"]
    assert calls and calls[0]["args"]["code"] == "Spring Fling"


async def test_a_word_the_store_has_no_code_for_is_not_looked_up(agent: Agent, env: ToolsEnv) -> None:
    _coupon(env, "summer-sale")
    result = await agent.send(uuid.uuid4().hex, "is winter-sale still valid?")
    assert not [c for c in result.tool_calls if c["name"] == "lookup_discount_code"]


async def test_a_message_about_no_code_costs_the_store_nothing(env: ToolsEnv) -> None:
    from agent.graphs.store_codes import mark_store_codes

    _coupon(env, "summer-sale")
    before = env.ctx.client.stats.requests
    for text in ("can I pay with paypal", "how do I use the gloves", "where is my order 12345"):
        assert await mark_store_codes(env.context, text) == text
    assert env.ctx.client.stats.requests == before
    marked = await mark_store_codes(env.context, "is summer-sale still valid?")
    assert marked == 'is code "summer-sale" still valid?' and env.ctx.client.stats.requests > before
