"""Product documents: plain text from HTML, the fields shoppers ask about, stable ids and hashes."""

from __future__ import annotations

from typing import Any

from bigcommerce.money import MoneyFormat
from bigcommerce.types.catalog import Product
from ingest.documents import CatalogContext, build_document, html_to_text

CONTEXT = CatalogContext(
    category_names={18: "Gloves"}, storefront_url="https://shop.example/", money=MoneyFormat()
)


def product(**fields: Any) -> Product:
    base: dict[str, Any] = {
        "id": 7,
        "name": "Premium Boxing Gloves",
        "sku": "PBG",
        "description": "<p>Hand-stitched <b>leather</b> &amp; foam</p><ul><li>Hook &amp; loop</li></ul>",
        "price": 89.99,
        "sale_price": 79.99,
        "categories": [18],
        "inventory_tracking": "variant",
        "custom_url": {"url": "/premium-boxing-gloves/"},
        "variants": [
            {
                "id": 1,
                "inventory_level": 3,
                "option_values": [{"label": "12oz", "option_display_name": "Size"}],
            },
            {
                "id": 2,
                "inventory_level": 0,
                "option_values": [{"label": "16oz", "option_display_name": "Size"}],
            },
        ],
        "custom_fields": [{"name": "Material", "value": "Leather"}],
        "videos": [{"type": "youtube", "video_id": "abc123", "title": "Sizing"}],
        "images": [{"url_standard": "https://cdn.example/1.jpg"}],
    }
    base.update(fields)
    return Product.model_validate(base)


def test_html_to_text_strips_tags_and_decodes_entities() -> None:
    assert (
        html_to_text("<p>Soft &amp; <b>strong</b></p><p>Second&nbsp;line</p>") == "Soft & strong\nSecond line"
    )
    assert html_to_text("<script>alert(1)</script>Safe") == "Safe"
    assert html_to_text(None) == ""


def test_broken_html_emoji_and_huge_descriptions_never_break() -> None:
    assert html_to_text("<p>Unclosed <b>bold <i>and <a href='x").startswith("Unclosed bold")
    assert html_to_text("Punch 🥊 hard &#x1F94A;") == "Punch 🥊 hard 🥊"
    document = build_document(product(description="<p>" + "word " * 5000 + "</p>"), CONTEXT)
    assert len(document.text) < 6000


def test_document_holds_what_shoppers_ask_about() -> None:
    document = build_document(product(), CONTEXT)
    text = document.text
    assert text.startswith("Premium Boxing Gloves\nCategories: Gloves\nSize: 12oz, 16oz")
    assert "Price: $89.99, on sale for $79.99" in text
    assert "Hand-stitched leather & foam" in text and "<b>" not in text
    assert "Material: Leather" in text
    assert "- Size 12oz: in stock" in text and "- Size 16oz: out of stock" in text
    assert "https://www.youtube.com/watch?v=abc123" in text
    assert "https://cdn.example/1.jpg" in text
    assert "Link: https://shop.example/premium-boxing-gloves/" in text
    assert document.id == "product-7"
    assert document.metadata["sale_price"] == 79.99 and document.metadata["url"].endswith(
        "/premium-boxing-gloves/"
    )


def test_hash_is_deterministic_and_ignores_volatile_fields() -> None:
    first = build_document(product(), CONTEXT)
    assert build_document(product(), CONTEXT).content_hash == first.content_hash
    more_stock = product(
        inventory_level=99,
        date_modified="2030-01-01T00:00:00+00:00",
        variants=[
            {
                "id": 1,
                "inventory_level": 9,
                "option_values": [{"label": "12oz", "option_display_name": "Size"}],
            },
            {
                "id": 2,
                "inventory_level": 0,
                "option_values": [{"label": "16oz", "option_display_name": "Size"}],
            },
        ],
    )
    assert build_document(more_stock, CONTEXT).content_hash == first.content_hash
    assert build_document(product(price=99.0), CONTEXT).content_hash != first.content_hash
