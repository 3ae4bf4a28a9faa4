"""get_product_information against the demo store: finding by id, page, name and description; live
truth over the index; hidden and wholesale-only products indistinguishable from missing ones; absurd
input; the disambiguation rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.tools.products import _choose, get_product_information
from agent.tools.results import UNAVAILABLE, ToolResult, to_text
from bigcommerce.types.catalog import Product

from .conftest import ToolsEnv

HIDDEN = "Carbon Pro Sparring Gloves (Prototype)"
WHOLESALE = "Bulk Hand Wraps (Case of 50)"


async def ask(env: ToolsEnv, product: str | None = None, product_id: int | None = None) -> ToolResult:
    return await get_product_information(env.ctx, env.conversation, product=product, product_id=product_id)


def ids_in(outcome: ToolResult) -> set[int]:
    listed = outcome.get("candidates", []) + outcome.get("similar", [])
    return {entry["id"] for entry in listed} | ({outcome["id"]} if "id" in outcome else set())


# ------------------------------------------------------------------------------------ finding


async def test_finds_the_premium_gloves_by_name(indexed_env: ToolsEnv) -> None:
    for reference in (
        "Premium Boxing Gloves",
        "premium boxing gloves",
        "the premium gloves",
        "Do you have the Premium Boxing Glove?",
        "premium gloves in red",
    ):
        outcome = await ask(indexed_env, reference)
        assert outcome["status"] == "ok", (reference, outcome)
        assert (outcome["id"], outcome["name"]) == (1, "Premium Boxing Gloves")


@pytest.mark.parametrize(
    ("product", "product_id"), [(None, 1), ("1", None), ("#1", None), ("product #1", None), ("x", 1)]
)
async def test_finds_by_id(env: ToolsEnv, product: str | None, product_id: int | None) -> None:
    outcome = await ask(env, product, product_id)
    assert outcome["status"] == "ok"
    assert outcome["id"] == 1


@pytest.mark.parametrize("reference", ["this one", "it", "This!", None, "  "])
async def test_page_product(env: ToolsEnv, reference: str | None) -> None:
    env.conversation.product_id = 1
    outcome = await ask(env, reference)
    assert (outcome["status"], outcome["id"]) == ("ok", 1)


@pytest.mark.parametrize("reference", ["this one", None, "???"])
async def test_asks_which_product_without_a_page(env: ToolsEnv, reference: str | None) -> None:
    outcome = await ask(env, reference)
    assert outcome["status"] == "needs_info"
    assert "which product" in outcome["message"].lower()


async def test_a_name_wins_over_the_page(env: ToolsEnv) -> None:
    env.conversation.product_id = 1
    outcome = await ask(env, "Competition Kettlebell")
    assert (outcome["status"], outcome["id"]) == ("ok", 10)


async def test_without_an_index_the_keyword_search_finds_it(env: ToolsEnv) -> None:
    assert env.ctx.index is None
    for reference in ("Premium Boxing Gloves", "the premium gloves"):
        outcome = await ask(env, reference)
        assert (outcome["status"], outcome["id"]) == ("ok", 1)


# ------------------------------------------------------------------------------------ facts


async def test_premium_gloves_facts(env: ToolsEnv) -> None:
    outcome = await ask(env, "Premium Boxing Gloves")
    assert outcome["price"] == "$89.99"
    assert outcome["sale_price"] == "$79.99"
    assert outcome["current_price"] == "$79.99"
    assert "$79.99" in outcome["message"] and "$89.99" in outcome["message"]
    assert outcome["availability"] == "available"
    assert outcome["stock"] == "some options out of stock"
    assert outcome["options"] == {
        "Size": ["10oz", "12oz", "14oz", "16oz"],
        "Colour": ["Red", "Black", "Blue"],
    }
    assert len(outcome["variants"]) == 12
    assert "Size 12oz, Colour Red: in stock" in outcome["variants"]
    assert [line for line in outcome["variants"] if "out of stock" in line] == [
        "Size 16oz, Colour Blue: out of stock"
    ]
    assert {"name": "Material", "value": "Genuine leather"} in outcome["custom_fields"]
    assert {"name": "Country of origin", "value": "Pakistan"} in outcome["custom_fields"]
    video_id = env.store.products[1]["videos"][0]["video_id"]
    assert outcome["videos"] == [f"https://www.youtube.com/watch?v={video_id}"]
    assert outcome["url"] == "https://knockout-fitness.example/premium-boxing-gloves/"
    assert outcome["image"].startswith("https://cdn11.bigcommerce.com/")
    assert "variants_note" not in outcome
    assert len(to_text(outcome)) < 2500  # compact: it goes to a model


async def test_live_price_and_stock_not_the_index(indexed_env: ToolsEnv) -> None:
    store = indexed_env.store
    store.update_product(1, {"price": 99.0, "sale_price": 0})
    with store.lock:
        store.products[1]["variants"][0]["inventory_level"] = 0  # 10oz Red sells out
    outcome = await ask(indexed_env, "Premium Boxing Gloves")
    assert (outcome["price"], outcome["current_price"]) == ("$99.00", "$99.00")
    assert "sale_price" not in outcome
    assert "$79.99" not in to_text(outcome) and "$89.99" not in to_text(outcome)
    assert sum("out of stock" in line for line in outcome["variants"]) == 2
    assert "Size 10oz, Colour Red: out of stock" in outcome["variants"]


async def test_out_of_stock_product_found_through_the_keyword_search(indexed_env: ToolsEnv) -> None:
    assert indexed_env.ctx.index is not None
    assert indexed_env.ctx.index.get("product-5") is None  # the index holds only in-stock products
    outcome = await ask(indexed_env, "Champion Satin Boxing Shorts")
    assert (outcome["status"], outcome["id"]) == ("ok", 5)
    assert outcome["stock"] == "out of stock"
    assert outcome["variants"] == [f"Size {size}: out of stock" for size in ("S", "M", "L", "XL")]
    assert "out of stock" in outcome["message"]


async def test_single_line_stock_and_availability(env: ToolsEnv) -> None:
    wraps = await ask(env, product_id=2)  # product-level tracking
    assert (wraps["stock"], wraps["variants"]) == ("in stock", ["in stock"])
    bag = await ask(env, product_id=3)  # untracked
    assert (bag["stock"], bag["variants"]) == ("in stock", ["in stock"])
    rope = await ask(env, product_id=9)  # product-level tracking, none left
    assert (rope["stock"], rope["variants"]) == ("out of stock", ["out of stock"])
    speed_bag = await ask(env, product_id=6)
    assert speed_bag["availability"] == "not purchasable" and "cannot be bought" in speed_bag["message"]
    headgear = await ask(env, product_id=11)
    assert headgear["availability"] == "pre-order"


async def test_variant_prices_shown_when_they_differ(env: ToolsEnv) -> None:
    outcome = await ask(env, product_id=10)  # kettlebell: heavier costs more
    assert outcome["variants"][0] == "Weight 8kg: in stock ($39.00)"
    assert len({line.rsplit("(", 1)[1] for line in outcome["variants"]}) == 4


async def test_variant_lines_are_capped(env: ToolsEnv) -> None:
    with env.store.lock:
        product = env.store.products[1]
        template = product["variants"][0]
        product["variants"] = [
            {
                **template,
                "id": 9000 + n,
                "option_values": [{**template["option_values"][0], "label": f"#{n}"}],
            }
            for n in range(45)
        ]
    outcome = await ask(env, product_id=1)
    assert len(outcome["variants"]) == 30
    assert outcome["variants_note"] == "15 more variants not listed"


async def test_hidden_price_is_not_quoted(env: ToolsEnv) -> None:
    env.store.update_product(2, {"is_price_hidden": True, "price_hidden_label": "Call for price"})
    outcome = await ask(env, product_id=2)
    assert outcome["price_note"] == "Call for price"
    assert "$" not in to_text(outcome)


# ------------------------------------------------------------------------------------ hidden and wholesale


@pytest.mark.parametrize("product_id", [4, 7, 8])
async def test_hidden_and_wholesale_by_id_look_missing(env: ToolsEnv, product_id: int) -> None:
    missing = await ask(env, product_id=99999)
    assert missing == {"status": "not_found", "message": "I couldn't find that product."}
    assert await ask(env, product_id=product_id) == missing
    assert await ask(env, f"#{product_id}") == missing
    env.conversation.product_id = product_id
    assert await ask(env, "this one") == missing


async def test_hidden_and_wholesale_by_name_look_missing(indexed_env: ToolsEnv) -> None:
    for name in (HIDDEN, WHOLESALE, "Bulk Jump Ropes (Case of 25)", "carbon prototype", "bulk wraps"):
        outcome = await ask(indexed_env, name)
        assert outcome["status"] == "not_found", (name, outcome)
        assert outcome["message"] == "I couldn't find that product."
        text = to_text(outcome)
        for secret in (HIDDEN, WHOLESALE, "Carbon", "Bulk", "Case of"):
            assert secret not in text
        assert not ids_in(outcome) & {4, 7, 8, 19}


async def test_nothing_restricted_without_the_customers_scope(env: ToolsEnv) -> None:
    env.ctx.connection.scopes["customers"] = "none"
    outcome = await ask(env, WHOLESALE)
    assert (outcome["status"], outcome["id"]) == ("ok", 7)
    assert (await ask(env, product_id=4))["status"] == "not_found"  # hidden stays hidden


async def test_a_product_that_became_hidden_after_indexing(indexed_env: ToolsEnv) -> None:
    indexed_env.store.update_product(10, {"is_visible": False})
    outcome = await ask(indexed_env, "Competition Kettlebell")
    assert outcome["status"] == "not_found"
    assert "Kettlebell" not in to_text(outcome)


# ------------------------------------------------------------------------------------ ambiguity


async def test_ambiguous_reference_lists_candidates(indexed_env: ToolsEnv) -> None:
    expected = {"boxing gloves": {1, 30}, "hoodie": {14, 35}, "jump rope": {9, 20, 22, 25, 31}}
    for reference, ids in expected.items():
        outcome = await ask(indexed_env, reference)
        assert outcome["status"] == "ambiguous", (reference, outcome)
        assert ids_in(outcome) == ids  # no wholesale case of ropes (#8), no hidden gloves (#4, #36)
        for candidate in outcome["candidates"]:
            assert {"id", "name", "price", "stock", "url"} <= set(candidate)  # a shortlist's line
            assert candidate["price"].startswith("$")
    # Speed Jump Rope (#9) is sold out: only the keyword search knows it, and its price is live
    rope = next(c for c in outcome["candidates"] if c["id"] == 9)
    assert {k: rope[k] for k in ("id", "name", "price", "stock")} == {
        "id": 9,
        "name": "Speed Jump Rope",
        "price": "$19.99",
        "stock": "out of stock",
    }
    assert outcome["candidates"][-1] == rope  # in stock first


async def test_description_gives_similar_products(indexed_env: ToolsEnv) -> None:
    outcome = await ask(indexed_env, "something to protect my hands when hitting the bag")
    assert outcome["status"] == "not_found"
    assert 1 <= len(outcome["similar"]) <= 5
    assert all(entry["price"].startswith("$") for entry in outcome["similar"])


def _product(pid: int, name: str) -> Product:
    return Product(id=pid, name=name, price=Decimal(10))


def test_rule_exact_name_wins() -> None:
    candidates = [_product(1, "Pro Gloves"), _product(2, "Pro Gloves Deluxe")]
    assert _choose("pro gloves", candidates, {})[0] == 1


def test_rule_best_name_share_wins() -> None:
    candidates = [_product(1, "Premium Boxing Gloves"), _product(2, "Street Boxing Gloves")]
    assert _choose("premium gloves", candidates, {1: 0.4, 2: 0.6})[0] == 1
    assert _choose("premium gloves in red", candidates, {})[0] == 1  # two of three words


def test_rule_half_the_words_is_not_enough() -> None:
    candidates = [_product(1, "Classic Cotton Hand Wraps"), _product(2, "Pro Gel Wraps")]
    assert _choose("bulk wraps", candidates, {1: 0.9, 2: 0.1}) == (None, [])


def test_rule_a_tie_is_asked_about_even_with_a_vector_lead() -> None:
    candidates = [_product(1, "Red Boxing Gloves"), _product(2, "Blue Boxing Gloves"), _product(3, "Gloves")]
    chosen, tied = _choose("boxing gloves", candidates, {1: 0.5, 2: 0.9, 3: 0.95})
    assert chosen is None and [p.id for p in tied] == [2, 1]  # best vector score first
    chosen, tied = _choose("boxing gloves", candidates, {2: 0.9})  # 1 is not in the index
    assert chosen is None and [p.id for p in tied] == [2, 1]


def test_rule_too_few_words_names_nothing() -> None:
    candidates = [_product(1, "Classic Cotton Hand Wraps")]
    assert _choose("Bulk Hand Wraps (Case of 50)", candidates, {1: 0.9}) == (None, [])


# ------------------------------------------------------------------------------------ absurd input


ABSURD = [
    "x" * 10_240,
    "<p>" * 3000 + "Premium",
    "<script>alert(1)</script>",
    "1; DROP TABLE products",
    "' OR 1=1 --",
    "-5",
    "#0",
    "99999999999",
    "../../v2/orders",
    "\x00\u202e",
]


async def test_absurd_references(indexed_env: ToolsEnv) -> None:
    for reference in ABSURD:
        outcome = await ask(indexed_env, reference)
        assert outcome["status"] in {"not_found", "invalid", "needs_info"}, (reference[:50], outcome)
        assert not ids_in(outcome), (reference[:50], outcome)
    # a long reference is cut to 200 characters before searching, and still finds what it names
    outcome = await ask(indexed_env, "Premium Boxing Gloves " + "z" * 10_000)
    assert (outcome["status"], outcome["id"]) == ("ok", 1)


@pytest.mark.parametrize("product_id", [-5, 0, 10**12, True, "1; DROP TABLE", "abc"])
async def test_absurd_ids(env: ToolsEnv, product_id: object) -> None:
    outcome = await get_product_information(env.ctx, env.conversation, product_id=product_id)  # type: ignore[arg-type]
    assert outcome == {"status": "invalid", "message": "Product numbers are positive whole numbers."}


# ------------------------------------------------------------------------------------ store down


async def test_store_unreachable(indexed_env: ToolsEnv) -> None:
    indexed_env.sandbox.faults.update({"error_rate": 1.0})
    for product, product_id in ((None, 1), ("Premium Boxing Gloves", None), ("boxing gloves", None)):
        outcome = await ask(indexed_env, product, product_id)
        assert outcome == {"status": "unavailable", "message": UNAVAILABLE}
