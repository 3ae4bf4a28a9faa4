"""``client.products`` and ``client.categories``: the v3 catalog."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from .._params import FilterValue
from ..pagination import AsyncPaginator, Page
from ..types.catalog import Category, Product, TreeCategory, Variant
from ._base import MAX_LIMIT, Filters, Resource, csv, merge_filters, object_id

__all__ = ["Categories", "Products"]

Fields = str | Sequence[str] | None


def _product_params(
    include: Fields, include_fields: Fields, exclude_fields: Fields, filters: dict[str, object]
) -> dict[str, object]:
    return {
        **filters,
        "include": csv(include),
        "include_fields": csv(include_fields),
        "exclude_fields": csv(exclude_fields),
    }


class Products(Resource):
    """Catalog products. Filters are BigCommerce's query parameters: pass them as keywords
    (``is_visible=True``, ``keyword="glove"``, ``id__in=[1, 2]`` for ``id:in``) or in the ``filters``
    mapping (``filters={"id:in": [1, 2]}``). Lists become CSV, booleans ``true``/``false``."""

    async def get(
        self,
        product_id: int | str,
        *,
        include: Fields = None,
        include_fields: Fields = None,
        exclude_fields: Fields = None,
    ) -> Product:
        """``GET /v3/catalog/products/{id}``; ``include`` e.g. ``["variants", "images"]``."""
        params = _product_params(include, include_fields, exclude_fields, {})
        return await self._get_v3(
            f"/v3/catalog/products/{object_id(product_id, 'product_id')}", Product, params
        )

    async def list(
        self,
        *,
        page: int = 1,
        limit: int = 50,
        include: Fields = None,
        include_fields: Fields = None,
        exclude_fields: Fields = None,
        filters: Filters = None,
        **keywords: FilterValue,
    ) -> Page[Product]:
        """One page of ``GET /v3/catalog/products`` with its ``meta.pagination``."""
        params = _product_params(include, include_fields, exclude_fields, merge_filters(filters, keywords))
        return await self._v3_page("/v3/catalog/products", Product, params, page=page, limit=limit)

    def iter(
        self,
        *,
        limit: int = MAX_LIMIT,
        include: Fields = None,
        include_fields: Fields = None,
        exclude_fields: Fields = None,
        filters: Filters = None,
        **keywords: FilterValue,
    ) -> AsyncPaginator[Product]:
        """Every product matching the filters, e.g. ``iter(include=["variants"], is_visible=True)``."""
        params = _product_params(include, include_fields, exclude_fields, merge_filters(filters, keywords))
        return self._v3_paginator("/v3/catalog/products", Product, params, limit=limit)

    async def variants(self, product_id: int | str) -> builtins.list[Variant]:
        """All variants of a product (``GET /v3/catalog/products/{id}/variants``)."""
        path = f"/v3/catalog/products/{object_id(product_id, 'product_id')}/variants"
        return await self._v3_paginator(path, Variant, {}, limit=MAX_LIMIT).collect()


class Categories(Resource):
    """Categories: the deprecated flat list (``iter``) and its replacement, category trees (``tree_iter``)."""

    def iter(
        self, *, limit: int = MAX_LIMIT, filters: Filters = None, **keywords: FilterValue
    ) -> AsyncPaginator[Category]:
        """``GET /v3/catalog/categories`` (deprecated by BigCommerce but still served)."""
        return self._v3_paginator(
            "/v3/catalog/categories", Category, merge_filters(filters, keywords), limit=limit
        )

    def tree_iter(
        self, *, limit: int = MAX_LIMIT, filters: Filters = None, **keywords: FilterValue
    ) -> AsyncPaginator[TreeCategory]:
        """``GET /v3/catalog/trees/categories``, e.g. ``tree_iter(filters={"tree_id:in": [1]})``."""
        return self._v3_paginator(
            "/v3/catalog/trees/categories", TreeCategory, merge_filters(filters, keywords), limit=limit
        )
