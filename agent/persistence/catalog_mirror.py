"""The catalog mirror of one store: the synced products as the store last sent them (price, sale price,
stock, variants, options, custom fields, images, videos), component ``catalog_mirror``.

Why here and not in the vector index's metadata: a product's variants are a nested list that Chroma's
flat metadata cannot hold, the index only *finds* (DESIGN.md), and every replica must read the same
copy, which the persistence layer already shares on PostgreSQL. The mirror lives beside the catalog
freshness log (``freshness.sqlite`` in the store's folder, or the shared database), because the log is
what proves a mirrored product fresh: deliveries, syncs and the changes still pending.

Rows are written by every sync (each product a full or incremental sync reads whole is kept; one the
filters leave out, or that left the store, is dropped) and by the webhook follower (the products it
re-reads). Each row keeps when it was written (``mirrored_at``, seconds since the epoch), so a reader
can say how old a fact is. Who may read it, and when, is :mod:`agent.tools.mirror`'s business.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bigcommerce.types.catalog import Product

from .migrations import Component
from .repository import Repository

CATALOG_MIRROR = Component(
    "catalog_mirror",
    {
        "sqlite": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS mirror_products (product_id INTEGER PRIMARY KEY,
                    body TEXT NOT NULL, mirrored_at REAL NOT NULL)
                """,
            )
        ],
        "postgresql": [
            (
                1,
                """
                CREATE TABLE IF NOT EXISTS catalog_mirror_products (store_hash TEXT NOT NULL,
                    product_id BIGINT NOT NULL, body TEXT NOT NULL, mirrored_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (store_hash, product_id))
                """,
            )
        ],
    },
)
ID_BATCH = 500  # ids per ``IN (...)`` query


@dataclass(frozen=True)
class MirroredProduct:
    product: Product
    mirrored_at: float  # seconds since the epoch


class CatalogMirror(Repository):
    """The mirrored products of one store. Every method is one short transaction."""

    def _t(self) -> str:
        return self.table("mirror_products", "catalog_mirror_products")

    async def keep(self, products: Sequence[Product], at: float | None = None) -> int:
        """Write these products as read now (or at ``at``); how many were written."""
        moment = time.time() if at is None else at
        rows = [
            self.key_values(p.id, p.model_dump_json(exclude_none=True), moment)
            for p in products
            if p.id is not None
        ]
        if not rows:
            return 0
        columns = ", ".join(self.key_columns("product_id", "body", "mirrored_at"))
        marks = ", ".join("?" for _ in self.key_columns("product_id", "body", "mirrored_at"))
        conflict = ", ".join(self.key_columns("product_id"))
        async with self.db.transaction() as tx:
            await tx.executemany(
                f"INSERT INTO {self._t()} ({columns}) VALUES ({marks}) ON CONFLICT ({conflict}) DO UPDATE "
                "SET body = excluded.body, mirrored_at = excluded.mirrored_at",
                rows,
            )
        return len(rows)

    async def drop(self, product_ids: Iterable[int]) -> None:
        """Forget these products (left out by the filters, or gone from the store)."""
        ids = sorted(set(product_ids))
        if not ids:
            return
        scope, params = self.scope()
        async with self.db.transaction() as tx:
            await tx.executemany(
                f"DELETE FROM {self._t()} WHERE {scope}product_id = ?", [(*params, i) for i in ids]
            )

    async def retain(self, product_ids: Iterable[int]) -> None:
        """Forget every product but these (a complete crawl found the others gone or left out)."""
        keep = set(product_ids)
        scope, params = self.scope(alone=True)
        where = f" WHERE {scope}" if scope else ""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(f"SELECT product_id FROM {self._t()}{where}", params)
        await self.drop(int(row[0]) for row in rows if int(row[0]) not in keep)

    async def get_many(self, product_ids: Iterable[int]) -> dict[int, MirroredProduct]:
        """The mirrored products among these ids (those not mirrored are absent)."""
        ids = sorted(set(product_ids))
        found: dict[int, MirroredProduct] = {}
        scope, params = self.scope()
        async with self.db.transaction(readonly=True) as tx:
            for start in range(0, len(ids), ID_BATCH):
                batch = ids[start : start + ID_BATCH]
                rows = await tx.fetchall(
                    f"SELECT product_id, body, mirrored_at FROM {self._t()} "
                    f"WHERE {scope}product_id IN ({', '.join('?' for _ in batch)})",
                    (*params, *batch),
                )
                for product_id, body, mirrored_at in rows:
                    found[int(product_id)] = MirroredProduct(
                        Product.model_validate_json(body), float(mirrored_at)
                    )
        return found

    async def count(self) -> int:
        return (await self.extent())[0]

    async def extent(self) -> tuple[int, float | None]:
        """How many products are mirrored, and when the newest copy was written (None: none)."""
        scope, params = self.scope(alone=True)
        where = f" WHERE {scope}" if scope else ""
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"SELECT COUNT(*), MAX(mirrored_at) FROM {self._t()}{where}", params)
        if row is None:
            return 0, None
        return int(row[0]), float(row[1]) if row[1] is not None else None
