"""Why a product is, or is not, in the index: the merchants' "my product does not appear" question."""

from __future__ import annotations

from dataclasses import dataclass

from bigcommerce import AsyncBigCommerce, NotFoundError
from bigcommerce.types.catalog import Product

from .documents import CatalogContext, build_document, document_id
from .filters import judge, open_categories
from .sync import INCLUDES
from .vectors import ProductIndex


@dataclass(frozen=True)
class Explanation:
    product: Product | None
    indexed: bool
    verdict: str
    message: str
    candidates: tuple[Product, ...] = ()


async def find_product(client: AsyncBigCommerce, reference: str) -> list[Product]:
    """Products matching an id, a SKU, an exact name, or else a keyword."""
    text = reference.strip().lstrip("#")
    if text.isdigit():
        try:
            return [await client.products.get(int(text), include=INCLUDES)]
        except NotFoundError:
            return []
    for filters in ({"sku": text}, {"name": text}, {"keyword": text}):
        found = await client.products.iter(include=INCLUDES, filters=filters).collect(max_items=10)
        if found:
            return found
    return []


async def explain_product(
    client: AsyncBigCommerce,
    index: ProductIndex,
    reference: str,
    context: CatalogContext,
    restrict_by_groups: bool = True,
) -> Explanation:
    matches = await find_product(client, reference)
    if not matches:
        return Explanation(
            None, False, "unknown", f"No product matches {reference!r} in the store's catalog."
        )
    if len(matches) > 1:
        names = "; ".join(f"#{p.id} {p.name}" for p in matches)
        return Explanation(
            None,
            False,
            "ambiguous",
            f"Several products match {reference!r}: {names}. Ask again by id.",
            tuple(matches),
        )
    product = matches[0]
    open_ids = (
        open_categories([g async for g in client.customer_groups.iter()]) if restrict_by_groups else None
    )
    verdict = judge(product, open_ids)
    stored = index.get(document_id(product.id or 0))
    label = f"#{product.id} {product.name!r}"
    if verdict.included and stored is not None:
        current = build_document(product, context).content_hash == stored["metadata"].get("content_hash")
        if current:
            return Explanation(product, True, "included", f"{label} is in the index and up to date.")
        return Explanation(
            product,
            True,
            "stale",
            f"{label} is in the index, but changed since: the next `bcagent ingest` updates it.",
        )
    if verdict.included:
        return Explanation(
            product,
            False,
            "not_synced",
            f"{label} is not in the index yet: it passes every rule; run `bcagent ingest`.",
        )
    if stored is not None:
        return Explanation(
            product,
            True,
            verdict.reason or "excluded",
            f"{label} is still in the index, but {verdict.text}: the next `bcagent ingest` removes it.",
        )
    return Explanation(
        product, False, verdict.reason or "excluded", f"{label} is left out because {verdict.text}."
    )
