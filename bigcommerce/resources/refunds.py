"""``client.refunds``: every refund of the store (``GET /v3/orders/payment_actions/refunds``) and one
refund by id. An order's refunds are ``client.orders.refunds(order_id)``. Either the Order Transactions
or the Orders scope (read-only is enough) allows these reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..pagination import AsyncPaginator
from ..types.refunds import Refund
from ._base import MAX_LIMIT, Resource, object_id

__all__ = ["Refunds"]

REFUNDS = "/v3/orders/payment_actions/refunds"


class Refunds(Resource):
    def iter(
        self,
        *,
        order_ids: Sequence[int] | None = None,
        ids: Sequence[int] | None = None,
        created_min: datetime | None = None,
        created_max: datetime | None = None,
        transaction_id: str | None = None,
        limit: int = MAX_LIMIT,
    ) -> AsyncPaginator[Refund]:
        """Refunds by id ascending, filtered as ``order_id:in``, ``id:in``, ``created:min|max`` (RFC 3339)
        and ``transaction_id``."""
        params: dict[str, object] = {
            "order_id:in": [object_id(i, "order id") for i in order_ids] if order_ids is not None else None,
            "id:in": [object_id(i, "refund id") for i in ids] if ids is not None else None,
            "created:min": created_min.isoformat() if created_min else None,
            "created:max": created_max.isoformat() if created_max else None,
            "transaction_id": transaction_id,
        }
        return self._v3_paginator(REFUNDS, Refund, params, limit=limit)

    async def get(self, refund_id: int | str) -> Refund:
        return await self._get_v3(f"{REFUNDS}/{object_id(refund_id, 'refund_id')}", Refund)
