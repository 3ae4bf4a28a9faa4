"""``client.store``: store profile (``GET /v2/store``) and server time (``GET /v2/time``)."""

from __future__ import annotations

from ..types.store import Store, StoreTime
from ._base import Resource

__all__ = ["StoreResource"]


class StoreResource(Resource):
    async def get(self) -> Store:
        """The store's name, storefront URL, currency and settings; also validates the credentials."""
        return await self._get_v2("/v2/store", Store)

    async def time(self) -> StoreTime:
        """The server's unix time: the cheapest authenticated call."""
        return await self._get_v2("/v2/time", StoreTime)
