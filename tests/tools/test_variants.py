"""Variant-level answers: loose option matching, the variants matching every value given, values that
match nothing, and product references that carry option words, on the electronics demo store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from agent.store.capabilities import FULL_ACCESS
from agent.store.connections import Connection
from agent.tools.context import Conversation, ToolContext
from agent.tools.products import get_product_information
from agent.tools.variants import key
from bigcommerce.money import MoneyFormat
from sandbox.app import Sandbox
from sandbox.demo_electronics import (
    ELECTRONICS_STORE_HASH,
    ELECTRONICS_TOKEN,
    generate_electronics_store,
)
from sandbox.state import SandboxStore

Json = dict[str, Any]


@pytest.fixture
def data() -> Json:
    return generate_electronics_store(0)


@pytest.fixture
async def ctx(data: Json, open_store: Any) -> AsyncIterator[ToolContext]:
    sandbox = Sandbox([SandboxStore.from_data(data)], quota=10**6)
    connection = Connection(
        store_hash=ELECTRONICS_STORE_HASH,
        api_url="http://sandbox.test",
        name="Volt & Thread",
        secure_url="https://volt-thread.example",
        money=MoneyFormat(),
        timezone="America/New_York",
        scopes=dict(FULL_ACCESS),
    )
    store = (connection, ELECTRONICS_TOKEN)
    async with open_store(sandbox, store=store, clock=lambda: datetime.now(UTC)) as context:
        yield context.tools


def _product(data: Json, name: str) -> Json:
    return next(p for p in data["products"] if p["name"] == name)


def _labels(variant: Json) -> list[str]:
    return [ov["label"] for ov in variant["option_values"]]


@pytest.mark.parametrize(
    ("said", "label"),
    [
        ("15 inch", "15-inch"),
        ('15"', "15-inch"),
        ("15in", "15-inch"),
        ("130 degrees", "130°"),
        ("wifi", "Wi-Fi"),
        ("WI FI", "Wi-Fi"),
        ("medium", "M"),
        ("30 ml", "30ml"),
        ("1 tb", "1TB"),
        ("extra large", "XL"),
        ("gray", "Grey"),
        ("us 10", "US 10"),
    ],
)
def test_loose_keys(said: str, label: str) -> None:
    assert key(said) == key(label)


def test_different_values_keep_different_keys() -> None:
    assert (
        len({key(v) for v in ("15-inch", "17-inch", "1TB", "2TB", "S", "M", "S/M", "Wi-Fi", "No Wi-Fi")}) == 9
    )


async def test_laptop_by_option_words_in_the_reference(ctx: ToolContext, data: Json) -> None:
    laptop = _product(data, "Laptop")
    variant = laptop["variants"][-1]
    screen, cpu, storage = _labels(variant)
    said = f"laptop {screen.replace('-inch', ' inch')} {cpu} {storage.lower()}"
    out = await get_product_information(ctx, Conversation("t"), said)
    assert out["status"] == "ok" and out["id"] == laptop["id"]
    assert [row["values"] for row in out["selected"]] == [[screen, cpu, storage]]
    state = "in stock" if variant["inventory_level"] > 0 else "out of stock"
    assert out["selected"][0]["stock"] == state
    assert out["selected"][0]["price"] == f"${variant['calculated_price']:,.2f}"


async def test_partial_values_select_every_matching_variant(ctx: ToolContext, data: Json) -> None:
    shirt = _product(data, "T-Shirt")
    size = _labels(shirt["variants"][0])[0]
    out = await get_product_information(ctx, Conversation("t"), "t-shirt", options=[size.lower()])
    expected = [_labels(v) for v in shirt["variants"] if _labels(v)[0] == size]
    assert [row["values"] for row in out["selected"]] == expected
    assert len(expected) < len(shirt["variants"])  # not every variant


async def test_a_value_that_matches_nothing_is_named_with_what_exists(ctx: ToolContext, data: Json) -> None:
    headphones = _product(data, "Headphones")
    colours = next(o for o in headphones["options"] if o["display_name"] == "Colour")
    offered = [v["label"] for v in colours["option_values"]]
    missing = next(c for c in ("purple", "orange", "yellow") if c.title() not in offered)
    out = await get_product_information(ctx, Conversation("t"), "headphones", options=[missing])
    assert out["status"] == "ok" and out["id"] == headphones["id"]
    assert out["not_offered"] == [{"value": missing, "option": "Colour", "offered": offered}]
    assert missing in out["message"] and all(v in out["message"] for v in offered)


async def test_values_of_one_option_are_alternatives(ctx: ToolContext, data: Json) -> None:
    shirt = _product(data, "T-Shirt")
    sizes = [v["label"] for v in shirt["options"][0]["option_values"]][:2]
    out = await get_product_information(ctx, Conversation("t"), "T-Shirt", options=sizes)
    assert {row["values"][0] for row in out["selected"]} == set(sizes)


async def test_the_longest_fully_named_product_wins(ctx: ToolContext, data: Json) -> None:
    out = await get_product_information(ctx, Conversation("t"), "wireless headphones")
    assert out["name"] == "Wireless Headphones"
    out = await get_product_information(ctx, Conversation("t"), "headphones for my son's birthday")
    assert out["name"] == "Headphones"


async def test_a_digit_word_no_variant_has_is_not_offered(ctx: ToolContext, data: Json) -> None:
    laptop = _product(data, "Laptop")
    cpus = [
        v["label"]
        for v in next(o for o in laptop["options"] if o["display_name"] == "Processor")["option_values"]
    ]
    missing = next(c for c in ("i3", "i5", "i7", "i9") if c not in cpus)
    out = await get_product_information(ctx, Conversation("t"), "laptop", options=[missing])
    assert out["id"] == laptop["id"]
    assert out["not_offered"][0]["option"] == "Processor"


async def test_no_values_no_selection(ctx: ToolContext, data: Json) -> None:
    out = await get_product_information(ctx, Conversation("t"), "Dash Cam")
    assert out["status"] == "ok" and "selected" not in out and "not_offered" not in out
