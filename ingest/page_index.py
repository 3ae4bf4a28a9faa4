"""The store's pages in their own Chroma collection beside the products (same client, same embedding
function), kept fresh by the catalog sync.

Each visible page is read (``GET /v3/content/pages?include=body``, every page in one or two requests: a
store has a handful), cut into sections (``pages.py``) and upserted with deterministic ids and a content
hash: unchanged sections are skipped, sections that disappeared (a page edited, hidden or deleted) are
deleted. BigCommerce sends no webhook when a page changes, so the scheduled and manual syncs are what
keep this collection fresh; the assistant reads the pages live when it answers, so an answer is never
older than the question.

A token without the Content scope indexes nothing and says so; a page that cannot be read is skipped and
named. Neither stops the product sync.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bigcommerce import AsyncBigCommerce, BigCommerceError, PermissionDeniedError
from bigcommerce.types.content import Page

from .embeddings import MiniLMEmbedding
from .pages import PageSection, read_pages

log = logging.getLogger(__name__)


def pages_collection_name(store_hash: str) -> str:
    return f"bcagent-pages-{store_hash}"


@dataclass(frozen=True)
class PageHit:
    doc_id: str
    page_id: int
    heading: str
    score: float


@dataclass
class PagesReport:
    seen: int = 0  # sections read
    upserted: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: list[str] = field(default_factory=list)  # pages left out, and why
    note: str | None = None  # "no Content scope", "store pages not read: ..."
    api_requests: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        if self.note:
            return f"store pages: {self.note}"
        skipped = f"; skipped {', '.join(self.skipped)}" if self.skipped else ""
        return (
            f"store pages: {self.seen} sections, {self.upserted} upserted, {self.unchanged} unchanged, "
            f"{self.deleted} deleted{skipped}"
        )


class PageIndex:
    """One store's page sections. Ids are ``page-<page id>-<digest>``; metadata carries the page."""

    def __init__(self, client: Any, store_hash: str, embedder: MiniLMEmbedding) -> None:
        self.client = client
        self.store_hash = store_hash
        self.embedder = embedder
        self.collection = client.get_or_create_collection(
            pages_collection_name(store_hash),
            embedding_function=embedder,
            configuration={"hnsw": {"space": "cosine"}},
        )

    def hashes(self) -> dict[str, str]:
        result = self.collection.get(include=["metadatas"])
        return {
            doc_id: str((meta or {}).get("content_hash", ""))
            for doc_id, meta in zip(result["ids"], result["metadatas"] or [], strict=False)
        }

    def count(self) -> int:
        return int(self.collection.count())

    def upsert(self, sections: Sequence[PageSection], embeddings: Any) -> None:
        if not sections:
            return
        self.collection.upsert(
            ids=[s.doc_id for s in sections],
            documents=[f"{s.heading}\n{s.text}" for s in sections],
            metadatas=[
                {
                    "page_id": s.page_id,
                    "page": s.page_name,
                    "url": s.url or "",
                    "heading": s.heading,
                    "content_hash": s.content_hash,
                }
                for s in sections
            ],
            embeddings=embeddings,
        )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    async def asearch(self, query: str, k: int = 3) -> list[PageHit]:
        if not query.strip() or self.count() == 0:
            return []
        vector = await self.embedder.aencode([query])
        found = await asyncio.to_thread(
            self.collection.query, query_embeddings=vector, n_results=k, include=["metadatas", "distances"]
        )
        hits = []
        for doc_id, meta, distance in zip(
            found["ids"][0], found["metadatas"][0], found["distances"][0], strict=False
        ):
            hits.append(
                PageHit(
                    doc_id, int(meta.get("page_id", 0)), str(meta.get("heading", "")), 1.0 - float(distance)
                )
            )
        return hits

    def drop(self) -> None:
        self.client.delete_collection(pages_collection_name(self.store_hash))


async def sync_pages(client: AsyncBigCommerce, index: PageIndex) -> PagesReport:
    """Bring the page collection in line with the store's visible pages."""
    report = PagesReport()
    try:
        pages: list[Page] = [page async for page in client.pages.iter(include_body=True)]
    except PermissionDeniedError:
        report.note = "not indexed (the token has no Content scope)"
        return report
    except BigCommerceError as exc:
        log.warning("store pages not read: %s", exc)
        report.note = f"not read this time ({type(exc).__name__}); the last indexed sections stay"
        return report
    reading = read_pages(pages)
    report.skipped = reading.skipped
    report.seen = len(reading.sections)
    existing = await asyncio.to_thread(index.hashes)
    wanted = {s.doc_id: s for s in reading.sections}
    changed = [s for s in wanted.values() if existing.get(s.doc_id) != s.content_hash]
    if changed:
        vectors = await index.embedder.aencode([f"{s.heading}\n{s.text}" for s in changed])
        await asyncio.to_thread(index.upsert, changed, vectors)
    stale = sorted(set(existing) - set(wanted))
    await asyncio.to_thread(index.delete, stale)
    report.upserted, report.deleted = len(changed), len(stale)
    report.unchanged = len(wanted) - len(changed)
    return report
