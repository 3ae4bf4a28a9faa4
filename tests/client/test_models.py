"""Response models are lenient (unknown fields kept, missing or odd fields tolerated); request
models are strict."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from bigcommerce.types import (
    Coupon,
    CustomerGroup,
    GiftCertificate,
    Order,
    OrderProduct,
    OrderStatusUpdate,
    Product,
    Promotion,
    Shipment,
    Store,
    Transaction,
)

V2_ORDER = {
    "id": 100,
    "customer_id": 0,
    "status_id": 11,
    "status": "Awaiting Fulfillment",
    "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
    "date_shipped": "",
    "subtotal_inc_tax": "62.6793",
    "total_inc_tax": "70.0000",
    "billing_address": {"first_name": "Ann", "email": "ann@example.com", "form_fields": []},
    "products": {
        "url": "https://api.bigcommerce.com/stores/abc/v2/orders/100/products",
        "resource": "/orders/100/products",
    },
    "brand_new_field": {"nested": [1, 2]},
}


def test_v2_order_parses_money_dates_and_keeps_unknown_fields() -> None:
    order = Order.model_validate(V2_ORDER)
    assert order.subtotal_inc_tax == Decimal("62.6793")
    assert order.total_inc_tax == Decimal("70.0000")
    assert order.date_created == datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)
    assert order.date_shipped is None
    assert order.billing_address is not None and order.billing_address.email == "ann@example.com"
    assert order.products is not None and order.products.resource == "/orders/100/products"
    assert order.model_extra == {"brand_new_field": {"nested": [1, 2]}}
    assert order.model_dump()["brand_new_field"] == {"nested": [1, 2]}


def test_missing_fields_are_fine() -> None:
    order = Order.model_validate({})
    assert order.id is None
    assert order.total_inc_tax is None
    assert Product.model_validate({"id": 1}).variants == []


def test_a_known_field_with_an_unexpected_type_falls_back_to_default() -> None:
    order = Order.model_validate(
        {"id": 5, "customer_id": "not a number", "billing_address": "n/a", "status": "Shipped"}
    )
    assert order.id == 5
    assert order.customer_id is None
    assert order.billing_address is None
    assert order.status == "Shipped"


def test_nested_items_are_lenient_too() -> None:
    line = OrderProduct.model_validate(
        {
            "id": 1,
            "quantity": "2",
            "base_price": "abc",
            "product_options": [{"display_name": "Size", "display_value": "M", "x": 1}],
        }
    )
    assert line.quantity == 2
    assert line.base_price is None
    assert line.product_options[0].display_value == "M"
    assert line.product_options[0].model_extra == {"x": 1}


def test_numbers_are_accepted_for_string_fields() -> None:
    transaction = Transaction.model_validate(
        {"id": 1, "order_id": 100, "amount": 12.5, "date_created": "2019-03-05T21:40:11+00:00"}
    )
    assert transaction.order_id == "100"
    assert transaction.amount == Decimal("12.5")
    assert transaction.date_created == datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)


def test_v3_product_prices_are_decimals_and_includes_parse() -> None:
    product = Product.model_validate(
        {
            "id": 1,
            "price": 39.0,
            "sale_price": 0,
            "custom_url": {"url": "/bag-gloves/", "is_customized": False},
            "variants": [
                {
                    "id": 2,
                    "price": None,
                    "inventory_level": 3,
                    "option_values": [{"label": "M", "option_display_name": "Size"}],
                }
            ],
            "videos": [{"type": "youtube", "video_id": "abc123"}],
        }
    )
    assert product.price == Decimal("39.0")
    assert product.sale_price == Decimal("0")
    assert product.custom_url is not None and product.custom_url.url == "/bag-gloves/"
    assert product.variants[0].price is None
    assert product.variants[0].option_values[0].label == "M"
    assert product.videos[0].video_id == "abc123"


def test_store_logo_may_be_an_empty_array() -> None:
    assert Store.model_validate({"id": "abc1d2ef", "logo": []}).logo is None
    logo = Store.model_validate({"logo": {"url": "https://cdn/logo.png"}}).logo
    assert logo is not None and logo.url == "https://cdn/logo.png"


def test_gift_certificate_unix_dates_and_balance() -> None:
    certificate = GiftCertificate.model_validate(
        {
            "code": "GC-1",
            "amount": "50.0000",
            "balance": "12.5000",
            "purchase_date": "1672670738",
            "expiry_date": "0",
        }
    )
    assert certificate.balance == Decimal("12.5000")
    assert certificate.purchase_date == datetime.fromtimestamp(1672670738, tz=UTC)
    assert certificate.expiry_date is None


def test_coupon_without_expiry() -> None:
    coupon = Coupon.model_validate(
        {
            "code": "SAVE20",
            "expires": "",
            "amount": "20.0000",
            "applies_to": {"entity": "categories", "ids": [0]},
        }
    )
    assert coupon.expires is None
    assert coupon.applies_to is not None and coupon.applies_to.ids == [0]


def test_promotion_end_date_null_and_shipment_tracking() -> None:
    promotion = Promotion.model_validate(
        {"id": 1, "status": "ENABLED", "end_date": None, "start_date": "2025-01-01T00:00:00Z"}
    )
    assert promotion.end_date is None
    assert promotion.start_date == datetime(2025, 1, 1, tzinfo=UTC)
    shipment = Shipment.model_validate(
        {"tracking_number": "1Z999", "items": [{"order_product_id": 1, "quantity": 1}]}
    )
    assert shipment.items[0].quantity == 1


def test_customer_group_category_access() -> None:
    group = CustomerGroup.model_validate(
        {"id": 2, "category_access": {"type": "specific", "categories": [18, 19]}}
    )
    assert group.category_access is not None and group.category_access.categories == [18, 19]


def test_request_model_is_strict() -> None:
    assert OrderStatusUpdate(status_id=5).model_dump() == {"status_id": 5}
    with pytest.raises(ValidationError):
        OrderStatusUpdate.model_validate({"status_id": 5, "customer_message": "hi"})
    with pytest.raises(ValidationError):
        OrderStatusUpdate.model_validate({"status_id": "5"})
    with pytest.raises(ValidationError):
        OrderStatusUpdate.model_validate({"status_id": -1})
    with pytest.raises(ValidationError):
        OrderStatusUpdate.model_validate({})
