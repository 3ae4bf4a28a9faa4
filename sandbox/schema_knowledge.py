"""Fixture models of what a store says beyond its catalog (FIXTURES.md): web pages (v3 content pages),
shipping zones with their methods (v2), payment methods (v2) and an order's refunds (v3 payment actions).

Field names, types and enumerations are those of ``pages.v3.yml``, ``shipping.v2.yml``,
``methods_payments.v2.yml`` and ``orders.v3.yml`` (docs/bigcommerce-api.md). Unknown fields are kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from .formats import money_v2

DEFAULT_V3_DATE = "2026-01-01T12:00:00+00:00"

PageType = Literal["page", "raw", "contact_form", "link", "blog"]
ZoneType = Literal["zip", "country", "state", "global"]
MethodType = Literal[
    "perorder", "peritem", "weight", "total", "auspost", "canadapost", "endicia", "usps", "fedex",
    "royalmail", "upsready", "freeshipping",
]  # fmt: skip
RefundItemType = Literal["PRODUCT", "GIFT_WRAPPING", "SHIPPING", "HANDLING", "ORDER", "FEE"]


def _money(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("expected an amount")
    return money_v2(value)


def _iso(value: str) -> str:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError("expected an ISO-8601 date such as '2019-03-05T21:40:11+00:00'") from exc
    return value


Money2 = Annotated[str, BeforeValidator(_money)]
Date3 = Annotated[str, AfterValidator(_iso)]


class _Api(BaseModel):
    model_config = ConfigDict(extra="allow")


class _OmitsNulls(_Api):
    """Optional fields the API never sends as null (the spec types them without null): null = absent."""

    @model_serializer(mode="wrap")
    def _omit_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k == "requested_amount"}


class Page(_Api):
    """A web page (``GET /v3/content/pages``). ``body`` is HTML (``""`` for blogs; links have none)."""

    id: int
    channel_id: int = 1
    name: str = Field(min_length=1, max_length=100)
    type: PageType = "page"
    is_visible: bool = True
    parent_id: int = 0
    sort_order: int = 0
    is_homepage: bool = False
    is_customers_only: bool = False
    url: str | None = None  # omitted: /<slug of the name>/ (links have no url)
    body: str | None = None
    link: str | None = None  # the absolute URL of a link page (required for type link)
    meta_title: str | None = ""
    meta_keywords: str | None = ""
    meta_description: str | None = ""
    search_keywords: str | None = ""
    email: str | None = None  # contact_form pages
    contact_fields: str | None = None  # contact_form pages
    content_type: str | None = None  # raw pages

    @model_validator(mode="after")
    def _link_has_target(self) -> Page:
        if self.type == "link" and not self.link:
            raise ValueError("a page of type link needs a link (an absolute URL)")
        return self


class FreeShipping(_Api):
    enabled: bool = False
    minimum_sub_total: Money2 = "0.0000"
    exclude_fixed_shipping_products: bool = False


class ZoneLocation(_OmitsNulls):
    id: int | None = None
    country_iso2: str | None = None
    state_iso2: str | None = None
    zip: str | None = None


class ShippingMethod(_Api):
    """A method of a zone. ``settings`` as the type needs: ``rate`` for perorder/peritem; ``default_cost``,
    ``default_cost_type`` and ``range`` tiers for weight/total; carrier options for carriers."""

    id: int | None = None
    name: str = Field(min_length=1)
    type: MethodType
    settings: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    handling_fees: dict[str, Any] = Field(default_factory=lambda: {"fixed_surcharge": "0"})
    is_fallback: bool = False
    channel_ids: list[int] = Field(default_factory=lambda: [1])


class ShippingZone(_Api):
    id: int
    name: str = Field(min_length=1)
    type: ZoneType = "country"
    locations: list[ZoneLocation] = Field(default_factory=list)
    free_shipping: FreeShipping = Field(default_factory=FreeShipping)
    handling_fees: dict[str, Any] = Field(
        default_factory=lambda: {"fixed_surcharge": "0", "display_separately": False}
    )
    enabled: bool = True
    methods: list[ShippingMethod] = Field(default_factory=list)  # served by .../{zone_id}/methods


class PaymentMethod(_Api):
    """An enabled payment method (``GET /v2/payments/methods``)."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    test_mode: bool = False


class RefundItem(_OmitsNulls):
    item_type: RefundItemType = "PRODUCT"
    item_id: int
    quantity: int | None = None  # products only
    reason: str = ""
    requested_amount: float | None = None


class RefundPayment(_OmitsNulls):
    id: int | None = None
    provider_id: str = Field(min_length=1)
    amount: float
    offline: bool = False
    is_declined: bool = False
    declined_message: str = ""
    transaction_id: str | None = None  # the BigCommerce transaction id, as a string


class Refund(_Api):
    """A refund of an order (``GET /v3/orders/{id}/payment_actions/refunds``)."""

    id: int | None = None
    order_id: int | None = None
    user_id: int = 0
    created: Date3 = DEFAULT_V3_DATE
    reason: str = ""
    total_amount: float
    total_tax: float = 0.0
    uses_merchant_override_values: bool = False
    items: list[RefundItem] = Field(default_factory=list)
    payments: list[RefundPayment] = Field(min_length=1)
