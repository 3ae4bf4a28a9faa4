"""The fixture format: defaults, precise errors for malformed fixtures, and a lossless round trip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandbox.schema import FixtureError
from sandbox.state import SandboxStore
from tests.conftest import SMALL_STORE


def test_omitted_fields_get_defaults() -> None:
    store = SandboxStore.from_data({"store": {"id": "tiny"}, "products": [{"id": 1, "name": "Rope"}]})
    assert store.info["name"] == "Store tiny" and store.info["currency"] == "USD"
    assert store.info["secure_url"] == "https://store-tiny.mybigcommerce.com"
    product = store.products[1]
    assert product["is_visible"] is True and product["inventory_tracking"] == "none"
    assert product["custom_url"] == {"url": "/rope/", "is_customized": False}
    assert store.settings == {"restock_on_cancel": True, "rate_limit_quota": 150}


def test_v2_money_is_normalised_to_four_decimals(small_data: dict[str, Any]) -> None:
    store = SandboxStore.from_data(small_data)
    assert store.coupons[2]["amount"] == "5.0000"
    assert store.orders[100]["products"][0]["base_price"] == "39.0000"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["products"][1]["variants"][0].update(inventory_level="lots"),
            "products[1].variants[0].inventory_level",
        ),
        (lambda d: d["orders"][0].update(date_created="yesterday"), "orders[0].date_created"),
        (lambda d: d["orders"][0].update(status_id=15), "orders[0].status_id"),
        (lambda d: d["coupons"][0].update(type="bogus"), "coupons[0].type"),
        (lambda d: d["gift_certificates"][0].update(amount="ten"), "gift_certificates[0].amount"),
        (lambda d: d["promotions"][0].update(start_date="01/02/2025"), "promotions[0].start_date"),
        (lambda d: d["api_accounts"][0]["scopes"].append("store_v2_everything"), "api_accounts[0].scopes"),
        (lambda d: d["products"][0].pop("name"), "products[0].name"),
        (lambda d: d.update(prodcts=[]), "prodcts"),
        (lambda d: d["store"].update(id="Not A Hash!"), "store.id"),
    ],
)
def test_malformed_fixture_names_path_and_field(
    small_data: dict[str, Any], mutate: Any, expected: str
) -> None:
    mutate(small_data)
    with pytest.raises(FixtureError) as caught:
        SandboxStore.from_data(small_data, "small-store.json")
    assert f"small-store.json: {expected}:" in str(caught.value)


def test_duplicate_ids_are_refused(small_data: dict[str, Any]) -> None:
    small_data["orders"].append(dict(small_data["orders"][0]))
    with pytest.raises(FixtureError, match=r"orders\[3\]\.id: duplicate id 100"):
        SandboxStore.from_data(small_data)


def test_unreadable_and_invalid_json_files(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="cannot read"):
        SandboxStore.from_file(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"store": {"id": "x"},')
    with pytest.raises(FixtureError, match=r"broken.json: not valid JSON \(line 1"):
        SandboxStore.from_file(broken)
    not_object = tmp_path / "list.json"
    not_object.write_text("[]")
    with pytest.raises(FixtureError, match="one JSON object"):
        SandboxStore.from_file(not_object)


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    store = SandboxStore.from_file(SMALL_STORE)
    store.update_order_status(100, 5)
    out = tmp_path / "dump.json"
    store.write_fixture(out)
    again = SandboxStore.from_file(out)
    assert again.to_fixture() == store.to_fixture()
    assert json.loads(out.read_text())["orders"][0]["status"] == "Cancelled"
