"""Models for orders: v2 orders, line items, shipments, shipping addresses, statuses, counts, and v3
order transactions, plus the strict request body for a status change."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ._base import BCModel, DateTime, Money, RequestModel
from .common import FormField, Link

__all__ = [
    "AppliedDiscount",
    "Order",
    "OrderAddress",
    "OrderConsignments",
    "OrderCount",
    "OrderCoupon",
    "OrderProduct",
    "OrderProductOption",
    "OrderStatus",
    "OrderStatusCount",
    "OrderStatusUpdate",
    "Shipment",
    "ShipmentItem",
    "ShippingAddress",
    "ShippingAddressFormField",
    "ShippingAddressUpdate",
    "ShippingConsignment",
    "Transaction",
    "TransactionCreditCard",
    "TransactionGiftCertificate",
]


class OrderAddress(BCModel):
    """A v2 address (the order's ``billing_address``, a shipment's addresses)."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_iso2: str | None = None
    phone: str | None = None
    email: str | None = None
    form_fields: list[FormField] = Field(default_factory=list)


class Order(BCModel):
    """A v2 order. Money fields are Decimals; ``date_shipped`` is None until fully shipped."""

    id: int | None = None
    customer_id: int | None = None
    status_id: int | None = None
    status: str | None = None
    custom_status: str | None = None
    payment_status: str | None = None
    payment_method: str | None = None
    payment_provider_id: str | int | None = None
    date_created: DateTime = None
    date_modified: DateTime = None
    date_shipped: DateTime = None
    items_total: int | None = None
    items_shipped: int | None = None
    subtotal_ex_tax: Money = None
    subtotal_inc_tax: Money = None
    subtotal_tax: Money = None
    total_ex_tax: Money = None
    total_inc_tax: Money = None
    total_tax: Money = None
    shipping_cost_ex_tax: Money = None
    shipping_cost_inc_tax: Money = None
    base_shipping_cost: Money = None
    handling_cost_inc_tax: Money = None
    wrapping_cost_inc_tax: Money = None
    discount_amount: Money = None
    coupon_discount: Money = None
    gift_certificate_amount: Money = None
    store_credit_amount: Money = None
    refunded_amount: Money = None
    currency_code: str | None = None
    default_currency_code: str | None = None
    currency_exchange_rate: Money = None
    store_default_currency_code: str | None = None
    channel_id: int | None = None
    order_source: str | None = None
    order_is_digital: bool | None = None
    shipping_address_count: int | None = None
    is_deleted: bool | None = None
    staff_notes: str | None = None
    customer_message: str | None = None
    cart_id: str | None = None
    external_id: str | None = None
    external_source: str | None = None
    external_order_id: str | None = None
    customer_locale: str | None = None
    billing_address: OrderAddress | None = None
    products: Link | None = None
    shipping_addresses: Link | None = None
    coupons: Link | None = None
    # with ``include=consignments[.line_items]&consignment_structure=object`` (``Orders.get``)
    consignments: OrderConsignments | None = None


class OrderProductOption(BCModel):
    id: int | None = None
    option_id: int | None = None
    product_option_id: int | None = None
    display_name: str | None = None
    display_value: str | None = None
    value: str | None = None
    name: str | None = None


class AppliedDiscount(BCModel):
    id: str | int | None = None
    amount: Money = None
    name: str | None = None
    code: str | None = None
    target: str | None = None


class OrderProduct(BCModel):
    """A line item of a v2 order (``GET /v2/orders/{id}/products``)."""

    id: int | None = None
    order_id: int | None = None
    product_id: int | None = None
    variant_id: int | None = None
    name: str | None = None
    name_merchant: str | None = None
    sku: str | None = None
    type: str | None = None
    base_price: Money = None
    price_ex_tax: Money = None
    price_inc_tax: Money = None
    total_ex_tax: Money = None
    total_inc_tax: Money = None
    quantity: int | None = None
    quantity_shipped: int | None = None
    quantity_refunded: int | None = None
    is_refunded: bool | None = None
    order_address_id: int | None = None
    product_options: list[OrderProductOption] = Field(default_factory=list)
    applied_discounts: list[AppliedDiscount] = Field(default_factory=list)
    is_bundled_product: bool | None = None
    parent_order_product_id: int | None = None
    gift_certificate_id: int | None = None
    upc: str | None = None
    brand: str | None = None


class ShipmentItem(BCModel):
    order_product_id: int | None = None
    product_id: int | None = None
    quantity: int | None = None


class Shipment(BCModel):
    """A v2 shipment with its tracking details."""

    id: int | None = None
    order_id: int | None = None
    customer_id: int | None = None
    order_address_id: int | None = None
    date_created: DateTime = None
    tracking_number: str | None = None
    shipping_provider: str | None = None
    shipping_provider_display_name: str | None = None
    tracking_carrier: str | None = None
    tracking_link: str | None = None
    generated_tracking_link: str | None = None
    shipping_method: str | None = None
    merchant_shipping_cost: Money = None
    comments: str | None = None
    billing_address: OrderAddress | None = None
    shipping_address: OrderAddress | None = None
    items: list[ShipmentItem] = Field(default_factory=list)


class ShippingAddress(OrderAddress):
    """A v2 order shipping address (``GET /v2/orders/{id}/shipping_addresses``)."""

    id: int | None = None
    order_id: int | None = None
    items_total: int | None = None
    items_shipped: int | None = None
    shipping_method: str | None = None
    base_cost: Money = None
    cost_inc_tax: Money = None
    shipping_zone_name: str | None = None
    shipping_quotes: Link | None = None


class OrderCoupon(BCModel):
    """A coupon applied to an order (``GET /v2/orders/{id}/coupons``)."""

    id: int | None = None
    coupon_id: int | None = None
    order_id: int | None = None
    code: str | None = None
    amount: Money = None
    type: int | str | None = None
    discount: Money = None


class OrderStatus(BCModel):
    """One of the store's order statuses (``GET /v2/order_statuses``). Match on ``id``, not names."""

    id: int | None = None
    name: str | None = None
    system_label: str | None = None
    custom_label: str | None = None
    system_description: str | None = None
    order: int | None = None


class OrderStatusCount(BCModel):
    id: int | None = None
    name: str | None = None
    system_label: str | None = None
    custom_label: str | None = None
    system_description: str | None = None
    count: int = 0
    sort_order: int | None = None


class OrderCount(BCModel):
    """``GET /v2/orders/count``: the total and a per-status breakdown."""

    count: int = 0
    statuses: list[OrderStatusCount] = Field(default_factory=list)


class TransactionCreditCard(BCModel):
    card_type: str | None = None
    card_iin: str | None = None
    card_last4: str | None = None
    card_expiry_month: int | None = None
    card_expiry_year: int | None = None


class TransactionGiftCertificate(BCModel):
    code: str | None = None
    original_balance: Money = None
    starting_balance: Money = None
    remaining_balance: Money = None
    status: str | None = None


class Transaction(BCModel):
    """A v3 order transaction (``GET /v3/orders/{id}/transactions``)."""

    id: int | None = None
    order_id: str | None = None
    event: str | None = None
    method: str | None = None
    amount: Money = None
    currency: str | None = None
    gateway: str | None = None
    gateway_transaction_id: str | None = None
    status: str | None = None
    test: bool | None = None
    fraud_review: bool | None = None
    date_created: DateTime = None
    reference_transaction_id: int | None = None
    payment_method_id: str | None = None
    credit_card: TransactionCreditCard | None = None
    gift_certificate: TransactionGiftCertificate | None = None
    store_credit: dict[str, Any] | None = None
    offline: dict[str, Any] | None = None
    custom: dict[str, Any] | None = None
    avs_result: dict[str, Any] | None = None
    cvv_result: dict[str, Any] | None = None


class OrderStatusUpdate(RequestModel):
    """Body of ``PUT /v2/orders/{id}`` when only the status changes, e.g. ``{"status_id": 5}``."""

    status_id: int = Field(ge=0)


class ShippingAddressFormField(RequestModel):
    name: str = Field(min_length=1)
    value: str | int | float


class ShippingAddressUpdate(RequestModel):
    """Body of ``PUT /v2/orders/{id}/shipping_addresses/{address_id}`` (shippingAddress_Put): only the
    fields given are changed. BigCommerce does not recompute shipping cost or tax after the change."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_iso2: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    phone: str | None = None
    email: str | None = None
    shipping_method: str | None = None
    form_fields: list[ShippingAddressFormField] | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> ShippingAddressUpdate:
        if not self.body():
            raise ValueError("give at least one field to change")
        return self

    def body(self) -> dict[str, Any]:
        """The JSON body: the fields given, nothing else."""
        return self.model_dump(exclude_none=True, mode="json")


class ShippingConsignment(OrderAddress):
    """A shipping consignment of an order (orders.v2 ``shippingConsignment_Get``): where a set of its
    line items ships, with the line items themselves when ``consignments.line_items`` was included."""

    id: int | None = None
    line_items: list[OrderProduct] = Field(default_factory=list)
    items_total: int | None = None
    items_shipped: int | None = None
    shipping_method: str | None = None


class OrderConsignments(BCModel):
    """``consignments`` in the object structure: pickups, shipping, downloads (digital products) and
    email (gift certificates). Only the shipping consignments are typed; the others are kept as given."""

    pickups: list[dict[str, Any]] = Field(default_factory=list)
    shipping: list[ShippingConsignment] = Field(default_factory=list)
    downloads: list[dict[str, Any]] = Field(default_factory=list)
    email: dict[str, Any] = Field(default_factory=dict)


Order.model_rebuild()
