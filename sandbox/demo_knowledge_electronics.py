"""What Volt & Thread says beyond its catalog: its web pages, shipping zones (United States and Canada;
nothing elsewhere) and payment methods, exactly the facts of README.md's "What the demo stores' pages,
shipping and payments say". Fixed data: nothing here draws from the generator's random streams.
"""

from __future__ import annotations

from typing import Any

from .demo_knowledge import flat_rate, zone

__all__ = ["volt_pages", "volt_payment_methods", "volt_shipping_zones"]

Json = dict[str, Any]
SITE = "https://volt-thread.example"

_SHIPPING = f"""<h1>Shipping</h1>
<p>We ship to the <strong>United States and Canada</strong> only. We do not ship to other countries.</p>
<table>
  <thead><tr><th>Where</th><th>Method</th><th>Price</th><th>Arrives in</th></tr></thead>
  <tbody>
    <tr><td>United States</td><td>Standard</td><td>$7.50</td><td>4-6 business days</td></tr>
    <tr><td>United States</td><td>Express</td><td>$14.99</td><td>2 business days</td></tr>
    <tr><td>Canada</td><td>Flat rate</td><td>$19.99</td><td>7-10 business days</td></tr>
  </tbody>
</table>
<h2>Free shipping</h2>
<p>Standard shipping is <strong>free on US orders over $100</strong>.</p>
<p>Questions? See the <a href="{SITE}/faq/">FAQ</a> or <a href="{SITE}/contact/">contact us</a>.</p>
"""

_RETURNS = f"""<h1>Returns &amp; Refunds</h1>
<h2>What you can return</h2>
<table>
  <thead><tr><th>Category</th><th>Return window</th><th>Condition</th></tr></thead>
  <tbody>
    <tr><td>Electronics</td><td>14 days</td><td>In the original packaging</td></tr>
    <tr><td>Apparel</td><td>30 days</td><td>Unworn, with the tags attached</td></tr>
    <tr><td>Beauty</td><td>-</td><td>Cannot be returned once opened</td></tr>
  </tbody>
</table>
<h2>Refunds</h2>
<ul>
  <li>We refund to your <strong>original payment method</strong>.</li>
  <li>The money is back within <strong>10 business days</strong> after your return arrives.</li>
</ul>
<p>To start a return, write to us from the <a href="{SITE}/contact/">contact page</a>.</p>
"""

_FAQ = f"""<h1>FAQ</h1>
<h2>Do you ship to my country?</h2>
<p>We ship to the United States and Canada. We do not ship anywhere else yet.</p>
<h2>How much is shipping?</h2>
<p>In the US: Standard $7.50 (4-6 business days), free on orders over $100; Express $14.99 (2 business
days). To Canada: $19.99 flat (7-10 business days). Details on the <a href="{SITE}/shipping/">Shipping</a>
page.</p>
<h2>How can I pay?</h2>
<ul>
  <li>Visa and Mastercard</li>
  <li>PayPal</li>
  <li>Klarna: pay in 4</li>
</ul>
<p>We do not accept American Express.</p>
<h2>Can I return it?</h2>
<p>Electronics within 14 days in the original packaging, apparel within 30 days unworn with tags. Opened
beauty products cannot be returned. See <a href="{SITE}/returns-refunds/">Returns &amp; Refunds</a>.</p>
"""

_CONTACT = """<h1>Contact</h1>
<p>The fastest way to reach us is this chat or email:
<a href="mailto:orders@volt-thread.example">orders@volt-thread.example</a>.</p>
<ul>
  <li>We reply within <strong>one business day</strong>.</li>
  <li>We have no phone line.</li>
</ul>
"""


def _page(pid: int, name: str, url: str, body: str, order: int, **extra: Any) -> Json:
    return {"id": pid, "channel_id": 1, "name": name, "type": "page", "is_visible": True, "parent_id": 0,
            "sort_order": order, "is_homepage": False, "is_customers_only": False, "url": url, "body": body,
            "meta_title": None, "meta_keywords": None, "meta_description": None, "search_keywords": "",
            **extra}  # fmt: skip


def volt_pages() -> list[Json]:
    return [
        _page(11, "Shipping", "/shipping/", _SHIPPING, 1),
        _page(12, "Returns & Refunds", "/returns-refunds/", _RETURNS, 2),
        _page(13, "FAQ", "/faq/", _FAQ, 3),
        _page(14, "Contact", "/contact/", _CONTACT, 4, type="contact_form", email="orders@volt-thread.example",
              contact_fields="fullname,orderno"),
    ]  # fmt: skip


def volt_shipping_zones() -> list[Json]:
    return [
        zone(1, "United States", "country", ["US"], "100.0000", [
            flat_rate(1, "Standard (4-6 business days)", 7.5),
            flat_rate(2, "Express (2 business days)", 14.99),
        ]),
        zone(2, "Canada", "country", ["CA"], None, [flat_rate(3, "Flat Rate (7-10 business days)", 19.99)]),
    ]  # fmt: skip


def volt_payment_methods() -> list[Json]:
    return [
        {"code": "stripe", "name": "Credit Card (Visa, Mastercard)", "test_mode": False},
        {"code": "paypalexpress", "name": "PayPal", "test_mode": False},
        {"code": "klarna", "name": "Klarna (pay in 4)", "test_mode": False},
    ]
