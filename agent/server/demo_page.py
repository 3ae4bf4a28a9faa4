"""The demo page served at ``/`` by ``bcagent serve``: a product page of the connected store with the chat
widget on it, and a small bar to sign in as a demo customer or stay a guest.

The product (name, price, sale price, sizes and colours, stock) is read live through the store's client;
``render_demo_page`` is a pure function of what was read. Every piece of store text is escaped: the
description is reduced to plain text first (store HTML is never rendered), then escaped like the rest.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal

from bigcommerce import AsyncBigCommerce
from bigcommerce.money import MoneyFormat, format_money
from bigcommerce.types.catalog import Product
from ingest.documents import html_to_text

__all__ = ["DemoPage", "DemoProduct", "DemoVariant", "load_demo_product", "render_demo_page"]

DEMO_PRODUCT_NAME = "Premium Boxing Gloves"
MAX_DESCRIPTION_CHARS = 1200


@dataclass(frozen=True)
class DemoVariant:
    options: dict[str, str]  # option display name -> value, e.g. {"Size": "10oz", "Colour": "Red"}
    in_stock: bool
    inventory: int | None


@dataclass(frozen=True)
class DemoProduct:
    id: int
    name: str
    description: str  # plain text
    price: Decimal | None
    sale_price: Decimal | None
    url: str
    options: dict[str, list[str]] = field(default_factory=dict)  # in the store's order
    variants: list[DemoVariant] = field(default_factory=list)
    inventory: int | None = None
    tracks_inventory: bool = False

    @property
    def in_stock(self) -> bool:
        if not self.tracks_inventory:
            return True
        if self.variants:
            return any(v.in_stock for v in self.variants)
        return (self.inventory or 0) > 0


@dataclass(frozen=True)
class DemoPage:
    """Everything around the product: the store, the widget tag, the sign-in bar."""

    store_hash: str
    store_name: str
    widget_src: str
    money: MoneyFormat = field(default_factory=MoneyFormat)
    app_client_id: str | None = None
    api_base: str | None = None  # data-api; None: the widget's own origin
    demo_customer_email: str | None = None  # None: no sign-in bar button
    signed_in_as: str | None = None
    sign_in_path: str = "/demo/sign-in"
    sign_out_path: str = "/demo/sign-out"
    notice: str = ""  # a line above the product, e.g. when the store could not be read


def _variant(
    product: Product, variant_options: dict[str, str], level: int | None, disabled: bool
) -> DemoVariant:
    tracked = product.inventory_tracking == "variant"
    in_stock = not disabled and (not tracked or (level or 0) > 0)
    return DemoVariant(options=variant_options, in_stock=in_stock, inventory=level if tracked else None)


def demo_product_of(product: Product, storefront_url: str = "") -> DemoProduct:
    """The page's view of a catalog product (``include=variants``)."""
    options: dict[str, list[str]] = {}
    variants: list[DemoVariant] = []
    for variant in product.variants:
        chosen: dict[str, str] = {}
        for value in variant.option_values:
            name = value.option_display_name or "Option"
            label = value.label or ""
            chosen[name] = label
            values = options.setdefault(name, [])
            if label not in values:
                values.append(label)
        if chosen:
            variants.append(
                _variant(product, chosen, variant.inventory_level, bool(variant.purchasing_disabled))
            )
    path = product.custom_url.url if product.custom_url and product.custom_url.url else ""
    return DemoProduct(
        id=product.id or 0,
        name=product.name or "",
        description=html_to_text(product.description)[:MAX_DESCRIPTION_CHARS],
        price=product.price,
        sale_price=product.sale_price if product.sale_price and product.sale_price > 0 else None,
        url=storefront_url.rstrip("/") + path if path else storefront_url,
        options=options,
        variants=variants,
        inventory=product.inventory_level,
        tracks_inventory=(product.inventory_tracking or "none") != "none",
    )


async def load_demo_product(
    client: AsyncBigCommerce, product_id: int | None = None, storefront_url: str = ""
) -> DemoProduct | None:
    """The product to show: ``product_id``, else the Premium Boxing Gloves, else the first visible product."""
    if product_id is not None:
        return demo_product_of(await client.products.get(product_id, include=["variants"]), storefront_url)
    page = await client.products.list(
        limit=5, include=["variants"], keyword=DEMO_PRODUCT_NAME, is_visible=True
    )
    exact = [p for p in page.items if p.name == DEMO_PRODUCT_NAME]
    chosen = exact or page.items
    if not chosen:
        chosen = (await client.products.list(limit=1, include=["variants"], is_visible=True, sort="id")).items
    return demo_product_of(chosen[0], storefront_url) if chosen else None


# ---------- rendering ----------

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:Georgia,"Times New Roman",serif;color:#1b1b1b;background:#faf8f5;line-height:1.5}
.demo-bar{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;padding:8px 20px;background:#1b1b1b;
 color:#f5f5f5;font:14px/1.4 system-ui,sans-serif}
.demo-bar button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #f5f5f5;background:#1b1b1b;
 color:#f5f5f5;cursor:pointer}
.demo-bar button:focus-visible{outline:3px solid #f7b955;outline-offset:2px}
header.shop{padding:18px 20px;border-bottom:1px solid #e4ded6;background:#fff}
header.shop a{color:#1b1b1b;text-decoration:none;font-size:22px;font-weight:700;letter-spacing:.5px}
main{max-width:980px;margin:0 auto;padding:24px 20px 120px;display:grid;gap:28px;grid-template-columns:1fr 1fr}
@media (max-width:720px){main{grid-template-columns:1fr}}
.crumbs{grid-column:1/-1;font:14px system-ui,sans-serif;color:#5a534b}
.photo{aspect-ratio:1;border-radius:12px;background:linear-gradient(135deg,#b91c1c,#450a0a);display:flex;
 align-items:center;justify-content:center;color:#fff;font:600 20px system-ui,sans-serif;text-align:center;padding:20px}
h1{margin:0 0 8px;font-size:30px;line-height:1.2;overflow-wrap:anywhere}
.price{font:600 22px system-ui,sans-serif;margin:0 0 14px}
.price s{color:#6b6258;font-weight:400;margin-right:8px}
.price .sale{color:#b91c1c}
.desc{white-space:pre-line;overflow-wrap:anywhere;margin:0 0 18px}
.opts{font:15px system-ui,sans-serif}
.opts dt{font-weight:600;margin-top:10px}
.opts dd{margin:4px 0 0}
.chip{display:inline-block;margin:0 6px 6px 0;padding:4px 10px;border:1px solid #c8bfb4;border-radius:999px;background:#fff}
table.stock{border-collapse:collapse;margin-top:14px;font:14px system-ui,sans-serif}
table.stock th,table.stock td{border:1px solid #e4ded6;padding:4px 10px;text-align:center}
table.stock td.out{color:#8a1c1c}
.buy{margin-top:18px;padding:12px 22px;font:600 16px system-ui,sans-serif;border:0;border-radius:8px;
 background:#1b1b1b;color:#fff}
.stockline{font:15px system-ui,sans-serif;margin:10px 0 0}
"""

_SIGN_IN_SCRIPT = """
document.querySelectorAll("[data-demo-action]").forEach(function (button) {
  button.addEventListener("click", function () {
    button.disabled = true;
    fetch(button.dataset.demoAction, {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({email: button.dataset.email || ""}), credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); location.reload(); })
      .catch(function () { button.disabled = false; button.nextElementSibling.textContent = "Sign-in failed."; });
  });
});
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _price(product: DemoProduct, money: MoneyFormat) -> str:
    if product.price is None:
        return ""
    regular = _e(format_money(product.price, money))
    if product.sale_price is not None and product.sale_price < product.price:
        sale = _e(format_money(product.sale_price, money))
        return (
            f'<p class="price"><s aria-label="Was {regular}">{regular}</s>'
            f'<span class="sale" aria-label="Now {sale}">{sale}</span></p>'
        )
    return f'<p class="price">{regular}</p>'


def _options(product: DemoProduct) -> str:
    if not product.options:
        return ""
    rows = "".join(
        f"<dt>{_e(name)}</dt><dd>{''.join(f'<span class=chip>{_e(v)}</span>' for v in values)}</dd>"
        for name, values in product.options.items()
    )
    return f'<dl class="opts">{rows}</dl>{_stock_table(product)}'


def _stock_table(product: DemoProduct) -> str:
    """Size x colour (the first two options) with the stock of each variant, when stock is tracked."""
    names = list(product.options)
    if len(names) != 2 or not product.tracks_inventory:
        return ""
    rows_of, cols_of = names
    cells = {(v.options.get(rows_of), v.options.get(cols_of)): v for v in product.variants}
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in product.options[cols_of])
    body = []
    for r in product.options[rows_of]:
        tds = []
        for c in product.options[cols_of]:
            v = cells.get((r, c))
            if v is None:
                tds.append("<td>-</td>")
            elif v.in_stock:
                tds.append(f"<td>{_e(v.inventory) + ' left' if v.inventory is not None else 'In stock'}</td>")
            else:
                tds.append('<td class="out">Out of stock</td>')
        body.append(f'<tr><th scope="row">{_e(r)}</th>{"".join(tds)}</tr>')
    return (
        f'<table class="stock"><caption class="stockline">Stock by {_e(rows_of.lower())} and '
        f"{_e(cols_of.lower())}</caption><thead><tr><td></td>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _bar(page: DemoPage) -> str:
    if page.signed_in_as:
        who = f"Signed in as {_e(page.signed_in_as)} (demo customer)."
        button = f'<button type="button" data-demo-action="{_e(page.sign_out_path)}">Sign out</button>'
    elif page.demo_customer_email:
        who = "Demo store: you are browsing as a guest."
        button = (
            f'<button type="button" data-demo-action="{_e(page.sign_in_path)}" '
            f'data-email="{_e(page.demo_customer_email)}">Sign in as {_e(page.demo_customer_email)}</button>'
        )
    else:
        return '<div class="demo-bar" role="region" aria-label="Demo">Demo store.</div>'
    return (
        f'<div class="demo-bar" role="region" aria-label="Demo sign-in"><span>{who}</span>{button}'
        '<span role="status"></span></div>'
    )


def _widget_tag(page: DemoPage, product: DemoProduct | None) -> str:
    attrs = {"src": page.widget_src, "data-store": page.store_hash}
    if page.api_base:
        attrs["data-api"] = page.api_base
    if page.app_client_id:
        attrs["data-app-client-id"] = page.app_client_id
    if product is not None and product.id:
        attrs["data-product-id"] = str(product.id)
    return "<script " + " ".join(f'{k}="{_e(v)}"' for k, v in attrs.items()) + " async></script>"


def render_demo_page(product: DemoProduct | None, page: DemoPage) -> str:
    """The whole HTML document. ``product`` None (an empty catalog) still renders the store and the widget."""
    store = _e(page.store_name or page.store_hash)
    notice = f'<p class="crumbs" role="status">{_e(page.notice)}</p>' if page.notice else ""
    if product is None:
        body = f"<main>{notice or '<p class=crumbs>This store has no visible products yet.</p>'}</main>"
        title = store
    else:
        name = _e(product.name)
        stock = "In stock" if product.in_stock else "Out of stock"
        body = (
            f'<main data-bcagent-product-id="{product.id}">'
            f'{notice}<p class="crumbs">Home / Products / {name}</p>'
            f'<div class="photo" aria-hidden="true">{name}</div>'
            f"<section><h1>{name}</h1>{_price(product, page.money)}"
            f'<p class="desc">{_e(product.description)}</p>{_options(product)}'
            f'<p class="stockline">{stock}</p>'
            '<button class="buy" type="button" disabled>Add to cart (demo)</button></section></main>'
        )
        title = f"{name} | {store}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f'{_bar(page)}<header class="shop"><a href="/">{store}</a></header>{body}'
        f"<script>{_SIGN_IN_SCRIPT}</script>{_widget_tag(page, product)}</body></html>"
    )
