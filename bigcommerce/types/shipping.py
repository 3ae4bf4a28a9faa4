"""Models for where and how a store ships and how shoppers pay: v2 shipping zones and their methods
(shipping.v2.yml) and the v2 payment methods (methods_payments.v2.yml).

Money: a zone's ``minimum_sub_total`` and surcharges come as strings, a method's rates as numbers; both
parse to :class:`~decimal.Decimal` (None when absent or unparseable: a method may have no rate).
"""

from __future__ import annotations

from pydantic import Field

from ._base import BCModel, Money

__all__ = [
    "CARRIER_METHOD_TYPES",
    "FreeShipping",
    "HandlingFees",
    "PaymentMethod",
    "ShippingMethod",
    "ShippingMethodSettings",
    "ShippingRange",
    "ShippingZone",
    "ZoneLocation",
]

CARRIER_METHOD_TYPES = frozenset(
    {"auspost", "canadapost", "endicia", "usps", "fedex", "royalmail", "ups", "upsready", "upsonline"}
)
"""Method types whose price a carrier quotes at checkout (their ``settings`` hold no rate)."""


class ZoneLocation(BCModel):
    id: int | None = None
    country_iso2: str | None = None
    state_iso2: str | None = None
    zip: str | None = None


class FreeShipping(BCModel):
    """The zone's free shipping: ``enabled`` above ``minimum_sub_total`` (in the store's currency)."""

    enabled: bool | None = None
    minimum_sub_total: Money = None
    exclude_fixed_shipping_products: bool | None = None


class HandlingFees(BCModel):
    fixed_surcharge: Money = None
    percentage_surcharge: Money = None
    display_separately: bool | None = None


class ShippingZone(BCModel):
    """A zone: ``type`` ``zip``, ``country``, ``state`` or ``global`` (the rest of the world)."""

    id: int | None = None
    name: str | None = None
    type: str | None = None
    locations: list[ZoneLocation] = Field(default_factory=list)
    free_shipping: FreeShipping | None = None
    handling_fees: HandlingFees | None = None
    enabled: bool | None = None


class ShippingRange(BCModel):
    """A tier of a ``weight`` or ``total`` method: from ``lower_limit`` to ``upper_limit``, ``shipping_cost``."""

    lower_limit: Money = None
    upper_limit: Money = None
    shipping_cost: Money = None


class ShippingMethodSettings(BCModel):
    """``rate`` for ``perorder``/``peritem``; ``default_cost``, ``default_cost_type`` and ``range`` for
    ``weight``/``total``; carrier options (kept as extra fields) for carriers."""

    rate: Money = None
    default_cost: Money = None
    default_cost_type: str | None = None
    range: list[ShippingRange] = Field(default_factory=list)


class ShippingMethod(BCModel):
    """A zone's method; ``type`` e.g. ``perorder`` (flat rate per order), ``peritem``, ``weight``,
    ``total``, ``freeshipping`` or a carrier (:data:`CARRIER_METHOD_TYPES`)."""

    id: int | None = None
    name: str | None = None
    type: str | None = None
    settings: ShippingMethodSettings = Field(default_factory=ShippingMethodSettings)
    enabled: bool | None = None
    handling_fees: HandlingFees | None = None
    is_fallback: bool | None = None
    channel_ids: list[int] = Field(default_factory=list)

    @property
    def is_carrier(self) -> bool:
        return self.type in CARRIER_METHOD_TYPES


class PaymentMethod(BCModel):
    """An enabled payment method: ``code`` (e.g. ``braintree``), ``name`` as the store shows it."""

    code: str | None = None
    name: str | None = None
    test_mode: bool | None = None
