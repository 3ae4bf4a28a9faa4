"""A catalog product as a retrieval document: text to embed, metadata, deterministic id, content hash.

The text leads with what shoppers ask about (name, brand, categories, options) because the embedding
model reads only its first ~256 word pieces; the full description follows, as plain text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from bigcommerce.money import MoneyFormat, format_money
from bigcommerce.types.catalog import Product

MAX_DESCRIPTION_CHARS = 4000
_BLOCK_TAGS = frozenset(
    {"p", "br", "li", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str:
    """Plain text from a product description: tags dropped, entities decoded, whitespace tidied.

    Broken markup never raises: the parser is lenient and whatever text it finds is kept."""
    if not markup:
        return ""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = html.unescape("".join(extractor.parts))
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class CatalogContext:
    """What a document needs beyond the product: category names, storefront URL, money format."""

    category_names: dict[int, str] = field(default_factory=dict)
    storefront_url: str = ""
    money: MoneyFormat = field(default_factory=MoneyFormat)


@dataclass(frozen=True)
class ProductDocument:
    id: str
    product_id: int
    text: str
    metadata: dict[str, str | int | float | bool]
    content_hash: str


def document_id(product_id: int) -> str:
    return f"product-{product_id}"


def product_id_of(doc_id: str) -> int:
    """The product a document id names (``document_id``'s inverse)."""
    return int(doc_id.split("-", 1)[1])


def _money(value: Decimal | None, context: CatalogContext) -> str:
    return format_money(value or 0, context.money)


def _variant_lines(product: Product) -> list[str]:
    lines = []
    for variant in product.variants:
        labels = ", ".join(f"{v.option_display_name} {v.label}" for v in variant.option_values if v.label)
        if not labels:
            continue
        stock = "in stock"
        if product.inventory_tracking == "variant" and (
            variant.purchasing_disabled or (variant.inventory_level or 0) <= 0
        ):
            stock = "out of stock"
        lines.append(f"- {labels}: {stock}")
    return lines


def product_options(product: Product) -> dict[str, list[str]]:
    """Option name -> its values, in the order the variants list them (e.g. Size: 10oz, 12oz)."""
    options: dict[str, list[str]] = {}
    for variant in product.variants:
        for value in variant.option_values:
            if value.option_display_name and value.label:
                labels = options.setdefault(value.option_display_name, [])
                if value.label not in labels:
                    labels.append(value.label)
    return options


def build_document(product: Product, context: CatalogContext) -> ProductDocument:
    """The retrieval document of a product that passed the filters."""
    if product.id is None:
        raise ValueError("a product without an id cannot be indexed")
    name = (product.name or "").strip()
    categories = [context.category_names[c] for c in product.categories if c in context.category_names]
    description = html_to_text(product.description)[:MAX_DESCRIPTION_CHARS]
    url = context.storefront_url.rstrip("/") + (
        product.custom_url.url if product.custom_url and product.custom_url.url else ""
    )
    sale = product.sale_price if product.sale_price and product.sale_price > 0 else None
    price_line = f"Price: {_money(product.price, context)}"
    if sale is not None:
        price_line += f", on sale for {_money(sale, context)}"
    options = product_options(product)
    lines = [name]
    if categories:
        lines.append("Categories: " + ", ".join(categories))
    for option, labels in options.items():
        lines.append(f"{option}: {', '.join(labels)}")
    lines.append(price_line)
    if description:
        lines.append(description)
    for custom in product.custom_fields:
        if custom.name and custom.value:
            lines.append(f"{custom.name}: {custom.value}")
    variant_lines = _variant_lines(product)
    if variant_lines:
        lines.append("Variants:")
        lines.extend(variant_lines)
    for video in product.videos:
        if video.type in (None, "youtube") and video.video_id:
            lines.append(f"Video: {video.title or name} https://www.youtube.com/watch?v={video.video_id}")
    images = [i.url_standard for i in product.images if i.url_standard]
    if images:
        lines.append("Images: " + " ".join(images))
    if url:
        lines.append(f"Link: {url}")
    text = "\n".join(lines)
    metadata: dict[str, str | int | float | bool] = {
        "product_id": product.id,
        "name": name,
        "sku": product.sku or "",
        "price": float(product.price or 0),
        "sale_price": float(sale or 0),
        "calculated_price": float(product.calculated_price or sale or product.price or 0),
        "currency": context.money.currency,
        "inventory_tracking": product.inventory_tracking or "none",
        "categories": ",".join(str(c) for c in product.categories),
        "url": url,
    }
    # The hash covers what is embedded and stored, not volatile fields: an unchanged product is never re-embedded.
    digest = hashlib.sha256(json.dumps([text, metadata], sort_keys=True).encode()).hexdigest()[:32]
    metadata["content_hash"] = digest
    metadata["date_modified"] = product.date_modified.isoformat() if product.date_modified else ""
    return ProductDocument(document_id(product.id), product.id, text, metadata, digest)
