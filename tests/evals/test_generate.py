"""The scenario generator and generated stores: deterministic per seed, a fresh set for another seed,
valid scenarios whose facts are the store's own, and scenarios that name a generated store."""

from __future__ import annotations

from pathlib import Path

import yaml

from evals.generate import generate, write
from evals.scenario import load_file
from sandbox.demo_electronics import MAX_VARIANTS, generate_electronics_store
from sandbox.state import SandboxStore


def test_same_seed_same_scenarios_other_seed_other_store_and_scenarios() -> None:
    assert generate(3) == generate(3)
    assert generate_electronics_store(3) == generate_electronics_store(3)
    first, second = generate(0), generate(1)
    assert {s["id"] for s in first}.isdisjoint({s["id"] for s in second})
    names = [p["name"] for p in generate_electronics_store(0)["products"]]
    assert names != [p["name"] for p in generate_electronics_store(1)["products"]]
    assert 60 <= len(first) <= 100 and 60 <= len(second) <= 100


def test_the_store_is_a_real_catalog() -> None:
    data = generate_electronics_store(0)
    store = SandboxStore.from_data(data, "electronics")
    assert store.store_hash == "voltthread" and 45 <= len(data["products"]) <= 55
    for product in data["products"]:
        assert 2 <= len(product["options"]) <= 3 and 1 < len(product["variants"]) <= MAX_VARIANTS
    levels = [
        v["inventory_level"]
        for p in data["products"]
        if p["inventory_tracking"] == "variant"
        for v in p["variants"]
    ]
    assert 0 in levels and max(levels) > 0  # some variants out of stock, most not
    assert len({o["status_id"] for o in data["orders"]}) >= 6
    assert all(o["products"] and o["products"][0]["product_options"] for o in data["orders"])


def test_facts_in_expectations_come_from_the_store(tmp_path: Path) -> None:
    path = tmp_path / "gen.yaml"
    count = write(path, 0)
    loaded, errors = load_file(path)
    assert errors == [] and len(loaded) == count
    assert {item.store_key for item in loaded} == {"generated:electronics:0"}
    assert all(item.generated_store == ("electronics", 0) and item.store_path is None for item in loaded)
    data = generate_electronics_store(0)
    prices = {f"${v['calculated_price']:,.2f}" for p in data["products"] for v in p["variants"]}
    for item in loaded:
        sid = item.scenario.id
        if sid.startswith("electronics-s0-variant-") and "partial" not in sid and "missing" not in sid:
            assert any(text in prices for text in item.scenario.expect.reply_contains), sid


def test_a_scenario_may_only_name_known_generators(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    scenario = {"id": "x", "store": "generated:nosuchstore:1", "turns": [{"user": "hi"}]}
    path.write_text(yaml.safe_dump([scenario]))
    loaded, errors = load_file(path)
    assert loaded == [] and "generated:NAME:SEED" in errors[0].message
