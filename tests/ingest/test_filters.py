"""The sync's filters, rule by rule, on client models."""

from __future__ import annotations

from typing import Any

from bigcommerce.types.catalog import Product
from bigcommerce.types.customers import CustomerGroup
from ingest.filters import in_stock, judge, open_categories


def product(**fields: Any) -> Product:
    return Product.model_validate(
        {"id": 1, "name": "Gloves", "is_visible": True, "categories": [18], **fields}
    )


def variant(level: int, disabled: bool = False) -> dict[str, Any]:
    return {"inventory_level": level, "purchasing_disabled": disabled}


def test_hidden_products_are_left_out() -> None:
    assert judge(product(is_visible=False), None).reason == "hidden"


def test_disabled_products_are_left_out_even_untracked() -> None:
    assert judge(product(availability="disabled", inventory_tracking="none"), None).reason == "disabled"


def test_untracked_inventory_counts_as_in_stock() -> None:
    assert in_stock(product(inventory_tracking="none", inventory_level=0))


def test_product_level_tracking_needs_stock() -> None:
    assert not in_stock(product(inventory_tracking="product", inventory_level=0))
    assert in_stock(product(inventory_tracking="product", inventory_level=1))


def test_variant_tracking_needs_a_purchasable_variant_with_stock() -> None:
    assert not in_stock(product(inventory_tracking="variant", variants=[variant(0), variant(0)]))
    assert not in_stock(
        product(inventory_tracking="variant", variants=[variant(5, disabled=True), variant(0)])
    )
    assert in_stock(product(inventory_tracking="variant", variants=[variant(0), variant(2)]))
    # listed without variants (the cheap reconcile listing): the product level is the variants' sum
    assert not in_stock(product(inventory_tracking="variant", inventory_level=0))
    assert in_stock(product(inventory_tracking="variant", inventory_level=3))


def groups(*items: dict[str, Any]) -> list[CustomerGroup]:
    return [CustomerGroup.model_validate(item) for item in items]


def test_guest_group_decides_which_categories_are_open() -> None:
    retail = {
        "id": 1,
        "is_group_for_guests": True,
        "category_access": {"type": "specific", "categories": [18]},
    }
    wholesale = {"id": 2, "is_default": True, "category_access": {"type": "all"}}
    assert open_categories(groups(retail, wholesale)) == {18}
    assert judge(product(categories=[30]), {18}).reason == "restricted"
    assert judge(product(categories=[30, 18]), {18}).included
    assert judge(product(categories=[]), {18}).included  # in no category: nothing restricts it
    assert judge(product(categories=[]), None).included


def test_default_group_when_no_guest_group_and_everything_without_groups() -> None:
    default = {"id": 1, "is_default": True, "category_access": {"type": "none"}}
    assert open_categories(groups(default)) == set()
    assert (
        open_categories(groups({"id": 1, "category_access": {"type": "specific", "categories": [1]}})) is None
    )
    assert open_categories([]) is None
    assert judge(product(categories=[]), None).included


def test_first_failing_rule_is_the_reason() -> None:
    verdict = judge(
        product(is_visible=False, inventory_tracking="product", inventory_level=0, categories=[30]), {18}
    )
    assert verdict.reason == "hidden"
    assert "hidden" in verdict.text
