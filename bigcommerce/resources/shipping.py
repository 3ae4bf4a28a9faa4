"""``client.shipping_zones`` and ``client.payment_methods``: where and how the store ships (v2 zones and
their methods; scope Information & Settings read-only) and how shoppers pay (v2 payment methods; scope
``store_payments_methods_read``). An empty list (BigCommerce's 204) is ``[]``."""

from __future__ import annotations

import builtins

from ..types.shipping import PaymentMethod, ShippingMethod, ShippingZone
from ._base import MAX_LIMIT, Resource, object_id

__all__ = ["PaymentMethods", "ShippingZones"]

ZONES = "/v2/shipping/zones"


class ShippingZones(Resource):
    async def list(self) -> builtins.list[ShippingZone]:
        """Every shipping zone (not paged), enabled or not."""
        return await self._get_v2_list(ZONES, ShippingZone)

    async def get(self, zone_id: int | str) -> ShippingZone:
        return await self._get_v2(f"{ZONES}/{object_id(zone_id, 'zone_id')}", ShippingZone)

    async def methods(self, zone_id: int | str) -> builtins.list[ShippingMethod]:
        """The zone's methods, by id ascending ([] for a zone without methods)."""
        return await self._get_v2_list(f"{ZONES}/{object_id(zone_id, 'zone_id')}/methods", ShippingMethod)

    async def method(self, zone_id: int | str, method_id: int | str) -> ShippingMethod:
        path = f"{ZONES}/{object_id(zone_id, 'zone_id')}/methods/{object_id(method_id, 'method_id')}"
        return await self._get_v2(path, ShippingMethod)


class PaymentMethods(Resource):
    async def list(self) -> builtins.list[PaymentMethod]:
        """Every enabled payment method, sorted by name (``GET /v2/payments/methods``, all pages).

        BigCommerce marks this endpoint deprecated and warns it may not list every provider."""
        return await self._v2_paginator("/v2/payments/methods", PaymentMethod, {}, limit=MAX_LIMIT).collect()
