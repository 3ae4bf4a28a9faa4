"""The product index a replay searches: the searches the recording made, answered as they were.

Transcripts keep each product-index search a tool made (``retrievals``: the query, k and the hits
with their scores); ``RecordedIndex`` answers a search for the same query with the same hits, so the
product tool finds the same candidates and makes the same BigCommerce reads. A query the recording
never searched is answered with no hits (and, if that changes what the tool does, the comparison
shows it).

A transcript made before retrievals were recorded still shows what the index found: the live read
of the candidates the keyword search missed (``GET /v3/catalog/products?id:in=...``). For such a
recording the index is rebuilt from those reads; a hit the keyword search also found leaves no trace
there, so the order of tied candidates or a "similar products" list can differ (and is then reported).
"""

from __future__ import annotations

from typing import Any

from ingest.vectors import SearchHit

from .recording import Recording

PRODUCTS = "/v3/catalog/products"


def _reference(value: Any) -> str:
    return " ".join(str(value or "").lower().split())


def _hit(data: Any) -> SearchHit | None:
    if not isinstance(data, dict) or not isinstance(data.get("product_id"), int):
        return None
    return SearchHit(data["product_id"], float(data.get("score") or 0.0), str(data.get("name") or ""), {})


class RecordedIndex:
    """Duck-types the ``ProductIndex.asearch`` the product tool uses."""

    def __init__(self, recording: Recording) -> None:
        self.found: dict[str, list[SearchHit]] = {}
        self.inferred: dict[str, list[SearchHit]] = {}
        for turn in recording.turns:
            for retrieval in turn.retrievals:
                hits = [hit for hit in map(_hit, retrieval.hits) if hit is not None]
                self.found.setdefault(_reference(retrieval.query), hits)
            for call in turn.tool_calls:
                if call.name == "get_product_information" and call.args.get("product"):
                    self.inferred.setdefault(
                        _reference(call.args["product"]), self._from_reads(turn, call.requests)
                    )

    @staticmethod
    def _from_reads(turn: Any, indexes: list[int]) -> list[SearchHit]:
        hits: list[SearchHit] = []
        for index in indexes:
            exchange = turn.requests[index] if index < len(turn.requests) else None
            if exchange is None or exchange.path != PRODUCTS:
                continue
            ids = [v for k, v in exchange.query if k == "id:in"]
            if not ids:
                continue
            order = [int(i) for part in ids for i in part.split(",") if i.strip().isdigit()]
            body = exchange.response if isinstance(exchange.response, dict) else {}
            names = {
                p["id"]: str(p.get("name", ""))
                for p in body.get("data") or []
                if isinstance(p, dict) and isinstance(p.get("id"), int)
            }
            for pid in order:
                if pid in names:
                    hits.append(SearchHit(pid, round(0.9 - 0.01 * len(hits), 4), names[pid], {}))
        return hits

    async def asearch(self, reference: str, limit: int = 5) -> list[SearchHit]:
        key = _reference(reference)
        if self.found:
            return self.found.get(key, [])[:limit]
        return self.inferred.get(key, [])[:limit]
