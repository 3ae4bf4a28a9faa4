"""Models for marketing: v2 gift certificates and legacy coupons, v3 promotions and their coupon codes."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ._base import BCModel, DateTime, Money, UnixTime

__all__ = [
    "AppliesTo",
    "Coupon",
    "CouponCode",
    "CouponRestrictions",
    "GiftCertificate",
    "Promotion",
    "PromotionChannel",
    "PromotionCustomer",
]


class GiftCertificate(BCModel):
    """A v2 gift certificate. ``purchase_date``/``expiry_date`` arrive as unix-second strings."""

    id: int | None = None
    code: str | None = None
    amount: Money = None
    balance: Money = None
    status: str | None = None
    purchase_date: UnixTime = None
    expiry_date: UnixTime = None
    currency_code: str | None = None
    to_name: str | None = None
    to_email: str | None = None
    from_name: str | None = None
    from_email: str | None = None
    customer_id: int | None = None
    order_id: int | None = None
    template: str | None = None
    message: str | None = None


class AppliesTo(BCModel):
    entity: str | None = None
    ids: list[int] = Field(default_factory=list)


class CouponRestrictions(BCModel):
    """Where a legacy coupon may be used, e.g. ``{"countries": "AU"}``; empty means anywhere."""

    countries: str | list[str] | None = None


class Coupon(BCModel):
    """A legacy v2 coupon. ``amount`` is money or a percentage depending on ``type``.

    ``restricted_to`` is an object in the spec (``{}`` when unrestricted); an empty array, as PHP-style
    APIs send for an empty map, means the same. ``shipping_methods`` is a list; null means none.
    """

    id: int | None = None
    name: str | None = None
    code: str | None = None
    type: str | None = None
    amount: Money = None
    min_purchase: Money = None
    expires: DateTime = None
    enabled: bool | None = None
    num_uses: int | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    applies_to: AppliesTo | None = None
    restricted_to: CouponRestrictions | None = None
    shipping_methods: list[str] = Field(default_factory=list)
    date_created: DateTime = None

    @field_validator("restricted_to", mode="before")
    @classmethod
    def _empty_restrictions(cls, value: Any) -> Any:
        return {} if value == [] else value

    @field_validator("shipping_methods", mode="before")
    @classmethod
    def _no_methods(cls, value: Any) -> Any:
        return [] if value is None else value


class PromotionChannel(BCModel):
    id: int | None = None


class PromotionCustomer(BCModel):
    group_ids: list[int] = Field(default_factory=list)
    excluded_group_ids: list[int] = Field(default_factory=list)
    minimum_order_count: int | None = None
    segments: dict[str, Any] | None = None


class Promotion(BCModel):
    """A v3 promotion. ``end_date`` None means it never expires."""

    id: int | None = None
    name: str | None = None
    display_name: str | None = None
    redemption_type: str | None = None
    status: str | None = None
    start_date: DateTime = None
    end_date: DateTime = None
    current_uses: int | None = None
    max_uses: int | None = None
    channels: list[PromotionChannel] = Field(default_factory=list)
    currency_code: str | None = None
    customer: PromotionCustomer | None = None
    rules: list[dict[str, Any]] = Field(default_factory=list)
    notifications: list[dict[str, Any]] = Field(default_factory=list)
    stop: bool | None = None
    can_be_used_with_other_promotions: bool | None = None
    schedule: dict[str, Any] | None = None
    created_from: str | None = None
    coupon_type: str | None = None
    coupon_overrides_other_promotions: bool | None = None
    multiple_codes: dict[str, Any] | None = None


class CouponCode(BCModel):
    """A v3 promotion coupon code. ``max_uses`` 0 means unlimited."""

    id: int | None = None
    code: str | None = None
    current_uses: int | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    created: DateTime = None
