"""Models for customers (v3) and customer groups (v2)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import BCModel, DateTime, Money
from .common import FormField

__all__ = ["CategoryAccess", "Customer", "CustomerAddress", "CustomerGroup", "DiscountRule", "StoreCredit"]


class CategoryAccess(BCModel):
    """Which categories a group's members may see: ``type`` is ``all``, ``specific`` or ``none``."""

    type: str | None = None
    categories: list[int] = Field(default_factory=list)


class DiscountRule(BCModel):
    type: str | None = None
    method: str | None = None
    amount: Money = None
    price_list_id: int | None = None
    category_id: int | None = None
    product_id: int | None = None


class CustomerGroup(BCModel):
    """A v2 customer group."""

    id: int | None = None
    name: str | None = None
    is_default: bool | None = None
    is_group_for_guests: bool | None = None
    category_access: CategoryAccess | None = None
    discount_rules: list[DiscountRule] = Field(default_factory=list)
    date_created: DateTime = None
    date_modified: DateTime = None


class StoreCredit(BCModel):
    amount: Money = None


class CustomerAddress(BCModel):
    id: int | None = None
    customer_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state_or_province: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    address_type: str | None = None
    form_fields: list[FormField] = Field(default_factory=list)


class Customer(BCModel):
    """A v3 customer. ``customer_group_id`` 0 means no group."""

    id: int | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    phone: str | None = None
    notes: str | None = None
    customer_group_id: int | None = None
    date_created: DateTime = None
    date_modified: DateTime = None
    address_count: int | None = None
    attribute_count: int | None = None
    origin_channel_id: int | None = None
    channel_ids: list[int] | None = None
    store_credit_amounts: list[StoreCredit] = Field(default_factory=list)
    accepts_product_review_abandoned_cart_emails: bool | None = None
    registration_ip_address: str | None = None
    tax_exempt_category: str | None = None
    addresses: list[CustomerAddress] = Field(default_factory=list)
    attributes: list[dict[str, Any]] = Field(default_factory=list)
