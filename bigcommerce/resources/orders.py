"""``client.orders`` and ``client.order_statuses``: v2 orders and their sub-resources, the v3 order
transactions and refunds, and the writes the product makes (a status change, a shipping-address change)."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import TypedDict, Unpack

from .._transport import decode_json
from ..errors import APIResponseValidationError
from ..pagination import AsyncPaginator, Page, parse_items
from ..types.orders import (
    Order,
    OrderCount,
    OrderCoupon,
    OrderProduct,
    OrderStatus,
    OrderStatusUpdate,
    Shipment,
    ShippingAddress,
    ShippingAddressUpdate,
    Transaction,
)
from ..types.refunds import Refund
from ._base import MAX_LIMIT, Resource, object_id

__all__ = ["OrderFilters", "OrderStatuses", "Orders"]

DateFilter = str | date | datetime


class OrderFilters(TypedDict, total=False):
    """Filters of ``GET /v2/orders`` and ``/v2/orders/count`` (dates: RFC-2822 or ISO-8601)."""

    email: str
    customer_id: int
    status_id: int
    min_id: int
    max_id: int
    min_total: str | float
    max_total: str | float
    min_date_created: DateFilter
    max_date_created: DateFilter
    min_date_modified: DateFilter
    max_date_modified: DateFilter
    payment_method: str
    channel_id: int
    cart_id: str
    external_order_id: str
    sort: str


class Orders(Resource):
    async def get(self, order_id: int | str, *, consignments: bool = False) -> Order:
        """``GET /v2/orders/{id}``; a missing order raises NotFoundError. With ``consignments``, the
        order's consignments come with it, each shipping one with its address and its line items
        (``include=consignments.line_items&consignment_structure=object``): one request instead of the
        order, its products and its shipping addresses."""
        params = (
            {"include": "consignments.line_items", "consignment_structure": "object"}
            if consignments
            else None
        )
        return await self._get_v2(f"/v2/orders/{object_id(order_id, 'order_id')}", Order, params)

    async def list(self, *, page: int = 1, limit: int = 50, **filters: Unpack[OrderFilters]) -> Page[Order]:
        """One page of ``GET /v2/orders`` (default sort: id ascending)."""
        return await self._v2_page("/v2/orders", Order, filters, page=page, limit=limit)

    def iter(self, *, limit: int = MAX_LIMIT, **filters: Unpack[OrderFilters]) -> AsyncPaginator[Order]:
        """Every order matching ``filters``, page by page."""
        return self._v2_paginator("/v2/orders", Order, filters, limit=limit)

    async def count(self, **filters: Unpack[OrderFilters]) -> OrderCount:
        """``GET /v2/orders/count``: the total and per-status counts."""
        return await self._get_v2("/v2/orders/count", OrderCount, filters)

    async def update_status(self, order_id: int | str, status_id: int) -> Order:
        """``PUT /v2/orders/{id}`` with ``{"status_id": ...}``; returns the updated order.

        Not retried after a 5xx or a read timeout (the write may have happened): read the order back.
        """
        body = OrderStatusUpdate(status_id=status_id)
        path = f"/v2/orders/{object_id(order_id, 'order_id')}"
        response = await self._requester.request("PUT", path, json=body.model_dump())
        return self._validate(Order, decode_json(response, "PUT", path), path, "PUT")

    async def products(self, order_id: int | str) -> builtins.list[OrderProduct]:
        """All line items of an order."""
        path = f"/v2/orders/{object_id(order_id, 'order_id')}/products"
        return await self._v2_paginator(path, OrderProduct, {}, limit=MAX_LIMIT).collect()

    async def shipments(self, order_id: int | str) -> builtins.list[Shipment]:
        """All shipments of an order ([] when BigCommerce answers 204: none yet)."""
        path = f"/v2/orders/{object_id(order_id, 'order_id')}/shipments"
        return await self._v2_paginator(path, Shipment, {}, limit=MAX_LIMIT).collect()

    async def shipping_addresses(self, order_id: int | str) -> builtins.list[ShippingAddress]:
        """All shipping addresses of an order."""
        path = f"/v2/orders/{object_id(order_id, 'order_id')}/shipping_addresses"
        return await self._v2_paginator(path, ShippingAddress, {}, limit=MAX_LIMIT).collect()

    async def coupons(self, order_id: int | str) -> builtins.list[OrderCoupon]:
        """Coupons applied to an order."""
        path = f"/v2/orders/{object_id(order_id, 'order_id')}/coupons"
        return await self._v2_paginator(path, OrderCoupon, {}, limit=MAX_LIMIT).collect()

    async def transactions(self, order_id: int | str) -> builtins.list[Transaction]:
        """``GET /v3/orders/{id}/transactions`` (needs the transactions scope); 204 -> []."""
        path = f"/v3/orders/{object_id(order_id, 'order_id')}/transactions"
        return await self._v3_paginator(path, Transaction, {}, limit=MAX_LIMIT).collect()

    async def refunds(self, order_id: int | str) -> builtins.list[Refund]:
        """``GET /v3/orders/{id}/payment_actions/refunds``: the order's refunds, oldest first ([] when none).
        Either the Order Transactions or the Orders scope allows it."""
        path = f"/v3/orders/{object_id(order_id, 'order_id')}/payment_actions/refunds"
        body = await self._requester.get_json(path, {})
        if body is None:
            return []
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise APIResponseValidationError("GET", path, "expected a {data: [...]} envelope")
        return parse_items(Refund, body["data"], "GET", path)

    async def update_shipping_address(
        self, order_id: int | str, address_id: int | str, update: ShippingAddressUpdate
    ) -> ShippingAddress:
        """``PUT /v2/orders/{id}/shipping_addresses/{address_id}`` (Orders modify); returns the address as
        BigCommerce stored it. Shipping cost and tax are not recomputed. Not retried after a 5xx or a read
        timeout (the write may have happened): read the address back."""
        path = (
            f"/v2/orders/{object_id(order_id, 'order_id')}"
            f"/shipping_addresses/{object_id(address_id, 'address_id')}"
        )
        response = await self._requester.request("PUT", path, json=update.body())
        return self._validate(ShippingAddress, decode_json(response, "PUT", path), path, "PUT")


class OrderStatuses(Resource):
    async def list(self) -> builtins.list[OrderStatus]:
        """The store's order statuses with their custom labels."""
        return await self._get_v2_list("/v2/order_statuses", OrderStatus)
