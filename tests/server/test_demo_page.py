"""The demo page renderer (no browser: plain HTML checks): the product read through the store's client (sandbox over ASGI), and every
piece of store text escaped in the HTML."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx

from agent.server.demo_page import DemoPage, DemoProduct, DemoVariant, load_demo_product, render_demo_page
from bigcommerce import AsyncBigCommerce
from sandbox.app import Sandbox
from sandbox.demo import FULL_TOKEN, generate_demo_store
from sandbox.state import SandboxStore

PAGE = DemoPage(store_hash="demostore", store_name="Knockout Fitness Supply", widget_src="/widget.js")


async def test_the_gloves_are_read_from_the_store() -> None:
    sandbox = Sandbox([SandboxStore.from_data(generate_demo_store(20, seed=0))], quota=10**6)
    transport = httpx.ASGITransport(app=sandbox)
    async with AsyncBigCommerce(
        "demostore", FULL_TOKEN, base_url="http://sandbox", transport=transport
    ) as client:
        product = await load_demo_product(client, storefront_url="https://knockout-fitness.example")
    assert product is not None
    assert product.name == "Premium Boxing Gloves"
    assert (product.price, product.sale_price) == (Decimal("89.99"), Decimal("79.99"))
    assert product.options == {"Size": ["10oz", "12oz", "14oz", "16oz"], "Colour": ["Red", "Black", "Blue"]}
    out = [v.options for v in product.variants if not v.in_stock]
    assert out == [{"Size": "16oz", "Colour": "Blue"}]
    assert product.url.startswith("https://knockout-fitness.example/")

    html = render_demo_page(product, PAGE)
    assert "<h1>Premium Boxing Gloves</h1>" in html
    assert "$89.99" in html and "$79.99" in html
    assert html.count("Out of stock") == 1
    assert '<script src="/widget.js" data-store="demostore" data-product-id="1" async></script>' in html


def test_store_text_is_escaped_everywhere() -> None:
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>"\'&'
    product = DemoProduct(
        id=7,
        name=evil,
        description=evil,
        price=Decimal("10"),
        sale_price=None,
        url="",
        options={evil: [evil, "M"], "Colour": ["Red"]},
        variants=[DemoVariant({evil: evil, "Colour": "Red"}, True, 3)],
        tracks_inventory=True,
    )
    page = DemoPage(
        store_hash="demostore",
        store_name=evil,
        widget_src='/widget.js" onload="alert(3)',
        app_client_id='"><script>alert(4)</script>',
        demo_customer_email=evil,
        notice=evil,
    )
    html = render_demo_page(product, page)
    assert "<img" not in html and 'onerror="' not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert 'src="/widget.js&quot; onload=&quot;alert(3)"' in html
    assert 'data-app-client-id="&quot;&gt;&lt;script&gt;alert(4)' in html
    assert len(re.findall(r"<script\b", html)) == 2  # the page's own sign-in script and the widget tag


def test_sign_in_bar_shows_who_is_signed_in() -> None:
    guest = render_demo_page(
        None, DemoPage("demostore", "Shop", "/widget.js", demo_customer_email="jane@x.example")
    )
    assert "browsing as a guest" in guest and 'data-email="jane@x.example"' in guest
    assert "no visible products" in guest
    signed = render_demo_page(
        None, DemoPage("demostore", "Shop", "/widget.js", signed_in_as="jane@x.example")
    )
    assert "Signed in as jane@x.example" in signed and ">Sign out<" in signed
