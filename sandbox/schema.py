"""The store fixture format (see FIXTURES.md): validation, defaults and precise error messages.

Each model mirrors one BigCommerce resource as the API returns it. Unknown fields are kept; known fields
are type-checked and defaulted, so a fixture can be small and a typo is reported with its path.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
)

from .formats import money_v2
from .schema_knowledge import Page, Refund, ShippingZone
from .schema_knowledge import PaymentMethod as StorePaymentMethod

SCOPE_FAMILIES = ("information", "orders", "transactions", "products", "customers", "marketing", "content")
PAYMENTS_METHODS_SCOPE = "store_payments_methods_read"  # GET /v2/payments/methods; no read-only twin
KNOWN_SCOPES = frozenset(
    name for family in SCOPE_FAMILIES for name in (f"store_v2_{family}", f"store_v2_{family}_read_only")
) | {PAYMENTS_METHODS_SCOPE}
DEFAULT_V2_DATE = "Thu, 01 Jan 2026 12:00:00 +0000"
DEFAULT_V3_DATE = "2026-01-01T12:00:00+00:00"


def _money(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("expected an amount")
    return money_v2(value)


def _rfc2822(value: str) -> str:
    if value:
        try:
            parsedate_to_datetime(value)
        except (TypeError, ValueError) as exc:
            raise ValueError("expected an RFC-2822 date such as 'Tue, 05 Mar 2019 21:40:11 +0000'") from exc
    return value


def _iso(value: str | None) -> str | None:
    if value:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError("expected an ISO-8601 date such as '2019-03-05T21:40:11+00:00'") from exc
    return value


def _unix(value: Any) -> str:
    text = str(value)
    if not text.isdigit():
        raise ValueError("expected a unix timestamp as a string, such as '1672670738'")
    return text


Money2 = Annotated[str, BeforeValidator(_money)]
Date2 = Annotated[str, AfterValidator(_rfc2822)]
Date3 = Annotated[str | None, AfterValidator(_iso)]
Unix = Annotated[str, BeforeValidator(_unix)]

# Enumerations of orders.v3.yml (transactions), products and categories v3, and marketing.v2.yml.
TransactionEvent = Literal["purchase", "authorization", "capture", "refund", "void", "pending", "settled"]
PaymentMethod = Literal[
    "credit_card", "electronic_wallet", "gift_certificate", "store_credit", "apple_pay_card", "bigpay_token",
    "apple_pay_token", "token", "custom", "offsite", "offline", "nonce",
]  # fmt: skip
Gateway = Literal[
    "2checkout", "adyen", "amazon", "authorizenet", "bankdeposit", "braintree", "cheque", "cod", "custom",
    "firstdatagge4", "giftcertificate", "hps", "instore", "klarna", "migs", "moneyorder", "nmi",
    "paypalexpress", "paypalpaymentsprous", "paypalpaymentsprouk", "plugnpay", "qbmsv2", "securenet",
    "square", "storecredit", "stripe", "testgateway", "usaepay",
]  # fmt: skip
ProductSort = Literal[
    "use_store_settings", "featured", "newest", "best_selling", "alpha_asc", "alpha_desc",
    "avg_customer_review", "price_asc", "price_desc",
]  # fmt: skip
CertificateTemplate = Literal[
    "birthday.html", "girl.html", "boy.html", "celebration.html", "christmas.html", "general.html"
]


class _Api(BaseModel):
    model_config = ConfigDict(extra="allow")


class _OmitsNulls(_Api):
    """A resource with optional fields BigCommerce never sends as null: null in a fixture means absent."""

    OMIT_IF_NULL: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k not in self.OMIT_IF_NULL}


class StoreInfo(_Api):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9]+$")
    name: str = ""
    domain: str = ""
    secure_url: str = ""
    status: str = "live"
    currency: str = "USD"
    currency_symbol: str = "$"
    currency_symbol_location: Literal["left", "right"] = "left"
    decimal_places: int = 2
    decimal_separator: str = "."
    thousands_separator: str = ","
    language: str = "en"
    timezone: dict[str, Any] = Field(
        default_factory=lambda: {"name": "Etc/UTC", "raw_offset": 0, "dst_offset": 0, "dst_correction": False}
    )
    admin_email: str = ""
    order_email: str = ""
    country: str = "United States"
    country_code: str = "US"
    weight_units: str = "LBS"
    dimension_units: str = "Inches"
    plan_name: str = "Standard"
    logo: dict[str, Any] | list[Any] = Field(default_factory=list)
    default_channel_id: int = 1


class Category(_Api):
    id: int
    parent_id: int = 0
    name: str = Field(min_length=1)
    description: str = ""
    is_visible: bool = True
    sort_order: int = 0
    tree_id: int = 1
    custom_url: dict[str, Any] | None = None
    image_url: str = ""
    page_title: str = ""
    search_keywords: str = ""
    default_product_sort: ProductSort = "use_store_settings"


class Variant(_Api):
    id: int | None = None
    product_id: int | None = None
    sku: str = ""
    sku_id: int | None = None
    price: float | None = None
    sale_price: float | None = None
    retail_price: float | None = None
    calculated_price: float | None = None
    inventory_level: int = 0
    inventory_warning_level: int = 0
    purchasing_disabled: bool = False
    purchasing_disabled_message: str = ""
    option_values: list[dict[str, Any]] = Field(default_factory=list)
    image_url: str = ""


class Image(_Api):
    id: int | None = None
    product_id: int | None = None
    is_thumbnail: bool = False
    sort_order: int = 0
    description: str = ""
    url_zoom: str = ""
    url_standard: str = ""
    url_thumbnail: str = ""
    url_tiny: str = ""


class CustomField(_Api):
    id: int | None = None
    name: str
    value: str


class Video(_Api):
    id: int | None = None
    product_id: int | None = None
    type: Literal["youtube"] = "youtube"
    video_id: str
    title: str = ""
    description: str = ""
    sort_order: int = 0
    length: str = ""


class Product(_Api):
    id: int
    name: str = Field(min_length=1)
    type: Literal["physical", "digital"] = "physical"
    sku: str = ""
    description: str = ""
    price: float = 0.0
    sale_price: float = 0.0
    retail_price: float = 0.0
    cost_price: float = 0.0
    map_price: float = 0.0
    calculated_price: float | None = None
    is_visible: bool = True
    is_featured: bool = False
    is_free_shipping: bool = False
    availability: Literal["available", "disabled", "preorder"] = "available"
    inventory_tracking: Literal["none", "product", "variant"] = "none"
    inventory_level: int = 0
    inventory_warning_level: int = 0
    categories: list[int] = Field(default_factory=list)
    brand_id: int = 0
    custom_url: dict[str, Any] | None = None
    condition: Literal["New", "Used", "Refurbished"] = "New"
    weight: float = 0.0
    total_sold: int = 0
    base_variant_id: int | None = None  # omitted: the only variant's id, else 0 (see FIXTURES.md)
    date_created: Date3 = DEFAULT_V3_DATE
    date_modified: Date3 = DEFAULT_V3_DATE
    variants: list[Variant] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    custom_fields: list[CustomField] = Field(default_factory=list)
    videos: list[Video] = Field(default_factory=list)
    options: list[dict[str, Any]] = Field(default_factory=list)


class CustomerGroup(_Api):
    id: int
    name: str = Field(min_length=1)
    is_default: bool = False
    is_group_for_guests: bool = False
    category_access: dict[str, Any] = Field(default_factory=lambda: {"type": "all"})
    discount_rules: list[dict[str, Any]] = Field(default_factory=list)
    date_created: Date2 = DEFAULT_V2_DATE
    date_modified: Date2 = DEFAULT_V2_DATE


class CustomerAddress(_Api):
    id: int | None = None
    customer_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state_or_province: str = ""
    postal_code: str = ""
    country: str = ""
    country_code: str = ""
    phone: str = ""
    address_type: Literal["residential", "commercial"] = "residential"


class Customer(_Api):
    id: int
    email: str = Field(min_length=3)
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    notes: str = ""
    customer_group_id: int = 0
    date_created: Date3 = DEFAULT_V3_DATE
    date_modified: Date3 = DEFAULT_V3_DATE
    addresses: list[CustomerAddress] = Field(default_factory=list)
    origin_channel_id: int = 1
    channel_ids: list[int] | None = None  # omitted: [origin_channel_id]
    store_credit_amounts: list[dict[str, Any]] = Field(default_factory=lambda: [{"amount": 0}])


class LineItem(_Api):
    id: int | None = None
    order_id: int | None = None
    product_id: int = 0
    variant_id: int = 0
    order_address_id: int = 0
    name: str = ""
    name_merchant: str = ""
    sku: str = ""
    type: Literal["physical", "digital", "giftcertificate"] = "physical"
    base_price: Money2 = "0.0000"
    price_ex_tax: Money2 = "0.0000"
    price_inc_tax: Money2 = "0.0000"
    total_ex_tax: Money2 = "0.0000"
    total_inc_tax: Money2 = "0.0000"
    quantity: int = 1
    quantity_shipped: int = 0
    quantity_refunded: int = 0
    is_refunded: bool = False
    product_options: list[dict[str, Any]] = Field(default_factory=list)
    applied_discounts: list[dict[str, Any]] = Field(default_factory=list)


class Shipment(_Api):
    id: int | None = None
    order_id: int | None = None
    customer_id: int = 0
    order_address_id: int = 0
    date_created: Date2 = DEFAULT_V2_DATE
    tracking_number: str = ""
    shipping_provider: str = ""
    shipping_provider_display_name: str = ""
    tracking_carrier: str = ""
    tracking_link: str = ""
    generated_tracking_link: str = ""
    shipping_method: str = ""
    merchant_shipping_cost: Money2 = "0.0000"
    comments: str = ""
    items: list[dict[str, Any]] = Field(default_factory=list)


class ShippingAddress(_Api):
    id: int | None = None
    order_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""
    items_total: int = 0
    items_shipped: int = 0
    shipping_method: str = ""
    base_cost: Money2 = "0.0000"
    cost_inc_tax: Money2 = "0.0000"


class Transaction(_OmitsNulls):
    OMIT_IF_NULL = frozenset({"reference_transaction_id", "avs_result", "cvv_result", "credit_card"})
    id: int | None = None
    order_id: str | None = None
    event: TransactionEvent = "purchase"
    method: PaymentMethod = "credit_card"
    amount: float = 0.0
    currency: str = "USD"
    gateway: Gateway = "custom"
    gateway_transaction_id: str = ""
    status: Literal["ok", "error"] = "ok"
    test: bool = False
    fraud_review: bool = False
    date_created: Date3 = DEFAULT_V3_DATE


class BillingAddress(_Api):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""
    form_fields: list[dict[str, Any]] = Field(default_factory=list)


class OrderCoupon(_Api):
    id: int | None = None
    coupon_id: int = 0
    order_id: int | None = None
    code: str | None = ""
    amount: float | str = 0
    type: int = Field(default=0, ge=0, le=5)
    discount: float = 0.0


class Order(_Api):
    id: int
    customer_id: int = 0
    status_id: int = Field(default=1, ge=0, le=14)
    date_created: Date2 = DEFAULT_V2_DATE
    date_modified: Date2 = DEFAULT_V2_DATE
    date_shipped: Date2 = ""
    subtotal_ex_tax: Money2 = "0.0000"
    subtotal_inc_tax: Money2 = "0.0000"
    subtotal_tax: Money2 = "0.0000"
    base_shipping_cost: Money2 = "0.0000"
    shipping_cost_inc_tax: Money2 = "0.0000"
    total_ex_tax: Money2 = "0.0000"
    total_inc_tax: Money2 = "0.0000"
    total_tax: Money2 = "0.0000"
    discount_amount: Money2 = "0.0000"
    coupon_discount: Money2 = "0.0000"
    gift_certificate_amount: Money2 = "0.0000"
    store_credit_amount: Money2 = "0.0000"
    refunded_amount: Money2 = "0.0000"
    items_total: int = 0
    items_shipped: int = 0
    payment_method: str = ""
    payment_provider_id: str | int = ""
    payment_status: str = ""
    currency_code: str = "USD"
    default_currency_code: str = "USD"
    currency_exchange_rate: str = "1.0000000000"
    store_default_currency_code: str = "USD"
    channel_id: int = 1
    order_source: str = "www"
    order_is_digital: bool = False
    is_deleted: bool = False
    staff_notes: str = ""
    customer_message: str = ""
    external_id: str | None = None
    external_source: str | None = None
    cart_id: str = ""
    billing_address: BillingAddress = Field(default_factory=BillingAddress)
    products: list[LineItem] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    shipping_addresses: list[ShippingAddress] = Field(default_factory=list)
    transactions: list[Transaction] = Field(default_factory=list)
    coupons: list[OrderCoupon] = Field(default_factory=list)
    refunds: list[Refund] = Field(default_factory=list)  # v3 shape; served by .../payment_actions/refunds


class GiftCertificate(_Api):
    id: int
    code: str = Field(min_length=1, max_length=20)
    amount: Money2
    balance: Money2 | None = None
    status: Literal["active", "pending", "disabled", "expired"] = "active"
    to_name: str = ""
    to_email: str = ""
    from_name: str = ""
    from_email: str = ""
    customer_id: int = 0
    order_id: int = 0
    template: CertificateTemplate = "general.html"
    message: str = ""
    purchase_date: Unix = "1767268800"
    expiry_date: Unix = "0"
    currency_code: str = "USD"


class Coupon(_Api):
    id: int
    name: str = ""
    code: str = Field(min_length=1, max_length=50)
    type: Literal[
        "per_item_discount",
        "percentage_discount",
        "per_total_discount",
        "shipping_discount",
        "free_shipping",
        "promotion",
    ]
    amount: Money2 = "0.0000"
    min_purchase: Money2 = "0.0000"
    expires: Date2 = ""
    enabled: bool = True
    num_uses: int = 0
    max_uses: int = 0
    max_uses_per_customer: int = 0
    applies_to: dict[str, Any] = Field(default_factory=lambda: {"entity": "categories", "ids": [0]})
    restricted_to: dict[str, Any] = Field(default_factory=dict)
    shipping_methods: list[str] = Field(default_factory=list)
    date_created: Date2 = DEFAULT_V2_DATE


class CouponCode(_Api):
    id: int | None = None
    code: str = Field(min_length=1)
    current_uses: int = 0
    max_uses: int = 0
    max_uses_per_customer: int = 0
    created: Date3 = DEFAULT_V3_DATE


class PromotionCustomer(_OmitsNulls):
    OMIT_IF_NULL = frozenset({"segments"})
    group_ids: list[int] = Field(default_factory=list)
    excluded_group_ids: list[int] = Field(default_factory=list)
    minimum_order_count: int = 0
    segments: dict[str, Any] | None = None


class Promotion(_OmitsNulls):
    OMIT_IF_NULL = frozenset(
        {"end_date", "max_uses", "schedule", "coupon_type", "coupon_overrides_other_promotions"}
    )
    id: int
    name: str = Field(min_length=1)
    display_name: str = ""
    redemption_type: Literal["AUTOMATIC", "COUPON"]
    status: Literal["ENABLED", "DISABLED", "INVALID"] = "ENABLED"
    start_date: Date3 = DEFAULT_V3_DATE
    end_date: Date3 = None
    current_uses: int = 0
    max_uses: int | None = None
    channels: list[dict[str, Any]] = Field(default_factory=list)
    currency_code: str = "*"
    customer: PromotionCustomer = Field(default_factory=PromotionCustomer)
    rules: list[dict[str, Any]] = Field(default_factory=list)
    notifications: list[dict[str, Any]] = Field(default_factory=list)
    stop: bool = False
    can_be_used_with_other_promotions: bool = True
    created_from: str = "api"
    schedule: dict[str, Any] | None = None
    coupon_type: Literal["SINGLE", "BULK"] | None = None  # coupon promotions; omitted: by the codes
    coupon_overrides_other_promotions: bool | None = None  # coupon promotions; omitted: false
    codes: list[CouponCode] = Field(default_factory=list)


class ApiAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=8)
    scopes: list[str]

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, scopes: list[str]) -> list[str]:
        unknown = sorted(set(scopes) - KNOWN_SCOPES)
        if unknown:
            raise ValueError(f"unknown scope(s) {unknown}; known: {sorted(KNOWN_SCOPES)}")
        return scopes


class App(BaseModel):
    """An app API account: its client secret signs the storefront's Current Customer JWTs."""

    model_config = ConfigDict(extra="forbid")
    client_id: str = Field(min_length=8)
    client_secret: str = Field(min_length=8)
    name: str = ""
    application_id: str = ""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    restock_on_cancel: bool = True
    rate_limit_quota: int = Field(default=150, ge=1)


class Fixture(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store: StoreInfo
    categories: list[Category] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    customer_groups: list[CustomerGroup] = Field(default_factory=list)
    customers: list[Customer] = Field(default_factory=list)
    orders: list[Order] = Field(default_factory=list)
    gift_certificates: list[GiftCertificate] = Field(default_factory=list)
    coupons: list[Coupon] = Field(default_factory=list)
    promotions: list[Promotion] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)
    shipping_zones: list[ShippingZone] = Field(default_factory=list)
    payment_methods: list[StorePaymentMethod] = Field(default_factory=list)
    api_accounts: list[ApiAccount] = Field(default_factory=list)
    apps: list[App] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)


class FixtureError(ValueError):
    """A fixture that does not load: the message names the source, the path and the field at fault."""


def _format_location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def validate_fixture(data: Any, source: str = "fixture") -> Fixture:
    """Validate a decoded fixture; raise FixtureError naming the source, path and field at fault."""
    if not isinstance(data, dict):
        raise FixtureError(f"{source}: a fixture must be one JSON object with the keys of FIXTURES.md")
    try:
        return Fixture.model_validate(data)
    except ValidationError as exc:
        problems = exc.errors(include_url=False)
        lines = [f"{source}: {_format_location(p['loc'])}: {p['msg']}" for p in problems[:5]]
        if len(problems) > 5:
            lines.append(f"... and {len(problems) - 5} more problem(s)")
        raise FixtureError("\n".join(lines)) from None
