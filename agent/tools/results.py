"""Tool results: JSON-able typed dicts with a ``status`` and a ``message`` a shopper can be told.

``ToolResult`` is the one shape every tool returns (openai-python's ``types/`` style): a ``TypedDict``,
so what goes on the wire is the plain JSON object the model reads, the transcripts keep and the graders
and replay parse back. Its ``status`` is a ``Status``:

``ok``; ``needs_info`` (ask the shopper for something); ``not_found``; ``refused`` (policy says no, with
the reason and the next step); ``locked``; ``invalid`` (the input cannot be right); ``ambiguous`` (several
products match: ask which, from ``candidates``); ``disabled`` (the merchant's scopes or switches turn the
tool off); ``unavailable`` (the store cannot be reached right now); ``confirm`` (a write waits for the
shopper's confirmation, described by ``confirmation``).

The other fields are grouped by the tool that sets them (one ``TypedDict`` of fields per tool, merged
into ``ToolResult``). ``result()`` drops every field given as None, so a field typed ``X | None`` is never
``null`` on the wire: it is absent.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Literal, NotRequired, ParamSpec, Required, TypedDict, Unpack, cast, get_args

from bigcommerce import APIConnectionError, InternalServerError, RateLimitError

log = logging.getLogger(__name__)

Status = Literal[
    "ok",
    "needs_info",
    "not_found",
    "refused",
    "locked",
    "invalid",
    "ambiguous",
    "disabled",
    "unavailable",
    "confirm",
]
STATUSES: tuple[Status, ...] = get_args(Status)
UNAVAILABLE = "I can't reach the store right now, please try again in a minute."
P = ParamSpec("P")

# ------------------------------------------------------------------------------------- nested payloads


class OrderItem(TypedDict):
    name: str | None
    options: str | None
    quantity: int | None
    price: str
    shipped: int


class Shipment(TypedDict, total=False):
    carrier: Required[str | None]
    tracking_number: Required[str | None]
    tracking_link: Required[str | None]
    shipped_on: Required[str | None]
    method: Required[str | None]
    items: list[str]  # "1 x Premium Boxing Gloves (Size: 12oz)": what this parcel holds, when the store says


class RefundLine(TypedDict, total=False):
    amount: Required[str]
    on: str
    to: str  # "the original payment method", "store credit"
    declined: bool


class OrderDetails(TypedDict):
    """One order as a shopper may see it: no street address, no payment card details."""

    order_id: int
    status: str
    status_id: int | None
    placed_on: str | None
    shipped_on: str | None
    payment_status: str | None
    payment_method: str | None
    items: list[OrderItem]
    subtotal: str
    shipping: str
    discount: str | None
    tax: str
    total: str
    currency: str
    shipments: list[Shipment]
    ship_to: list[str]
    refunds: NotRequired[list[RefundLine]]  # only when the order was refunded
    refunds_unreadable: NotRequired[bool]


class OrderSummary(TypedDict):
    """A line of a signed-in shopper's recent orders."""

    order_id: int | None
    placed_on: str | None
    status: str
    total: str


class CancellationConfirmation(TypedDict):
    """What the shopper is asked to confirm (the ``interrupt()`` payload), bound to one order and proposal."""

    type: Literal["confirm_cancellation"]
    order_id: int
    proposal_id: str
    items: list[str]
    total: str
    question: str
    # the ``email_code`` policy: the answer must carry the code emailed to ``sent_to`` (masked)
    verify: NotRequired[Literal["email_code"]]
    sent_to: NotRequired[str]
    tries_left: NotRequired[int]


class AddressConfirmation(TypedDict):
    """change_shipping_address's confirmation: old and new address, bound to one order and proposal."""

    type: Literal["confirm_address_change"]
    order_id: int
    address_id: int
    proposal_id: str
    old_address: str
    new_address: dict[str, str]
    question: str
    verify: NotRequired[Literal["email_code"]]  # as for cancelling: the answer carries the emailed code
    sent_to: NotRequired[str]
    tries_left: NotRequired[int]


class Offer(TypedDict, total=False):
    """One promotion or coupon running now (empty fields left out)."""

    name: str
    gives: str
    how: str
    code: str
    ends: str


class ProductSummary(TypedDict, total=False):
    id: Required[int | None]
    name: Required[str | None]
    price: str  # absent when the merchant hides the price
    stock: str  # "in stock", "out of stock", ... (a shortlist line)
    url: str  # the product's page on the storefront


class SelectedVariant(TypedDict):
    variant: str
    values: list[str]
    price: str | None
    stock: str


class NotOffered(TypedDict):
    value: str
    option: str
    offered: list[str]


class CustomField(TypedDict):
    name: str
    value: str


class VariantAnswer(TypedDict, total=False):
    """The variant-level part of a product result (``products._selected``)."""

    asked: list[str] | None
    selected: list[SelectedVariant] | None
    not_offered: list[NotOffered] | None


class Prices(TypedDict, total=False):
    """A product's prices as quoted, or the merchant's note when the price is hidden."""

    price_note: str
    price: str
    sale_price: str
    current_price: str


# -------------------------------------------------------------------------------- fields, per tool


class CommonFields(TypedDict, total=False):
    """Fields any tool may set: limits spent, what to ask for, why."""

    offer_human: bool
    attempts_left: int
    missing: list[str]
    reason: str | None  # provenance: "unproven_argument"; discount codes: "expired", "unknown", ...
    order_id: int | None


class OrderFields(TypedDict, total=False):
    """get_order_information: one order, or a signed-in shopper's recent ones."""

    order: OrderDetails
    orders: list[OrderSummary]


class CancellationFields(TypedDict, total=False):
    """cancel_order (and change_shipping_address): the confirmation to show, then the outcome."""

    address_confirmation: AddressConfirmation
    confirmation: CancellationConfirmation
    cancelled: bool
    order_status: str | None


class GiftCertificateFields(TypedDict, total=False):
    """check_gift_card_balance: never who bought it, for whom, or what they wrote."""

    code: str | None
    balance: str
    currency: str
    original_amount: str
    certificate_status: str
    usable: bool
    expires: str


class DiscountFields(TypedDict, total=False):
    """lookup_discount_code (also ``code``, ``reason`` and ``expires`` above)."""

    kind: Literal["promotion", "coupon", "gift_certificate"]
    valid: bool
    gives: str | None
    minimum_purchase: str | None
    starts: str | None
    name: str | None


class PromotionFields(TypedDict, total=False):
    """list_active_promotions."""

    promotions: list[Offer]


class ProductFields(VariantAnswer, Prices, total=False):
    """get_product_information: the live facts, or the candidates to choose from."""

    id: int | None
    name: str | None
    availability: str
    release_date: str | None
    stock: str
    variants: list[str]
    variants_note: str | None
    options: dict[str, list[str]] | None
    custom_fields: list[CustomField] | None
    videos: list[str] | None
    url: str | None
    image: str | None
    description: str | None
    candidates: list[ProductSummary]
    similar: list[ProductSummary] | None
    max_price: str  # a browse at a price: the most the shopper wants to pay, in the store's money


class PageSectionFound(TypedDict):
    """A store page's section quoted in a knowledge answer, with the page it is on."""

    page: str
    heading: str
    text: str
    url: str | None


class ShippingMethodOffered(TypedDict, total=False):
    name: str
    cost: str  # the store's currency; "quoted at checkout" for carriers
    free_over: str


class ShippingZoneOffered(TypedDict, total=False):
    zone: str
    methods: list[ShippingMethodOffered]
    free_shipping_over: str


class StoreContact(TypedDict, total=False):
    email: str
    phone: str
    address: str
    hours: str


class KnowledgeFields(TypedDict, total=False):
    """search_store_info, get_shipping_options, get_payment_methods, get_store_contact."""

    sections: list[PageSectionFound]
    link: str | None
    destination: str | None
    ships_there: bool
    zones: list[ShippingZoneOffered]
    payment_methods: list[str]
    contact: StoreContact
    skipped: list[str] | None


class HandoffFields(TypedDict, total=False):
    """transfer_to_human."""

    request_id: int


class ToolFields(
    CommonFields,
    OrderFields,
    CancellationFields,
    GiftCertificateFields,
    DiscountFields,
    PromotionFields,
    ProductFields,
    KnowledgeFields,
    HandoffFields,
    total=False,
):
    """Every field a tool result may carry besides its status and message."""


class ToolResult(ToolFields, total=False):
    status: Required[Status]
    message: Required[str]


# -------------------------------------------------------------------------------------------- building


def result(status: Status, message: str, /, **data: Unpack[ToolFields]) -> ToolResult:
    """The result with these fields, in this order, the ones given as None left out."""
    extra = {k: v for k, v in data.items() if v is not None and k not in ("status", "message")}
    return cast(ToolResult, {"status": status, "message": message, **extra})


def ok(message: str, /, **data: Unpack[ToolFields]) -> ToolResult:
    return result("ok", message, **data)


def to_text(outcome: ToolResult) -> str:
    """The tool message content: compact JSON the model reads and the graders check."""
    return json.dumps(outcome, ensure_ascii=False, separators=(",", ":"), default=str)


def parse_result(content: object) -> ToolResult | None:
    """A tool message's content read back as a result, or None when it is no JSON object with a known
    status (a tool's text is ours, but a recording or a scripted model may hold anything)."""
    try:
        value = json.loads(content) if isinstance(content, str | bytes) else None
    except ValueError:
        return None
    if not isinstance(value, dict) or value.get("status") not in STATUSES:
        return None
    return cast(ToolResult, value)


def store_call(tool: Callable[P, Awaitable[ToolResult]]) -> Callable[P, Awaitable[ToolResult]]:
    """Turn "the store is unreachable / rate limited / failing" into the one short answer, and log it.

    Configuration errors (a revoked token, a missing scope) are not caught: they must be seen and fixed."""

    @functools.wraps(tool)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> ToolResult:
        try:
            return await tool(*args, **kwargs)
        except (APIConnectionError, RateLimitError, InternalServerError) as exc:
            log.warning("%s: store unavailable: %s", tool.__name__, exc)
            return result("unavailable", UNAVAILABLE)

    return wrapper
