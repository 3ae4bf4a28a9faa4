"""End to end: the catalog mirror kept by the scheduled sync and by webhooks delivered over loopback,
as `bcagent serve`'s product tool reads it (FreshnessService.mirror_view): served after the sync,
a change delivered by a webhook reaches it, a hidden product leaves it, and without accepted hooks
nothing is served."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agent.store.report import render_freshness
from tests.freshness.conftest import STORE, Shop, eventually


async def served_price(view: Any, product_id: int) -> Decimal | None:
    found = await view.products([product_id])
    return found[product_id].product.price if product_id in found else None


async def test_the_mirror_follows_the_store_through_webhooks(shop: Shop, running: Any) -> None:
    async with running() as run:
        service = run.service
        assert service.reload_webhook_secret(STORE)  # as the console does after registering
        assert run.store.hooks_registered_at > 0
        view = service.mirror_view(STORE)
        assert view is not None
        mirror = run.store.catalog.log.mirror()
        assert await mirror.count() == run.store.catalog.index.count() == 2
        status = render_freshness(
            shop.connections.folder(STORE),
            shop.connections.load(STORE),
            await run.store.catalog.log.summary(),
        )
        assert "Mirror:        2 products" in status and "Syncs:         ran 1" in status
        price = Decimal(str(shop.store.products[1]["price"]))
        assert await served_price(view, 1) == price
        shop.admin("PATCH", "/products/1", {"price": 33.0, "sale_price": 0})
        await eventually(lambda: _is(served_price(view, 1), Decimal("33.0")))
        shop.admin("PATCH", "/products/1", {"is_visible": False})  # hidden: out of the mirror, read live
        await eventually(lambda: _gone(mirror, 1))
        assert await view.products([1]) == {}
        service.receiver.remove(STORE)  # hooks no longer accepted here: nothing is served
        assert await view.products([2]) == {}


async def _is(value: Any, expected: Decimal) -> bool:
    return bool(await value == expected)


async def _gone(mirror: Any, product_id: int) -> bool:
    return product_id not in await mirror.get_many([product_id])
