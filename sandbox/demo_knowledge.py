"""What Knockout Fitness Supply says beyond its catalog: its web pages, shipping zones and payment
methods, exactly the facts of README.md's "What the demo stores' pages, shipping and payments say", and
the refunds of its refunded orders (derived from the orders, so no random draw is needed).

Nothing here draws from the generator's random streams: adding these keys leaves every other entity of a
generated store as it was (``tests/sandbox/test_demo_knowledge.py`` compares them).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

__all__ = ["knockout_pages", "knockout_payment_methods", "knockout_shipping_zones", "refunds_for"]

Json = dict[str, Any]
SITE = "https://knockout-fitness.example"

_SHIPPING_RETURNS = f"""<h1>Shipping &amp; Returns</h1>
<p>Everything ships from our warehouse in Austin, Texas. Below is what delivery costs and how long it
takes, and how to send something back.</p>
<h2>Shipping rates</h2>
<table>
  <thead><tr><th>Destination</th><th>Method</th><th>Cost</th><th>Delivery time</th></tr></thead>
  <tbody>
    <tr><td>United States</td><td>Standard</td><td>$9.95</td><td>3-5 business days</td></tr>
    <tr><td>United States</td><td>Express</td><td>$19.95</td><td>1-2 business days</td></tr>
    <tr><td>Canada</td><td>Flat rate</td><td>$14.95</td><td>5-10 business days</td></tr>
    <tr><td>Rest of the world</td><td>Flat rate</td><td>$29.95</td><td>10-20 business days</td></tr>
  </tbody>
</table>
<h2>Free shipping</h2>
<p><strong>Standard shipping is free on US orders over $150.</strong> The discount shows at checkout.</p>
<h2>Returns</h2>
<ul>
  <li>Send items back within <strong>30 days of delivery</strong>.</li>
  <li>Items must be unused and in their original packaging.</li>
  <li>US orders get a <strong>free return label</strong>: ask us for one.</li>
  <li>For hygiene reasons, <strong>mouth guards and hand wraps cannot be returned once opened</strong>.</li>
</ul>
<h2>Refunds</h2>
<p>Refunds go back to your original payment method within <strong>5-7 business days</strong> after your
return arrives at our warehouse.</p>
<h2>Exchanges</h2>
<p>Need another size or colour of the same product? Exchanges are <strong>free within 30 days</strong>.
Write to us from the <a href="{SITE}/contact-us/">contact page</a> and we will sort it out.</p>
"""

_FAQ = f"""<h1>Frequently asked questions</h1>
<h2>Orders &amp; shipping</h2>
<h3>Do you ship outside the United States?</h3>
<p>Yes. We ship to Canada for a flat $14.95 (5-10 business days) and to the rest of the world for a
flat $29.95 (10-20 business days).</p>
<h3>Is there free shipping?</h3>
<p>Standard shipping is free on US orders over $150. Otherwise Standard costs $9.95 and Express $19.95.
See <a href="{SITE}/shipping-returns/">Shipping &amp; Returns</a>.</p>
<h2>Payment</h2>
<h3>Which payment methods do you accept?</h3>
<ul>
  <li>Visa, Mastercard, American Express and Discover</li>
  <li>PayPal</li>
  <li>Apple Pay</li>
  <li>Afterpay: pay in 4 interest-free instalments</li>
</ul>
<h2>Returns &amp; refunds</h2>
<h3>Can I return something?</h3>
<p>Within 30 days of delivery, if it is unused and in the original packaging. Mouth guards and hand
wraps cannot be returned once opened.</p>
<h3>When do I get my money back?</h3>
<p>Within 5-7 business days after your return arrives, on your original payment method.</p>
<h3>Can I exchange for a different size?</h3>
<p>Yes: a different size or colour of the same product, free, within 30 days.</p>
"""

_CONTACT = f"""<h1>Contact Us</h1>
<p>Questions about an order, a size or a return? We are happy to help.</p>
<table>
  <tbody>
    <tr><th>Email</th><td><a href="mailto:orders@knockout-fitness.example">orders@knockout-fitness.example</a></td></tr>
    <tr><th>Phone</th><td>512-555-0100</td></tr>
    <tr><th>Hours</th><td>Monday to Friday, 9:00-17:00 Central</td></tr>
    <tr><th>Address</th><td>500 Ring Road, Austin, Texas 78701</td></tr>
  </tbody>
</table>
<p>Please have your order number ready. Returns and exchanges: see
<a href="{SITE}/shipping-returns/">Shipping &amp; Returns</a>.</p>
"""

_ABOUT = f"""<h1>About Us</h1>
<p>Knockout Fitness Supply sells boxing and fitness gear from Austin, Texas: gloves, wraps, bags,
mouth guards and everything a gym or a home workout needs.</p>
<h2>Why shop with us</h2>
<ul>
  <li>Free standard shipping on US orders over $150.</li>
  <li>Free exchanges for another size or colour within 30 days.</li>
  <li>Real people answering at orders@knockout-fitness.example and 512-555-0100.</li>
</ul>
<p>Browse the <a href="{SITE}/">whole store</a> or read our <a href="{SITE}/faq/">FAQ</a>.</p>
"""


def _page(pid: int, name: str, url: str, body: str, order: int, **extra: Any) -> Json:
    return {"id": pid, "channel_id": 1, "name": name, "type": "page", "is_visible": True, "parent_id": 0,
            "sort_order": order, "is_homepage": False, "is_customers_only": False, "url": url, "body": body,
            "meta_title": name, "meta_keywords": "", "meta_description": "", "search_keywords": "", **extra}  # fmt: skip


def knockout_pages() -> list[Json]:
    return [
        _page(1, "Shipping & Returns", "/shipping-returns/", _SHIPPING_RETURNS, 1,
              search_keywords="shipping,delivery,returns,refunds,exchanges"),
        _page(2, "FAQ", "/faq/", _FAQ, 2, search_keywords="faq,questions,payment,shipping"),
        _page(3, "Contact Us", "/contact-us/", _CONTACT, 3, type="contact_form",
              email="orders@knockout-fitness.example", contact_fields="fullname,phone,orderno,rma"),
        _page(4, "About Us", "/about-us/", _ABOUT, 4),
    ]  # fmt: skip


def flat_rate(mid: int, name: str, rate: float) -> Json:
    """A flat rate per order (``perorder``), enabled on channel 1."""
    return {"id": mid, "name": name, "type": "perorder", "settings": {"rate": rate}, "enabled": True,
            "handling_fees": {"fixed_surcharge": "0"}, "is_fallback": False, "channel_ids": [1]}  # fmt: skip


def zone(
    zid: int, name: str, kind: str, countries: list[str], free_over: str | None, methods: list[Json]
) -> Json:
    return {
        "id": zid,
        "name": name,
        "type": kind,
        "locations": [{"id": zid * 10 + n, "country_iso2": code} for n, code in enumerate(countries, 1)],
        "free_shipping": {
            "enabled": free_over is not None,
            "minimum_sub_total": free_over or "0.0000",
            "exclude_fixed_shipping_products": False,
        },
        "handling_fees": {"fixed_surcharge": "0", "display_separately": False},
        "enabled": True,
        "methods": methods,
    }


def knockout_shipping_zones() -> list[Json]:
    return [
        zone(1, "United States", "country", ["US"], "150.0000", [
            flat_rate(1, "Standard (3-5 business days)", 9.95),
            flat_rate(2, "Express (1-2 business days)", 19.95),
        ]),
        zone(2, "Canada", "country", ["CA"], None, [flat_rate(3, "Flat Rate (5-10 business days)", 14.95)]),
        zone(3, "Rest of the world", "global", [], None, [flat_rate(4, "Flat Rate (10-20 business days)", 29.95)]),
    ]  # fmt: skip


def knockout_payment_methods() -> list[Json]:
    return [
        {"code": "braintree", "name": "Credit Card (Visa, Mastercard, American Express, Discover)", "test_mode": False},
        {"code": "paypalexpress", "name": "PayPal", "test_mode": False},
        {"code": "applepay", "name": "Apple Pay", "test_mode": False},
        {"code": "afterpay", "name": "Afterpay (4 interest-free instalments)", "test_mode": False},
    ]  # fmt: skip


_REASONS = ("Returned unused within 30 days", "Arrived damaged", "Wrong size ordered", "Changed my mind")


def refunds_for(orders: list[Json]) -> dict[int, list[Json]]:
    """One refund per order with a ``refunded_amount`` (statuses Refunded and Partially Refunded),
    consistent with it: the refunded lines (every line and the shipping, for a full refund), paid back
    through the gateway of the order's refund transaction (else of its payment). Keyed by order id."""
    refunds: dict[int, list[Json]] = {}
    refund_id = 0
    for order in sorted(orders, key=lambda o: o["id"]):
        amount = float(order["refunded_amount"])
        if amount <= 0 or not order["transactions"]:
            continue
        refund_id += 1
        refund_tx = next((t for t in order["transactions"] if t["event"] == "refund"), None)
        paid = refund_tx or order["transactions"][0]
        full = amount >= float(order["total_inc_tax"])
        lines = [line for line in order["products"] if full or line.get("is_refunded")]
        items: list[Json] = [
            {"item_type": "PRODUCT", "item_id": line["id"], "quantity": line["quantity"], "reason": "",
             "requested_amount": None}
            for line in lines
        ]  # fmt: skip
        address = order["shipping_addresses"][0]["id"] if order["shipping_addresses"] else 0
        if full and float(order["shipping_cost_inc_tax"]) > 0 and address:
            items.append(
                {"item_type": "SHIPPING", "item_id": address, "reason": "", "requested_amount": None}
            )
        tax = float(order["total_tax"]) if full else sum(float(line.get("total_tax", 0)) for line in lines)
        created = datetime.fromisoformat(paid["date_created"]) + timedelta(days=0 if refund_tx else 5)
        payment: Json = {
            "id": refund_id,
            "provider_id": paid["gateway"],
            "amount": amount,
            "offline": paid["gateway"] == "bankdeposit",
            "is_declined": False,
            "declined_message": "",
        }
        if refund_tx is not None:
            payment["transaction_id"] = str(refund_tx["id"])
        refunds[order["id"]] = [
            {
                "id": refund_id,
                "order_id": order["id"],
                "user_id": 0,
                "created": (created + timedelta(minutes=2)).isoformat(),
                "reason": _REASONS[order["id"] % len(_REASONS)],
                "total_amount": amount,
                "total_tax": round(tax, 2),
                "uses_merchant_override_values": False,
                "items": items,
                "payments": [payment],
            }
        ]
    return refunds
