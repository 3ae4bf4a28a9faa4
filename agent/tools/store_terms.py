"""Shipping, payment and contact facts, read live from the store's settings.

- ``get_shipping_options``: the shipping zones and their methods (``GET /v2/shipping/zones``,
  ``/zones/{id}/methods``; Information & Settings read-only): where the store ships, each method's cost
  in the store's currency and the zone's free-shipping threshold. A destination the shopper named picks
  its zone (a state zone, else the country's, else "rest of the world"); none: every zone.
- ``get_payment_methods``: the enabled payment methods (``GET /v2/payments/methods``).
- ``get_store_contact``: the email, phone and address the store publishes (``GET /v2/store``), and the
  opening hours from its contact page when the Content scope allows reading it.

Every amount, name and detail in the answers is a field of this turn's responses. A zone without
methods or a method without a rate is said as such (and noted in ``skipped``), never guessed.
"""

from __future__ import annotations

import logging
import re

from bigcommerce import PermissionDeniedError
from bigcommerce.types.shipping import ShippingMethod, ShippingZone

from .context import Conversation, ToolContext
from .own_facts import keep_own
from .results import (
    ShippingZoneOffered,
    StoreContact,
    ToolResult,
    ok,
    result,
    store_call,
)
from .store_pages import own_facts, page_link, read_sections
from .where_we_ship import Place, find_place

log = logging.getLogger(__name__)

AT_CHECKOUT = "calculated at checkout"
_BRANDS = {
    "american express": ("american express", "amex"),
    "Visa": ("visa",),
    "Mastercard": ("mastercard", "master card"),
    "Discover": ("discover",),
    "PayPal": ("paypal", "pay pal"),
    "Apple Pay": ("apple pay", "applepay"),
    "Google Pay": ("google pay", "gpay"),
    "Afterpay": ("afterpay", "after pay"),
    "Klarna": ("klarna",),
    "Affirm": ("affirm",),
    "bitcoin": ("bitcoin", "crypto"),
}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _cost(ctx: ToolContext, method: ShippingMethod) -> str | None:
    """The method's price as the shopper pays it; None when the method carries no usable rate."""
    settings = method.settings
    if method.type == "freeshipping":
        return "free"
    if method.is_carrier:
        return AT_CHECKOUT
    if method.type in ("perorder", "peritem"):
        if settings.rate is None:
            return None
        price = ctx.money(settings.rate)
        return price if method.type == "perorder" else f"{price} per item"
    if method.type in ("weight", "total"):
        return (
            f"from {ctx.money(settings.default_cost)}" if settings.default_cost is not None else AT_CHECKOUT
        )
    return None


def _zone_for(zones: list[ShippingZone], place: Place) -> ShippingZone | None:
    def covers(zone: ShippingZone, with_state: bool) -> bool:
        for location in zone.locations:
            if location.country_iso2 != place.country_iso2:
                continue
            if with_state and location.state_iso2 and location.state_iso2 != place.state_iso2:
                continue
            return True
        return False

    enabled = [z for z in zones if z.enabled is not False]
    if place.state_iso2:
        for zone in enabled:
            if zone.type == "state" and covers(zone, True):
                return zone
    for zone in enabled:
        if zone.type in ("country", "zip") and covers(zone, False):
            return zone
    for zone in enabled:
        if zone.type == "state" and covers(zone, False):
            return zone
    return next((z for z in enabled if z.type == "global"), None)


async def _offered(ctx: ToolContext, zone: ShippingZone, skipped: list[str]) -> ShippingZoneOffered:
    name = zone.name or "this zone"
    offered: ShippingZoneOffered = {"zone": name, "methods": []}
    for method in await ctx.client.shipping_zones.methods(zone.id or 0):
        if method.enabled is False:
            continue
        cost = _cost(ctx, method)
        if cost is None:
            skipped.append(f"{name}: method {method.name or method.id} has no rate")
            continue
        offered["methods"].append({"name": method.name or "Shipping", "cost": cost})
    free = zone.free_shipping
    if free is not None and free.enabled and free.minimum_sub_total is not None:
        offered["free_shipping_over"] = ctx.money(free.minimum_sub_total)
    if not offered["methods"]:
        skipped.append(f"{name}: no shipping methods")
    return offered


def _zone_sentence(zone: ShippingZoneOffered, lead: str) -> str:
    methods = [f"{m['name']} {m['cost']}" for m in zone.get("methods", [])]
    sentence = f"{lead}: {_join(methods)}." if methods else f"{lead}: the price is shown at checkout."
    if zone.get("free_shipping_over"):
        sentence += f" Free shipping on orders over {zone['free_shipping_over']}."
    return sentence


@store_call
async def get_shipping_options(
    ctx: ToolContext, conversation: Conversation, destination: str | None
) -> ToolResult:
    zones = [z for z in await ctx.client.shipping_zones.list() if z.enabled is not False]
    skipped: list[str] = []
    if not zones:
        return result(
            "not_found",
            "The store hasn't set up its shipping options where I can read them. I can pass your question "
            "to a person on our team.",
            offer_human=True,
        )
    place = find_place(destination or "")
    if place is not None:
        where = place.state or place.country
        zone = _zone_for(zones, place)
        if zone is None:
            served = [z.name for z in zones if z.name]
            said = f"Sorry, we don't ship to {where}."
            if served:
                said += f" We ship to {_join(served)}."
            return ok(said, destination=where, ships_there=False)
        offered = await _offered(ctx, zone, skipped)
        lead = f"Shipping to {where}" if zone.type != "global" else f"Shipping to {where} ({zone.name})"
        return ok(
            _zone_sentence(offered, lead),
            destination=where,
            ships_there=True,
            zones=[offered],
            skipped=skipped or None,
        )
    offers = [await _offered(ctx, zone, skipped) for zone in zones]
    message = " ".join(_zone_sentence(z, z["zone"]) for z in offers)
    asked = (destination or "").strip()
    lead = "Here is how we ship. " if not asked or find_place(asked) is None else ""
    return ok(lead + message, zones=offers, skipped=skipped or None)


def _asked_brands(question: str) -> list[str]:
    lowered = question.lower()
    return [brand for brand, words in _BRANDS.items() if any(re.search(rf"\b{w}\b", lowered) for w in words)]


@store_call
async def get_payment_methods(
    ctx: ToolContext, conversation: Conversation, question: str | None
) -> ToolResult:
    methods = [m.name for m in await ctx.client.payment_methods.list() if m.name and not m.test_mode]
    if not methods:
        return result(
            "not_found",
            "I can't see the store's payment methods. A person on our team can tell you: shall I pass it on?",
            offer_human=True,
        )
    message = f"We accept {_join(methods)}."
    listed = " ".join(methods).lower()
    missing = [
        brand.title() if brand.islower() else brand
        for brand in _asked_brands(question or "")
        if not any(re.search(rf"\b{w}\b", listed) for w in _BRANDS[brand])
    ]
    if missing:
        message += f" {_join(missing)} {'is' if len(missing) == 1 else 'are'} not one of them, sorry."
    return ok(message, payment_methods=methods)


_HOURS = re.compile(
    r"\bhours\b|\bopen\b|\b(?:mon|monday|tue|wed|thu|fri|sat|sun)\w*\b.*\d|\breply\b|\bwithin\b", re.I
)
_NO_PHONE = re.compile(r"\bno phone\b", re.I)


@store_call
async def get_store_contact(ctx: ToolContext, conversation: Conversation) -> ToolResult:
    try:
        store = await ctx.store_profile()
    except PermissionDeniedError:
        store = None
    contact: StoreContact = {}
    if store is not None:
        if store.order_email:
            contact["email"] = store.order_email
        if store.phone:
            contact["phone"] = store.phone
        if store.address:
            contact["address"] = ", ".join(
                line.strip() for line in store.address.splitlines() if line.strip()
            )
    link = None
    no_phone = False
    if "search_store_info" in ctx.enabled():  # the Content scope: the contact page's hours
        sections, _ = await read_sections(ctx)
        page = [s for s in sections if "contact" in s.page_name.lower()]
        own = await own_facts(ctx)
        for section in page:
            for line in section.text.split("\n"):
                if _HOURS.search(line):
                    contact.setdefault("hours", keep_own(line.strip(), own)[0].removeprefix("Hours: "))
                no_phone = no_phone or bool(_NO_PHONE.search(line))
        if page:
            link = page_link(ctx, page[0].url)
    if not contact:
        return result(
            "not_found",
            "I can't see the store's contact details right now. I can pass your message to our team.",
            offer_human=True,
        )
    parts = []
    reach = [v for v in (contact.get("email"), contact.get("phone")) if v]
    if reach:
        parts.append(f"You can reach us at {' or '.join(reach)}.")
    if "phone" not in contact and no_phone:
        parts.append("We have no phone line, so email or this chat is the way to reach us.")
    if contact.get("hours"):
        parts.append(f"Hours: {contact['hours'].rstrip('.')}.")
    if contact.get("address"):
        parts.append(f"Our address: {contact['address']}.")
    if link:
        parts.append(f"Contact page: {link}")
    return ok(" ".join(parts), contact=contact, link=link)
