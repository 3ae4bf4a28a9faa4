"""The product index a replay searches: what the recorded searches found, rebuilt from the recording.

The vector index only *finds* products; what it found shows in the recording as the live read of the
candidates the keyword search did not return (``GET /v3/catalog/products?id:in=...``). ``RecordedIndex``
answers a search for a reference the recording looked up with those products, so the replay makes the
same reads. Limit: a vector hit that the keyword search also found leaves no trace of its own, so its
score is unknown (the replay searches without it; only the ordering of tied candidates and the
"similar" list of a product not found can differ, and then the replay reports it).
"""

from __future__ import annotations

from typing import Any

from ingest.vectors import SearchHit

from .recording import Recording

PRODUCTS = "/v3/catalog/products"


def _reference(value: Any) -> str:
    return " ".join(str(value or "").lower().split())


class RecordedIndex:
    """Duck-types the ``ProductIndex.asearch`` the product tool uses."""

    def __init__(self, recording: Recording) -> None:
        self.found: dict[str, list[SearchHit]] = {}
        for turn in recording.turns:
            for call in turn.tool_calls:
                if call.name != "get_product_information" or not call.args.get("product"):
                    continue
                hits: list[SearchHit] = []
                for index in call.requests:
                    exchange = turn.requests[index] if index < len(turn.requests) else None
                    if exchange is None or exchange.path != PRODUCTS:
                        continue
                    if not any(key == "id:in" for key, _ in exchange.query):
                        continue
                    body = exchange.response if isinstance(exchange.response, dict) else {}
                    for product in body.get("data") or []:
                        if isinstance(product, dict) and isinstance(product.get("id"), int):
                            score = round(0.9 - 0.01 * len(hits), 4)
                            hits.append(SearchHit(product["id"], score, str(product.get("name", "")), {}))
                    ids = [v for k, v in exchange.query if k == "id:in"]
                    order = [int(i) for part in ids for i in part.split(",") if i.strip().isdigit()]
                    hits.sort(
                        key=lambda h: order.index(h.product_id) if h.product_id in order else len(order)
                    )
                    hits = [
                        SearchHit(h.product_id, round(0.9 - 0.01 * i, 4), h.name, {})
                        for i, h in enumerate(hits)
                    ]
                self.found.setdefault(_reference(call.args["product"]), hits)

    async def asearch(self, reference: str, limit: int = 5) -> list[SearchHit]:
        return self.found.get(_reference(reference), [])[:limit]
