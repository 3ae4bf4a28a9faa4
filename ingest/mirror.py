"""Where a sync hands the products it read whole, beside the index: the store's catalog mirror
(``agent.persistence.catalog_mirror``), which the product tool may answer from while it is fresh.

A protocol, so the ingest package needs nothing of the agent's persistence layer; a sync without a
mirror (``None``) only keeps the index, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from bigcommerce.types.catalog import Product


class MirrorSink(Protocol):
    async def keep(self, products: Sequence[Product], at: float | None = None) -> int:
        """Write these products, read whole from the store just now."""
        ...

    async def drop(self, product_ids: Iterable[int]) -> None:
        """Forget these products: the filters leave them out, or they left the store."""
        ...

    async def retain(self, product_ids: Iterable[int]) -> None:
        """Forget every product but these (after a complete crawl: the ones that belong in the index)."""
        ...

    async def count(self) -> int:
        """How many products it holds."""
        ...
