"""The catalog mirror as the product tool reads it: a synced product's price, sale price, stock and
variants from the store's own copy (:mod:`agent.persistence.catalog_mirror`) instead of a request to
the store, served only while the copy is provably fresh. A mirrored product is served when all hold:

1. the freshness window (``BCAGENT_CATALOG_FRESHNESS_SECONDS``, default 300) is not 0;
2. the store's hooks are registered (``bcagent webhooks register``) and this process accepts their
   deliveries;
3. a webhook delivery was accepted, or a sync succeeded, within the window: BigCommerce deactivates a
   hook whose deliveries keep failing, so a store silent for longer proves nothing and is read live;
4. no change of the product is pending (a delivery accepted and not yet applied);
5. the copy was written after the hooks were registered (a change before then reached no hook), or
   within the window itself (the only way for hooks registered before their time was kept).

Otherwise the tool reads the store, as it always did. A product that is not mirrored (hidden, out of
stock, restricted to a customer group, never synced) is read live too. The reply never says where a
fact came from; the transcript does (``mirror_reads``: the product and the copy's age; live reads are
its ``requests``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from bigcommerce.types.catalog import Product

from ..persistence.freshness import FreshnessLog
from ..transcripts.capture import note_mirror_read


@dataclass(frozen=True)
class MirroredFact:
    product: Product
    age_seconds: float


class ProductMirror(Protocol):
    """What the product tool asks of a mirror: the fresh copies among these ids (the rest: read live)."""

    async def products(self, product_ids: Iterable[int]) -> dict[int, MirroredFact]: ...


class CatalogMirrorView:
    """The rules above over one store's freshness log and the mirror on its database. ``hooks_since()`` is
    when the store's hooks were registered (0.0 when unknown: registered before this was kept) while they
    are registered and accepted by this process, else None."""

    def __init__(
        self,
        log: FreshnessLog,
        window_seconds: float,
        hooks_since: Callable[[], float | None],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.log = log
        self.mirror = log.mirror()
        self.window_seconds = window_seconds
        self.hooks_since = hooks_since
        self.clock = clock
        self.served = 0
        self.refused = 0  # asked while not provably fresh: read live

    async def products(self, product_ids: Iterable[int]) -> dict[int, MirroredFact]:
        ids = sorted(set(product_ids))
        registered = self.hooks_since()
        if not ids or self.window_seconds <= 0 or registered is None:
            return {}
        proof = await self.log.proof()
        now = self.clock()
        heard = proof.last_heard()
        if heard is None or now - heard > self.window_seconds:
            self.refused += len(ids)
            return {}
        rows = await self.mirror.get_many(i for i in ids if i not in proof.pending_products)
        fresh: dict[int, MirroredFact] = {}
        for product_id, row in rows.items():
            age = max(0.0, now - row.mirrored_at)
            if (registered > 0 and row.mirrored_at >= registered) or age <= self.window_seconds:
                fresh[product_id] = MirroredFact(row.product, age)
        self.served += len(fresh)
        self.refused += len(ids) - len(fresh)
        return fresh


async def read_mirrored(mirror: ProductMirror | None, product_ids: Iterable[int]) -> dict[int, Product]:
    """The fresh mirrored products among these ids, each noted in the turn's transcript with its age."""
    if mirror is None:
        return {}
    found = await mirror.products(product_ids)
    for product_id, fact in found.items():
        note_mirror_read(
            product_id, fact.age_seconds, partial(fact.product.model_dump, mode="json", exclude_none=True)
        )
    return {product_id: fact.product for product_id, fact in found.items()}
