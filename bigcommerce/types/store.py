"""Models for store information: ``GET /v2/store`` and ``GET /v2/time``."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from ._base import BCModel

__all__ = ["DateFormat", "Store", "StoreFeatures", "StoreLogo", "StoreTime", "Timezone"]


class DateFormat(BCModel):
    display: str | None = None
    export: str | None = None
    extended_display: str | None = None


class Timezone(BCModel):
    name: str | None = None
    raw_offset: int | None = None
    dst_offset: int | None = None
    dst_correction: bool | None = None
    date_format: DateFormat | None = None


class StoreLogo(BCModel):
    url: str | None = None


class StoreFeatures(BCModel):
    stencil_enabled: bool | None = None
    checkout_type: str | None = None
    multi_storefront_enabled: bool | None = None
    storefront_limits: dict[str, Any] | None = None


class Store(BCModel):
    """The store's profile. ``id`` is the store hash; ``secure_url`` the storefront URL."""

    id: str | None = None
    store_id: int | None = None
    name: str | None = None
    domain: str | None = None
    secure_url: str | None = None
    control_panel_base_url: str | None = None
    status: str | None = None
    admin_email: str | None = None
    order_email: str | None = None
    phone: str | None = None
    address: str | None = None
    country: str | None = None
    country_code: str | None = None
    language: str | None = None
    timezone: Timezone | None = None
    currency: str | None = None
    currency_symbol: str | None = None
    currency_symbol_location: str | None = None
    decimal_places: int | None = None
    decimal_separator: str | None = None
    thousands_separator: str | None = None
    weight_units: str | None = None
    dimension_units: str | None = None
    plan_name: str | None = None
    plan_level: str | None = None
    plan_is_trial: bool | None = None
    is_price_entered_with_tax: bool | None = None
    default_channel_id: int | None = None
    default_site_id: int | None = None
    infrastructure_region: str | None = None
    features: StoreFeatures | None = None
    logo: StoreLogo | None = None

    @field_validator("logo", mode="before")
    @classmethod
    def _empty_logo(cls, value: Any) -> Any:
        # BigCommerce sends an empty array, not null, when the store has no logo.
        return None if value == [] else value


class StoreTime(BCModel):
    """``GET /v2/time``: the server's unix time."""

    time: int | None = None
