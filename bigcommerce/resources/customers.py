"""``client.customers`` (v3) and ``client.customer_groups`` (v2)."""

from __future__ import annotations

from .._params import FilterValue
from ..pagination import AsyncPaginator
from ..types.customers import Customer, CustomerGroup
from ._base import MAX_LIMIT, Filters, Resource, csv, merge_filters, object_id

__all__ = ["CustomerGroups", "Customers"]


class Customers(Resource):
    def iter(
        self,
        *,
        limit: int = MAX_LIMIT,
        include: str | list[str] | None = None,
        filters: Filters = None,
        **keywords: FilterValue,
    ) -> AsyncPaginator[Customer]:
        """``GET /v3/customers``, e.g. ``iter(filters={"email:in": ["ann@example.com"]})``."""
        params = {**merge_filters(filters, keywords), "include": csv(include)}
        return self._v3_paginator("/v3/customers", Customer, params, limit=limit)


class CustomerGroups(Resource):
    async def get(self, group_id: int | str) -> CustomerGroup:
        """``GET /v2/customer_groups/{id}``."""
        return await self._get_v2(f"/v2/customer_groups/{object_id(group_id, 'group_id')}", CustomerGroup)

    def iter(
        self, *, limit: int = MAX_LIMIT, filters: Filters = None, **keywords: FilterValue
    ) -> AsyncPaginator[CustomerGroup]:
        """``GET /v2/customer_groups`` (id ascending), e.g. ``iter(is_group_for_guests=True)``."""
        return self._v2_paginator(
            "/v2/customer_groups", CustomerGroup, merge_filters(filters, keywords), limit=limit
        )
