"""Models for the v3 catalog: products and their variants, images, videos and custom fields, and
categories (the deprecated flat list and the category-trees replacement)."""

from __future__ import annotations

from pydantic import Field

from ._base import BCModel, DateTime, Money

__all__ = [
    "Category",
    "CustomField",
    "CustomUrl",
    "OptionValue",
    "Product",
    "ProductImage",
    "ProductVideo",
    "TreeCategory",
    "TreeCategoryUrl",
    "Variant",
]


class CustomUrl(BCModel):
    """A relative storefront path; prefix it with the store's ``secure_url``."""

    url: str | None = None
    is_customized: bool | None = None


class OptionValue(BCModel):
    id: int | None = None
    label: str | None = None
    option_id: int | None = None
    option_display_name: str | None = None


class Variant(BCModel):
    """A product variant (SKU). Null prices inherit the product's."""

    id: int | None = None
    product_id: int | None = None
    sku: str | None = None
    sku_id: int | None = None
    price: Money = None
    sale_price: Money = None
    retail_price: Money = None
    calculated_price: Money = None
    inventory_level: int | None = None
    inventory_warning_level: int | None = None
    purchasing_disabled: bool | None = None
    purchasing_disabled_message: str | None = None
    option_values: list[OptionValue] = Field(default_factory=list)
    image_url: str | None = None
    upc: str | None = None
    mpn: str | None = None
    gtin: str | None = None


class ProductImage(BCModel):
    id: int | None = None
    product_id: int | None = None
    is_thumbnail: bool | None = None
    sort_order: int | None = None
    description: str | None = None
    url_zoom: str | None = None
    url_standard: str | None = None
    url_thumbnail: str | None = None
    url_tiny: str | None = None


class ProductVideo(BCModel):
    """A product video; ``video_id`` is the YouTube id when ``type`` is ``youtube``."""

    id: int | None = None
    product_id: int | None = None
    type: str | None = None
    video_id: str | None = None
    title: str | None = None
    description: str | None = None
    sort_order: int | None = None
    length: str | None = None


class CustomField(BCModel):
    id: int | None = None
    name: str | None = None
    value: str | None = None


class Product(BCModel):
    """A v3 catalog product. Sub-resource lists are filled only when requested with ``include=``."""

    id: int | None = None
    name: str | None = None
    type: str | None = None
    sku: str | None = None
    description: str | None = None
    price: Money = None
    sale_price: Money = None
    retail_price: Money = None
    cost_price: Money = None
    map_price: Money = None
    calculated_price: Money = None
    is_visible: bool | None = None
    is_featured: bool | None = None
    availability: str | None = None
    availability_description: str | None = None
    inventory_tracking: str | None = None
    inventory_level: int | None = None
    inventory_warning_level: int | None = None
    categories: list[int] = Field(default_factory=list)
    brand_id: int | None = None
    custom_url: CustomUrl | None = None
    order_quantity_minimum: int | None = None
    order_quantity_maximum: int | None = None
    preorder_release_date: DateTime = None
    preorder_message: str | None = None
    is_preorder_only: bool | None = None
    is_price_hidden: bool | None = None
    price_hidden_label: str | None = None
    is_free_shipping: bool | None = None
    weight: float | None = None
    width: float | None = None
    height: float | None = None
    depth: float | None = None
    warranty: str | None = None
    upc: str | None = None
    mpn: str | None = None
    gtin: str | None = None
    condition: str | None = None
    base_variant_id: int | None = None
    date_created: DateTime = None
    date_modified: DateTime = None
    total_sold: int | None = None
    reviews_count: int | None = None
    reviews_rating_sum: int | None = None
    variants: list[Variant] = Field(default_factory=list)
    images: list[ProductImage] = Field(default_factory=list)
    primary_image: ProductImage | None = None
    custom_fields: list[CustomField] = Field(default_factory=list)
    videos: list[ProductVideo] = Field(default_factory=list)


class Category(BCModel):
    """A category from the (deprecated) ``GET /v3/catalog/categories``."""

    id: int | None = None
    parent_id: int | None = None
    name: str | None = None
    description: str | None = None
    is_visible: bool | None = None
    sort_order: int | None = None
    custom_url: CustomUrl | None = None
    image_url: str | None = None
    page_title: str | None = None
    search_keywords: str | None = None
    default_product_sort: str | None = None


class TreeCategoryUrl(BCModel):
    path: str | None = None
    is_customized: bool | None = None


class TreeCategory(BCModel):
    """A category from ``GET /v3/catalog/trees/categories``."""

    category_id: int | None = None
    category_uuid: str | None = None
    parent_id: int | None = None
    tree_id: int | None = None
    name: str | None = None
    description: str | None = None
    is_visible: bool | None = None
    sort_order: int | None = None
    url: TreeCategoryUrl | None = None
