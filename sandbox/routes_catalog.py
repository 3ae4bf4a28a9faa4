"""Sandbox routes for the v3 catalog: products and their sub-resources, variants, categories, trees."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .checks import COMPARISONS, Check, compare, equals, outside, text_equals, truthy_equals, within
from .formats import SandboxError, json_response, no_content, v3_object
from .query import Query
from .routing import not_found, sort_key_and_direction, store_of, v3_page, v3_query

router = APIRouter()
V3 = "/stores/{store_hash}/v3/catalog"
NESTED = ("variants", "images", "custom_fields", "videos", "options")
INCLUDES = frozenset(
    {
        "variants",
        "images",
        "custom_fields",
        "bulk_pricing_rules",
        "primary_image",
        "modifiers",
        "options",
        "parent_relations",
        "reviews",
        "videos",
        "channels",
    }
)
PRODUCT_SORTS = (
    "id",
    "name",
    "sku",
    "price",
    "date_modified",
    "date_last_imported",
    "inventory_level",
    "is_visible",
    "total_sold",
    "calculated_price",
)


class ProductView:
    """How one request wants products rendered: includes and field trimming."""

    def __init__(self, query: Query) -> None:
        includes = query.csv("include") or []
        unknown = sorted(set(includes) - INCLUDES)
        if unknown:
            raise SandboxError(422, f"The filter 'include' is invalid: unknown {', '.join(unknown)}.", "v3")
        self.includes = includes
        self.include_fields = set(query.csv("include_fields") or [])
        self.exclude_fields = set(query.csv("exclude_fields") or []) - {"id"}
        self.capped = "options" in includes or "modifiers" in includes

    def render(self, product: dict[str, Any]) -> dict[str, Any]:
        if self.include_fields:
            out = {
                k: v
                for k, v in product.items()
                if k == "id" or (k in self.include_fields and k not in NESTED)
            }
        else:
            out = {k: v for k, v in product.items() if k not in NESTED}
        for field in self.exclude_fields:
            out.pop(field, None)
        for include in self.includes:
            if include in NESTED:
                out[include] = product[include]
            elif include == "primary_image":
                images = product["images"]
                thumbnail = next((i for i in images if i.get("is_thumbnail")), images[0] if images else None)
                out["primary_image"] = thumbnail or {}
            elif include in ("modifiers", "bulk_pricing_rules", "reviews", "parent_relations"):
                out[include] = product.get(include, [])
            elif include == "channels":
                out["channels"] = product.get("channels", [1])
        return out


def _int_filters(query: Query, prefix: str, field: str) -> list[Check]:
    checks: list[Check] = []
    value = query.integer(prefix)
    if value is not None:
        checks.append(equals(field, value))
    for op in COMPARISONS:
        bound = query.integer(f"{prefix}:{op}")
        if bound is not None:
            checks.append(compare(field, op, bound))
    wanted = query.int_list(f"{prefix}:in")
    if wanted is not None:
        checks.append(within(field, set(wanted)))
    unwanted = query.int_list(f"{prefix}:not_in")
    if unwanted is not None:
        checks.append(outside(field, set(unwanted)))
    return checks


def _date_filters(query: Query, prefix: str) -> list[Check]:
    checks: list[Check] = []
    for suffix, minimum in ((":min", True), (":max", False)):
        moment = query.date(prefix + suffix)
        if moment is not None:
            checks.append(_date_check(prefix, moment, minimum))
    exact = query.date(prefix)
    if exact is not None:
        checks.append(lambda p: datetime.fromisoformat(p[prefix]) == exact)
    return checks


def _date_check(field: str, moment: datetime, minimum: bool) -> Check:
    def check(product: dict[str, Any]) -> bool:
        value = datetime.fromisoformat(product[field])
        return value >= moment if minimum else value <= moment

    return check


_TAG = re.compile(r"<[^>]+>")


def _keyword_check(keyword: str) -> Check:
    """BigCommerce's keyword search: every word in the name, SKU or description (as text, not markup)."""
    terms = keyword.lower().split()

    def check(product: dict[str, Any]) -> bool:
        description = _TAG.sub(" ", product["description"])
        text = f"{product['name']} {product['sku']} {description}".lower()
        return all(term in text for term in terms)

    return check


def _product_filters(query: Query) -> list[Check]:
    checks = _int_filters(query, "id", "id") + _int_filters(query, "inventory_level", "inventory_level")
    checks += _date_filters(query, "date_modified")
    for name in ("is_visible", "is_featured", "is_free_shipping"):
        flag = query.flag(name)
        if flag is not None:
            checks.append(truthy_equals(name, flag))
    for name in ("name", "sku", "type", "availability", "condition", "upc", "mpn"):
        text = query.text(name)
        if text is not None:
            checks.append(text_equals(name, text))
    skus = query.csv("sku:in")
    if skus is not None:
        wanted_skus = set(skus)
        checks.append(lambda p: p["sku"] in wanted_skus)
    brand = query.integer("brand_id")
    if brand is not None:
        checks.append(lambda p: p["brand_id"] == brand)
    price = query.number("price")
    if price is not None:
        checks.append(lambda p: p["price"] == price)
    category = query.integer("categories")
    if category is not None:
        checks.append(lambda p: category in p["categories"])
    categories = query.int_list("categories:in")
    if categories is not None:
        wanted_categories = set(categories)
        checks.append(lambda p: bool(wanted_categories & set(p["categories"])))
    keyword = query.text("keyword")
    if keyword:
        checks.append(_keyword_check(keyword))
    if query.flag("out_of_stock"):
        checks.append(lambda p: p["inventory_tracking"] != "none" and p["inventory_level"] <= 0)
    if query.flag("inventory_low"):
        checks.append(
            lambda p: (
                p["inventory_tracking"] != "none" and p["inventory_level"] <= p["inventory_warning_level"]
            )
        )
    return checks


@router.get(V3 + "/products")
async def list_products(request: Request) -> Response:
    query = v3_query(request)
    view = ProductView(query)
    checks = _product_filters(query)
    field, descending = sort_key_and_direction(query, PRODUCT_SORTS)
    store = store_of(request)
    products = [p for p in store.products.values() if all(check(p) for check in checks)]
    if field != "id" or descending or not _ids_ascending(products):
        products.sort(key=lambda p: (p.get(field) is None, p.get(field) or 0, p["id"]), reverse=descending)
    return v3_page(products, query, view.render, max_limit=10 if view.capped else None)


def _ids_ascending(products: list[dict[str, Any]]) -> bool:
    return all(a["id"] < b["id"] for a, b in pairwise(products))


def _product(request: Request, product_id: int) -> dict[str, Any]:
    product = store_of(request).products.get(product_id)
    if product is None:
        raise not_found("v3", "product")
    return product


@router.get(V3 + "/products/{product_id:int}")
async def get_product(request: Request, product_id: int) -> Response:
    view = ProductView(v3_query(request))
    return json_response(v3_object(view.render(_product(request, product_id))))


def _sub_page(request: Request, product_id: int, key: str) -> Response:
    return v3_page(_product(request, product_id)[key], v3_query(request))


@router.get(V3 + "/products/{product_id:int}/variants")
async def product_variants(request: Request, product_id: int) -> Response:
    return _sub_page(request, product_id, "variants")


@router.get(V3 + "/products/{product_id:int}/variants/{variant_id:int}")
async def product_variant(request: Request, product_id: int, variant_id: int) -> Response:
    for variant in _product(request, product_id)["variants"]:
        if variant["id"] == variant_id:
            return json_response(v3_object(variant))
    raise not_found("v3", "variant")


@router.get(V3 + "/products/{product_id:int}/images")
async def product_images(request: Request, product_id: int) -> Response:
    """A product's images; 204 when it has none (as products_catalog.v3.yml documents)."""
    if not _product(request, product_id)["images"]:
        return no_content()
    return _sub_page(request, product_id, "images")


@router.get(V3 + "/products/{product_id:int}/custom-fields")
async def product_custom_fields(request: Request, product_id: int) -> Response:
    return _sub_page(request, product_id, "custom_fields")


@router.get(V3 + "/products/{product_id:int}/videos")
async def product_videos(request: Request, product_id: int) -> Response:
    return _sub_page(request, product_id, "videos")


@router.get(V3 + "/variants")
async def list_variants(request: Request) -> Response:
    query = v3_query(request)
    product_ids = query.int_list("product_id:in")
    variant_ids = query.int_list("id:in")
    sku = query.text("sku")
    variants = [
        v
        for p in store_of(request).products.values()
        if product_ids is None or p["id"] in product_ids
        for v in p["variants"]
        if (variant_ids is None or v["id"] in variant_ids) and (sku is None or v["sku"] == sku)
    ]
    return v3_page(variants, query)


def _category_filters(query: Query, id_field: str) -> list[Check]:
    checks = _int_filters(query, "id", id_field) if id_field == "id" else []
    for param, field in (("category_id:in", "id"), ("tree_id:in", "tree_id"), ("parent_id:in", "parent_id")):
        values = query.int_list(param)
        if values is not None:
            allowed = set(values)
            checks.append(within(field, allowed))
    parent = query.integer("parent_id")
    if parent is not None:
        checks.append(lambda c: c["parent_id"] == parent)
    name = query.text("name")
    if name is not None:
        checks.append(lambda c: c["name"] == name)
    like = query.text("name:like")
    if like is not None:
        checks.append(lambda c: like.lower() in c["name"].lower())
    visible = query.flag("is_visible")
    if visible is not None:
        checks.append(lambda c: c["is_visible"] == visible)
    keyword = query.text("keyword") or ""
    if keyword:
        checks.append(lambda c: keyword.lower() in f"{c['name']} {c['description']}".lower())
    return checks


@router.get(V3 + "/categories")
async def list_categories(request: Request) -> Response:
    query = v3_query(request)
    checks = _category_filters(query, "id")
    categories = [c for c in store_of(request).categories.values() if all(check(c) for check in checks)]
    return v3_page(categories, query)


@router.get(V3 + "/categories/{category_id:int}")
async def get_category(request: Request, category_id: int) -> Response:
    category = store_of(request).categories.get(category_id)
    if category is None:
        raise not_found("v3", "category")
    return json_response(v3_object(category))


def _tree_category(category: dict[str, Any]) -> dict[str, Any]:
    url = category.get("custom_url") or {}
    return {
        "category_id": category["id"],
        "category_uuid": f"00000000-0000-4000-8000-{category['id']:012d}",
        "parent_id": category["parent_id"],
        "tree_id": category["tree_id"],
        "name": category["name"],
        "description": category["description"],
        "is_visible": category["is_visible"],
        "sort_order": category["sort_order"],
        "url": {"path": url.get("url", ""), "is_customized": url.get("is_customized", False)},
        "image_url": category["image_url"],
        "default_product_sort": category["default_product_sort"],
    }


@router.get(V3 + "/trees/categories")
async def list_tree_categories(request: Request) -> Response:
    query = v3_query(request)
    checks = _category_filters(query, "category_id")
    categories = [c for c in store_of(request).categories.values() if all(check(c) for check in checks)]
    return v3_page(categories, query, _tree_category)


@router.get(V3 + "/trees")
async def list_trees(request: Request) -> Response:
    store = store_of(request)
    tree_ids = sorted({c["tree_id"] for c in store.categories.values()} or {1})
    trees = [{"id": t, "name": store.info["name"], "channels": [1]} for t in tree_ids]
    return v3_page(trees, v3_query(request))
