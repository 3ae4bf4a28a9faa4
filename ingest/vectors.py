"""The per-store product collection in Chroma: opening it, reading hashes, upserting, deleting, searching.

Chroma runs embedded (a persistent client under the store's data folder) by default, or as a server
(``chroma run``) when a URL is configured. Collections are created with our registered embedding
function, so Chroma never reaches for its default model.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.config import Settings as ChromaSettings

from .documents import ProductDocument
from .embeddings import MiniLMEmbedding

Filters = Mapping[str, str | int | float | bool]
RERANK_POOL = 4
NAME_WEIGHT = 0.5
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _overlap(query: set[str], name: set[str]) -> float:
    """Share of the name's words that the query contains (0..1)."""
    return len(query & name) / len(name) if name else 0.0


@dataclass(frozen=True)
class SearchHit:
    product_id: int
    score: float
    name: str
    metadata: dict[str, Any]


def collection_name(store_hash: str) -> str:
    return f"bcagent-products-{store_hash}"


def chroma_client(path: Path | None = None, url: str | None = None) -> Any:
    """A Chroma client: the server at ``url`` when given, else a persistent client at ``path``."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    if path is None:
        raise ValueError("a persistent Chroma client needs a path")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # the shop's catalog and pages: the owner's only, whatever the umask
    client = chromadb.PersistentClient(path=str(path), settings=settings)
    database = path / "chroma.sqlite3"
    if database.exists():
        database.chmod(0o600)
    return client


class ProductIndex:
    """One store's product vectors. Ids are ``product-<id>``; metadata carries a content hash."""

    def __init__(self, client: Any, store_hash: str, embedder: MiniLMEmbedding) -> None:
        self.client = client
        self.store_hash = store_hash
        self.embedder = embedder
        self.collection = client.get_or_create_collection(
            collection_name(store_hash),
            embedding_function=embedder,
            configuration={"hnsw": {"space": "cosine"}},
        )

    def hashes(self) -> dict[str, str]:
        """Document id -> content hash of everything indexed."""
        result = self.collection.get(include=["metadatas"])
        return {
            doc_id: str((meta or {}).get("content_hash", ""))
            for doc_id, meta in zip(result["ids"], result["metadatas"] or [], strict=False)
        }

    def hashes_of(self, ids: Sequence[str]) -> dict[str, str]:
        """Document id -> content hash of those of ``ids`` that are indexed."""
        if not ids:
            return {}
        result = self.collection.get(ids=list(ids), include=["metadatas"])
        return {
            doc_id: str((meta or {}).get("content_hash", ""))
            for doc_id, meta in zip(result["ids"], result["metadatas"] or [], strict=False)
        }

    def count(self) -> int:
        return int(self.collection.count())

    def upsert(self, documents: Sequence[ProductDocument], embeddings: Any) -> None:
        if not documents:
            return
        self.collection.upsert(
            ids=[d.id for d in documents],
            documents=[d.text for d in documents],
            metadatas=[dict(d.metadata) for d in documents],
            embeddings=embeddings,
        )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=list(ids[start : start + 1000]))

    def get(self, doc_id: str) -> dict[str, Any] | None:
        result = self.collection.get(ids=[doc_id], include=["metadatas", "documents"])
        if not result["ids"]:
            return None
        return {"metadata": result["metadatas"][0], "document": result["documents"][0]}

    async def asearch(self, query: str, k: int = 5, filters: Filters | None = None) -> list[SearchHit]:
        """``search`` for async callers: the query is embedded on the model's own worker thread."""
        if not query.strip():
            return []
        vector = await self.embedder.aencode([query])
        return await asyncio.to_thread(self._search, query, vector, k, filters)

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[SearchHit]:
        """The k products that best match the query, optionally filtered.

        Vector similarity finds candidates (``RERANK_POOL`` times k); their names then re-rank them by
        the words they share with the query, so "Pro Gloves 5" finds that product and not its four
        look-alikes. ``score`` is the cosine similarity plus that name bonus."""
        if not query.strip():
            return []
        return self._search(query, self.embedder.encode([query]), k, filters)

    def _search(self, query: str, vector: Any, k: int, filters: Filters | None) -> list[SearchHit]:
        if self.count() == 0:
            return []
        where: dict[str, Any] | None = None
        if filters:
            clauses = [{key: value} for key, value in filters.items()]
            where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        result = self.collection.query(
            query_embeddings=vector,
            n_results=max(1, k) * RERANK_POOL,
            where=where,
            include=["metadatas", "distances"],
        )
        words = _words(query)
        hits = []
        for meta, distance in zip(result["metadatas"][0], result["distances"][0], strict=False):
            meta = dict(meta or {})
            name = str(meta.get("name", ""))
            score = 1.0 - float(distance) + NAME_WEIGHT * _overlap(words, _words(name))
            hits.append(SearchHit(int(meta["product_id"]), score, name, meta))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[: max(1, k)]

    def drop(self) -> None:
        self.client.delete_collection(collection_name(self.store_hash))
