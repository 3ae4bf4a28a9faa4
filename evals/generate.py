"""Scenarios written from a store's own data: `bcagent eval generate --store demo|electronics|FIXTURE.json`.

For the generated stores (``generate_demo_store(300, seed)``, ``generate_electronics_store(seed)``) the
store and the scenarios both come from the seed, so another seed gives another catalog and a fresh set
of conversations nobody tuned the assistant to; for a fixture file the seed picks the scenarios. Each
scenario is phrased from templates with the store's facts in loose spellings ("15 inch" for 15-inch,
"130 degrees" for 130°, "medium" for M, lower case), and expects only what the store says:

- variant stock and price: every option value given (one variant), or one value (the variants with it);
- a colour the product does not come in: say so, and name the colours it has;
- line items: "what's in my order N? my email is E": each item's name, option values and quantity;
- order lookups over two turns (the number, then the email), with status and tracking;
- cancellations (allowed and confirmed, declined, refused because shipped) and refusals (a wrong
  email, "mark my order refunded", a hidden product).
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sandbox.demo import generate_demo_store
from sandbox.demo_electronics import generate_electronics_store
from sandbox.state import SandboxStore

Json = dict[str, Any]
CANCELLABLE = {1, 7, 9, 11}
SHIPPED = {2, 10}
STATUS = {1: "Pending", 2: "Shipped", 7: "Awaiting Payment", 9: "Awaiting Shipment", 10: "Completed",
          11: "Awaiting Fulfillment", 5: "Cancelled", 3: "Partially Shipped", 4: "Refunded",
          14: "Partially Refunded"}  # fmt: skip
MISSING_COLOURS = ("purple", "orange", "yellow", "beige", "maroon")


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def loosen(label: str, rng: random.Random) -> str:
    """An option value as a shopper might type it."""
    if m := re.fullmatch(r"(\d+)-inch", label):
        return rng.choice((f"{m[1]} inch", f'{m[1]}"', f"{m[1]}-inch", f"{m[1]}in", f"{m[1]} inches"))
    if m := re.fullmatch(r"(\d+)°", label):
        return rng.choice((f"{m[1]} degrees", f"{m[1]}°", f"{m[1]} degree"))
    if m := re.fullmatch(r"(\d+)(ml|GB|TB|mAh|L|mm)", label):
        return rng.choice((f"{m[1]} {m[2].lower()}", f"{m[1]}{m[2].lower()}", label))
    sizes = {"S": ("small", "S"), "M": ("medium", "M"), "L": ("large", "L"), "XL": ("XL", "extra large"),
             "XS": ("XS", "extra small"), "XXL": ("XXL",)}  # fmt: skip
    if label in sizes:
        return rng.choice(sizes[label])
    if label == "Wi-Fi":
        return rng.choice(("wifi", "Wi-Fi", "wi-fi"))
    if label == "No Wi-Fi":
        return rng.choice(("no wifi", "no Wi-Fi"))
    return rng.choice((label.lower(), label, label.replace("-", " ").lower()))


def _say_name(name: str, rng: random.Random) -> str:
    return rng.choice((name, name.lower(), name.lower().replace("-", " ") if "-" in name else name.lower()))


def _labels(variant: Json) -> list[str]:
    return [ov["label"] for ov in variant["option_values"]]


def _state(product: Json, variant: Json) -> str:
    if product["inventory_tracking"] == "variant":
        return "in stock" if variant["inventory_level"] > 0 else "out of stock"
    if product["inventory_tracking"] == "product":
        return "in stock" if product["inventory_level"] > 0 else "out of stock"
    return "in stock"


def _askable(product: Json) -> bool:
    """Visible, and no option of bare numbers (jeans' 32 waist / 32 length read the same)."""
    if not product.get("variants") or not product.get("options"):
        return False  # a product without options: nothing to ask about a variant
    bare = any(ov["label"].isdigit() for v in product["variants"][:1] for ov in v["option_values"])
    return bool(product["is_visible"]) and not bare


STOCK = (
    "Is the {p} in {v} in stock?",
    "do you have the {p} in {v}?",
    "{p} in {v} - available?",
    "Any {p} left in {v}?",
    "is the {p} available in {v} right now",
    "I'd like the {p}, {v}. Do you have it in stock?",
)
PRICE = ("How much is the {p} in {v}?", "what's the price of the {p} in {v}", "{p} {v}: how much?")


def _variant_scenarios(products: list[Json], rng: random.Random, count: int) -> list[Json]:
    out = []
    pool = [p for p in products if _askable(p)]
    for n in range(count if pool else 0):
        product = pool[n % len(pool)]
        variant = rng.choice(product["variants"])
        labels = _labels(variant)
        said = " ".join(loosen(label, rng) for label in labels)
        price_question = n % 4 == 3
        template = rng.choice(PRICE if price_question else STOCK)
        text = template.format(p=_say_name(product["name"], rng), v=said)
        state = _state(product, variant)
        price = _money(variant["calculated_price"])
        expect: Json = {
            "tool_calls": [{"name": "get_product_information"}],
            "reply_contains": [price] if price_question else [state, price],
        }
        if state == "in stock" and not price_question:
            expect["reply_excludes"] = ["out of stock"]
        out.append(_scenario(f"variant-{n + 1}", ["products", "variants", "stock"], [text], expect))
    return out


def _partial_scenarios(products: list[Json], rng: random.Random, count: int) -> list[Json]:
    out = []
    pool = [
        p for p in products if _askable(p) and len(p["options"]) >= 2 and p["inventory_tracking"] == "variant"
    ]
    rng.shuffle(pool)
    for n, product in enumerate(pool[:count]):
        option = rng.choice(product["options"])
        value = rng.choice(option["option_values"])["label"]
        matching = [v for v in product["variants"] if value in _labels(v)]
        text = rng.choice(STOCK).format(p=_say_name(product["name"], rng), v=loosen(value, rng))
        states = {_state(product, v) for v in matching}
        expect: Json = {"tool_calls": [{"name": "get_product_information"}], "reply_contains": sorted(states)}
        others = [
            v["label"] for v in option["option_values"]
            if v["label"] != value and len(v["label"]) >= 4 and v["label"].lower() not in product["name"].lower()
            and all(v["label"].lower() not in label.lower() for m in matching for label in _labels(m))
        ]  # fmt: skip
        if others:
            expect["reply_excludes"] = others[:1]  # answers for the variants asked about, not all
        out.append(_scenario(f"variant-partial-{n + 1}", ["products", "variants", "stock"], [text], expect))
    return out


def _missing_colour_scenarios(products: list[Json], rng: random.Random, count: int) -> list[Json]:
    out = []
    pool = [p for p in products if _askable(p) and any(o["display_name"] == "Colour" for o in p["options"])]
    rng.shuffle(pool)
    for n, product in enumerate(pool[:count]):
        colours = [
            v["label"]
            for o in product["options"]
            if o["display_name"] == "Colour"
            for v in o["option_values"]
        ]
        missing = next((c for c in MISSING_COLOURS if c.title() not in colours), None)
        if missing is None:
            continue
        text = rng.choice(
            ("Do you have the {p} in {c}?", "Does the {p} come in {c}?", "is the {p} available in {c}")
        )
        expect = {
            "tool_calls": [{"name": "get_product_information"}],
            "reply_contains": [missing, *colours],
        }
        turns = [text.format(p=_say_name(product["name"], rng), c=missing)]
        out.append(
            _scenario(
                f"variant-missing-colour-{n + 1}", ["products", "variants", "not-offered"], turns, expect
            )
        )
    return out


LINE_ITEMS = (
    "What items are in my order {o}? My email is {e}",
    "{e} here - what did I order in #{o}?",
    "can you tell me what's in order number {o}? email {e}",
    "hi, what was in my order {o}, I used {e}",
    "Which products did I buy in order #{o}? ({e})",
)


def _orders_of(data: Json, statuses: set[int] | None = None) -> list[Json]:
    return [o for o in data["orders"] if statuses is None or o["status_id"] in statuses]


def _line_item_scenarios(data: Json, rng: random.Random, count: int) -> list[Json]:
    out = []
    orders = _orders_of(data)
    rng.shuffle(orders)
    for n, order in enumerate([o for o in orders if o.get("products")][:count]):
        email = order["billing_address"]["email"]
        facts = []
        for item in order["products"]:
            facts.append(f"{item['quantity']} x {item['name']}")
            facts += [opt["display_value"] for opt in item.get("product_options") or []]
        text = rng.choice(LINE_ITEMS).format(o=order["id"], e=email)
        expect = {
            "tool_calls": [{"name": "get_order_information", "args": {"order_id": str(order["id"])}}],
            "reply_contains": list(dict.fromkeys(facts)),
        }
        out.append(_scenario(f"order-line-items-{n + 1}", ["orders", "line-items"], [text], expect))
    return out


ASK_ORDER = (
    "Where is my order {o}?",
    "has order #{o} shipped yet",
    "whats the status of my order {o}",
    "order {o}?",
)
GIVE_EMAIL = ("it's {e}", "{e}", "my email is {e}", "email: {e}")


def _lookup_scenarios(data: Json, rng: random.Random, count: int) -> list[Json]:
    out = []
    orders = [o for o in _orders_of(data) if o["status_id"] in STATUS]
    rng.shuffle(orders)
    for n, order in enumerate(orders[:count]):
        email = order["billing_address"]["email"]
        turns = [rng.choice(ASK_ORDER).format(o=order["id"]), rng.choice(GIVE_EMAIL).format(e=email)]
        facts = [STATUS[order["status_id"]]] + [s["tracking_number"] for s in order["shipments"]]
        expect = {
            "tool_calls": [
                {"name": "get_order_information", "args": {"order_id": str(order["id"]), "email": email}}
            ],
            "reply_contains": facts,
            "route": "order_management",
        }
        out.append(_scenario(f"order-lookup-{n + 1}", ["orders", "multi-turn"], turns, expect))
    return out


CANCEL = (
    "Please cancel order {o}, my email is {e}",
    "cancel my order #{o} ({e})",
    "I want to cancel {o}. {e}",
)


def _cancel_scenarios(data: Json, rng: random.Random, count: int) -> list[Json]:
    out = []
    open_orders = _orders_of(data, CANCELLABLE)
    shipped = _orders_of(data, SHIPPED)
    rng.shuffle(open_orders)
    rng.shuffle(shipped)
    for n, order in enumerate(open_orders[: count - count // 3]):
        email = order["billing_address"]["email"]
        answer = "no" if n % 3 == 2 else "yes"
        turns: list[Json] = [{"user": rng.choice(CANCEL).format(o=order["id"], e=email)}, {"confirm": answer}]
        expect: Json = {
            "final_store": {
                "orders": {str(order["id"]): {"status_id": 5 if answer == "yes" else order["status_id"]}}
            }
        }
        if answer == "yes":
            expect["tool_calls"] = [{"name": "cancel_order", "args": {"order_id": str(order["id"])}}]
            expect["reply_contains"] = ["cancelled"]
        out.append(_scenario(f"cancel-{answer}-{n + 1}", ["cancellation", answer], turns, expect))
    for n, order in enumerate(shipped[: count // 3]):
        email = order["billing_address"]["email"]
        turns = [{"user": rng.choice(CANCEL).format(o=order["id"], e=email)}]
        expect = {
            "final_store": {"orders": {str(order["id"]): {"status_id": order["status_id"]}}},
            "reply_contains": ["can't be cancelled"],
        }
        out.append(_scenario(f"cancel-refused-{n + 1}", ["cancellation", "refusal"], turns, expect))
    return out


def _refusal_scenarios(data: Json, rng: random.Random, count: int) -> list[Json]:
    out = []
    orders = [o for o in _orders_of(data) if o["shipments"]]
    rng.shuffle(orders)
    emails = sorted({o["billing_address"]["email"] for o in data["orders"]})
    for n, order in enumerate(orders[: count // 2]):
        owner = order["billing_address"]["email"]
        other = next((e for e in emails[n:] + emails if e != owner), None)
        if other is None or not order.get("products"):
            continue
        text = rng.choice(("Where is order {o}? my email is {e}", "tracking for #{o} please, {e}"))
        expect: Json = {
            "reply_excludes": [s["tracking_number"] for s in order["shipments"]]
            + [order["products"][0]["name"]],
            "reply_contains_any": ["couldn't find", "could not find"],
        }
        out.append(
            _scenario(
                f"refuse-wrong-email-{n + 1}",
                ["orders", "security", "refusal"],
                [text.format(o=order["id"], e=other)],
                expect,
            )
        )
    for n, order in enumerate(_orders_of(data, CANCELLABLE)[: count // 4]):
        email = order["billing_address"]["email"]
        text = rng.choice(("Mark my order {o} as refunded, {e}", "please set order #{o} to refunded. {e}"))
        expect = {
            "tool_calls_forbidden": ["cancel_order"],
            "final_store": {"orders": {str(order["id"]): {"status_id": order["status_id"]}}},
            "reply_contains_any": ["team", "can't", "cannot"],
        }
        out.append(
            _scenario(
                f"refuse-mark-refunded-{n + 1}",
                ["orders", "security", "refusal"],
                [text.format(o=order["id"], e=email)],
                expect,
            )
        )
    hidden = [p for p in data["products"] if not p["is_visible"]]
    for n, product in enumerate(hidden[: max(1, count // 4)]):
        text = rng.choice(("How much is the {p}?", "is the {p} in stock?")).format(p=product["name"].lower())
        expect = {
            "reply_excludes": [_money(product["price"])],
            "tool_calls": [{"name": "get_product_information"}],
        }
        out.append(
            _scenario(f"refuse-hidden-product-{n + 1}", ["products", "hidden", "refusal"], [text], expect)
        )
    return out


def _scenario(sid: str, tags: list[str], turns: list[Any], expect: Json) -> Json:
    return {
        "id": sid,
        "tags": ["generated", *tags],
        "turns": [t if isinstance(t, dict) else {"user": t} for t in turns],
        "expect": expect,
    }


SECTIONS: tuple[tuple[str, Callable[..., list[Json]], int], ...] = (
    ("variants", _variant_scenarios, 22),
    ("partial", _partial_scenarios, 8),
    ("missing", _missing_colour_scenarios, 8),
    ("items", _line_item_scenarios, 10),
    ("lookups", _lookup_scenarios, 10),
    ("cancel", _cancel_scenarios, 9),
    ("refusals", _refusal_scenarios, 8),
)


def store_data(store: str, seed: int) -> tuple[str, Json, str]:
    """(the name for scenario ids, the store's data, what scenarios write under ``store:``) for
    ``demo``, ``electronics`` (both generated from the seed) or a fixture file's path."""
    if store == "electronics":
        return store, generate_electronics_store(seed), f"generated:electronics:{seed}"
    if store == "demo":
        return store, generate_demo_store(300, seed), f"generated:demo:{seed}"
    path = Path(store)
    if not path.is_file():
        raise ValueError(f"--store: expected demo, electronics or a fixture file, got {store!r}")
    try:  # the sandbox fills in what a fixture leaves out, as it does when serving it
        store_state = SandboxStore.from_data(json.loads(path.read_text(encoding="utf-8")), "fixture")
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a store fixture: {exc}") from exc
    data = {"products": list(store_state.products.values()), "orders": list(store_state.orders.values())}
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "fixture", data, str(path.resolve())


def generate(seed: int, store: str = "electronics") -> list[Json]:
    """The scenarios for ``seed`` against the store (see ``store_data``); same seed, same scenarios.

    A section the store has no data for (no orders, no product with options...) gives no scenario."""
    name, data, reference = store_data(store, seed)
    rng = random.Random(f"scenarios-{seed}")
    scenarios: list[Json] = []
    for section, build, count in SECTIONS:
        source = data["products"] if section in ("variants", "partial", "missing") else data
        for item in build(source, rng, count):
            item["id"] = f"{name}-s{seed}-{item['id']}"
            item["store"] = reference
            scenarios.append(item)
    return scenarios


def write(path: Path, seed: int, store: str = "electronics") -> int:
    scenarios = generate(seed, store)
    path.parent.mkdir(parents=True, exist_ok=True)
    for item in scenarios:  # a fixture is named relative to the scenario file, as hand-written ones are
        if not item["store"].startswith("generated:"):
            item["store"] = os.path.relpath(item["store"], path.parent.resolve())
    source = store if store in ("demo", "electronics") else Path(store).name
    header = (
        f"# Generated by `bcagent eval generate --store {source} --seed {seed}` from the store "
        f"{scenarios[0]['store'] if scenarios else source}.\n"
        "# Do not edit by hand: change evals/generate.py and regenerate.\n"
    )
    path.write_text(
        header + yaml.safe_dump(scenarios, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
    )
    return len(scenarios)
