"""``client.gift_certificates``, ``client.coupons`` (v2 legacy) and ``client.promotions`` (v3).

The ``find_*`` helpers return only whole-code matches (compared case-insensitively, after trimming):
a shopper-typed code never matches a different or partial code, whatever the server-side filter does.
"""

from __future__ import annotations

import builtins

from .._params import FilterValue
from ..pagination import AsyncPaginator
from ..types.marketing import Coupon, CouponCode, GiftCertificate, Promotion
from ._base import MAX_LIMIT, Filters, Resource, merge_filters, object_id

__all__ = ["Coupons", "GiftCertificates", "Promotions"]


def _same_code(found: str | None, wanted: str) -> bool:
    return found is not None and found.strip().casefold() == wanted.casefold()


def _clean_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise ValueError("code must not be empty")
    return code


class GiftCertificates(Resource):
    def iter(
        self,
        *,
        code: str | None = None,
        limit: int = MAX_LIMIT,
        filters: Filters = None,
        **keywords: FilterValue,
    ) -> AsyncPaginator[GiftCertificate]:
        """``GET /v2/gift_certificates`` (filters: code, order_id, min_id, max_id, ...)."""
        return self._v2_paginator(
            "/v2/gift_certificates",
            GiftCertificate,
            {**merge_filters(filters, keywords), "code": code},
            limit=limit,
        )

    async def find_by_code(self, code: str) -> GiftCertificate | None:
        """The certificate whose code is ``code``, or None."""
        code = _clean_code(code)
        async for certificate in self.iter(code=code, limit=50):
            if _same_code(certificate.code, code):
                return certificate
        return None


class Coupons(Resource):
    def iter(
        self,
        *,
        code: str | None = None,
        limit: int = MAX_LIMIT,
        filters: Filters = None,
        **keywords: FilterValue,
    ) -> AsyncPaginator[Coupon]:
        """``GET /v2/coupons`` (legacy coupons; filters: code, id, name, type, min_id, ...)."""
        return self._v2_paginator(
            "/v2/coupons", Coupon, {**merge_filters(filters, keywords), "code": code}, limit=limit
        )

    async def find_by_code(self, code: str) -> Coupon | None:
        """The legacy coupon whose code is ``code``, or None."""
        code = _clean_code(code)
        async for coupon in self.iter(code=code, limit=50):
            if _same_code(coupon.code, code):
                return coupon
        return None


class Promotions(Resource):
    def iter(
        self, *, limit: int = MAX_LIMIT, filters: Filters = None, **keywords: FilterValue
    ) -> AsyncPaginator[Promotion]:
        """``GET /v3/promotions``; ``code=`` finds the promotion owning a coupon code."""
        return self._v3_paginator("/v3/promotions", Promotion, merge_filters(filters, keywords), limit=limit)

    def codes(self, promotion_id: int | str, *, limit: int = MAX_LIMIT) -> AsyncPaginator[CouponCode]:
        """``GET /v3/promotions/{id}/codes``, following the cursor pagination."""
        path = f"/v3/promotions/{object_id(promotion_id, 'promotion_id')}/codes"
        return self._v3_paginator(path, CouponCode, {}, limit=limit, cursor=True)

    async def find_codes(self, code: str) -> builtins.list[CouponCode]:
        """``GET /v3/promotions/codes?code=``: the coupon codes across all promotions matching ``code``."""
        code = _clean_code(code)
        found = await self._v3_paginator(
            "/v3/promotions/codes", CouponCode, {"code": code}, limit=50, cursor=True
        ).collect()
        return [item for item in found if _same_code(item.code, code)]
