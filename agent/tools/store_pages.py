"""``search_store_info``: answer a shopper's question from the store's own web pages.

The pages (``GET /v3/content/pages``, scope Content read-only) are read live each time, cut into their
headings' sections (``ingest/pages.py``), and the sections that answer the question are found by the
words they share with it (folded, with the shoppers' usual other words for the same thing: "money back"
is a refund, "swap" an exchange) and, when the product index is open, by the meaning of the two
(the same MiniLM embeddings). The reply quotes the best section and links its page; only the store's
own contact details survive in it (``own_facts.py``). A question the pages do not answer says so and
offers a person.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from bigcommerce import PermissionDeniedError
from bigcommerce.types.content import Page
from ingest.page_index import PageIndex
from ingest.pages import PageSection, read_pages

from .context import Conversation, ToolContext
from .own_facts import OwnFacts, keep_own
from .results import PageSectionFound, ToolResult, ok, result, store_call

log = logging.getLogger(__name__)

MAX_PAGES = 200  # pages read per question (a store has a handful; a runaway list stops here)
MIN_SCORE = 0.9
QUOTED_SECTIONS = 2
MAX_QUOTE_CHARS = 700
NO_ANSWER = (
    "I couldn't find that on the store's pages, so I don't want to guess. "
    "I can pass your question to a person on our team if you'd like."
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "we",
        "you",
        "your",
        "u",
        "ur",
        "is",
        "are",
        "was",
        "be",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "will",
        "to",
        "of",
        "in",
        "on",
        "for",
        "and",
        "or",
        "it",
        "its",
        "this",
        "that",
        "what",
        "whats",
        "how",
        "when",
        "where",
        "which",
        "who",
        "if",
        "at",
        "by",
        "with",
        "from",
        "any",
        "there",
        "have",
        "has",
        "get",
        "got",
        "im",
        "i'm",
        "am",
        "so",
        "just",
        "like",
        "please",
        "hi",
        "hello",
        "hey",
        "n",
        "r",
        "not",
        "no",
        "yes",
    ]
)
# Shoppers' words -> the words the pages use (applied to the question only).
_SAME = (
    (re.compile(r"\bmoney back\b|\breimburs\w*|\brefunded\b"), "refund"),
    (
        re.compile(
            r"\bsend (?:\w+ )?back\b|\bsent (?:\w+ )?back\b|\breturning\b|\breturned\b|\bretu?rn\w*|\bretrun\w*"
        ),
        "return",
    ),
    (re.compile(r"\bswap\w*|\bexchang\w*|\bexcahnge\w*|\bdifferent size\b|\bother size\b"), "exchange"),
    (re.compile(r"\breturn shipping\b|\bpay for (?:the )?return\b|\breturn postage\b"), "return label"),
    (re.compile(r"\bdeliver\w*|\bpostage\b|\bshiping\b|\bshipped\b|\bships\b"), "shipping"),
    (
        re.compile(r"\binstal+ments?\b|\bpay later\b|\bsplit\b|\bpay in \d\b|\bafterpay\b|\bklarna\b"),
        "instalment payment",
    ),
    (re.compile(r"\bcall\b|\bphone\b|\breach\b|\bget in touch\b|\bemail\b"), "contact"),
    (re.compile(r"\bopen\b|\bhours\b"), "hours"),
    (re.compile(r"\bmouthguards?\b"), "mouth guard"),
    (re.compile(r"\bhandwraps?\b"), "hand wrap"),
    (re.compile(r"\bopend\b|\bused\b"), "opened"),
    (re.compile(r"\bwks?\b|\bweeks?\b|\bdays?\b|\bwindow\b|\bhow long\b"), "days"),
)
_WORD = re.compile(r"[a-z0-9]+")


def _fold(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ed"):
        word = word[:-2] if not word.endswith("eed") else word
    return word


def words_of(text: str) -> list[str]:
    return [_fold(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def question_words(question: str) -> list[str]:
    lowered = question.lower()
    extra = [word for pattern, word in _SAME if pattern.search(lowered)]
    return words_of(" ".join([lowered, *extra]))


@dataclass(frozen=True)
class Scored:
    section: PageSection
    score: float


def _matches(word: str, vocabulary: set[str]) -> bool:
    if word in vocabulary:
        return True
    if len(word) < 5:
        return False
    return any(len(v) >= 5 and fuzz.ratio(word, v) >= 85 for v in vocabulary)


def rank(
    question: str, sections: Sequence[PageSection], similarities: Sequence[float] | None = None
) -> list[Scored]:
    """Sections best first: shared words (rarer words count more, a word of the heading double) plus,
    when given, the embeddings' cosine similarity of question and section."""
    asked = list(dict.fromkeys(question_words(question)))
    if not asked or not sections:
        return []
    vocabularies = [
        (set(words_of(s.heading.split(" > ", 1)[-1])), set(words_of(f"{s.heading} {s.text}")))
        for s in sections
    ]
    spread = {w: sum(1 for _, body in vocabularies if _matches(w, body)) for w in asked}
    scored = []
    for i, section in enumerate(sections):
        heading, body = vocabularies[i]
        score = 0.0
        for word in asked:
            if not spread[word]:
                continue
            weight = 1.0 + math.log(len(sections) / spread[word])
            if _matches(word, heading):
                score += 2 * weight
            elif _matches(word, body):
                score += weight
        score /= math.sqrt(len(asked))
        if similarities is not None:
            score += 2 * max(0.0, similarities[i] - 0.2)
        scored.append(Scored(section, score))
    scored.sort(key=lambda s: -s.score)
    return scored


async def _similarities(
    ctx: ToolContext, question: str, sections: Sequence[PageSection]
) -> list[float] | None:
    """Cosine similarity of the question to each section (None without an embedder): from the pages
    collection for the sections indexed as they are now, embedded here for the others (edited since the
    last sync)."""
    embedder: Any = getattr(ctx.index, "embedder", None)
    if embedder is None or not sections:
        return None
    try:
        known: dict[str, float] = {}
        pages = page_index(ctx)
        indexed = await asyncio.to_thread(pages.count) if pages is not None else 0
        if pages is not None and indexed > 0:
            hits = await pages.asearch(question, k=max(len(sections), 1))
            known = {hit.doc_id: hit.score for hit in hits}
        missing = [s for s in sections if s.doc_id not in known]
        if missing:
            vectors = np.asarray(
                await embedder.aencode([question, *(f"{s.heading}\n{s.text}" for s in missing)])
            )
            norms = np.linalg.norm(vectors, axis=1)
            norms[norms == 0] = 1.0
            unit = vectors / norms[:, None]
            known.update({s.doc_id: float(x) for s, x in zip(missing, unit[1:] @ unit[0], strict=True)})
    except Exception as exc:
        log.warning("page sections not embedded: %s", exc)
        return None
    return [known[s.doc_id] for s in sections]


def page_index(ctx: ToolContext) -> PageIndex | None:
    """The pages collection beside the product index (None without a product index)."""
    index: Any = ctx.index
    if index is None or not hasattr(index, "client"):
        return None
    return PageIndex(index.client, index.store_hash, index.embedder)


def page_link(ctx: ToolContext, url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith(("http://", "https://")):
        return url
    base = (ctx.connection.secure_url or "").rstrip("/")
    return f"{base}/{url.lstrip('/')}" if base else None


async def read_sections(ctx: ToolContext) -> tuple[list[PageSection], list[str]]:
    """Every visible page's sections, read live; and what was skipped (a page without text...)."""
    pages: list[Page] = []
    async for page in ctx.client.pages.iter(include_body=True):
        pages.append(page)
        if len(pages) >= MAX_PAGES:
            break
    reading = read_pages(pages)
    return reading.sections, reading.skipped


async def own_facts(ctx: ToolContext) -> OwnFacts:
    """The store's own domain, email and phone (``GET /v2/store``; the domain alone without that scope)."""
    try:
        store = await ctx.store_profile()
    except PermissionDeniedError:
        store = None
    return OwnFacts.of(store, ctx.connection.secure_url, ctx.connection.domain)


def quote(section: PageSection, own: OwnFacts) -> str:
    text, removed = keep_own(section.text, own)
    if removed:
        log.warning("page %s: %d contact detail(s) not the store's left out", section.page_id, removed)
    text = " ".join(
        line.rstrip(".") + "." if not line.endswith(("?", "!", ".", ":")) else line
        for line in text.split("\n")
    )
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


@store_call
async def search_store_info(ctx: ToolContext, conversation: Conversation, question: str | None) -> ToolResult:
    question = " ".join((question or "").split())
    if not question:
        return result("needs_info", "What would you like to know about the store?", missing=["question"])
    sections, skipped = await read_sections(ctx)
    ranked = rank(question, sections, await _similarities(ctx, question, sections))
    best = [s for s in ranked if s.score >= MIN_SCORE][:QUOTED_SECTIONS]
    if len(best) > 1 and best[1].score < 0.6 * best[0].score:
        best = best[:1]
    if not best:
        return result("not_found", NO_ANSWER, offer_human=True, skipped=skipped or None)
    own = await own_facts(ctx)
    found: list[PageSectionFound] = []
    for scored in best:
        section = scored.section
        found.append(
            {
                "page": section.page_name,
                "heading": section.heading,
                "text": quote(section, own),
                "url": page_link(ctx, section.url),
            }
        )
    lead = found[0]
    message = " ".join(f["text"] for f in found if f["text"])
    link = lead["url"]
    if link:
        message += f" (From our {lead['page']} page: {link})"
    return ok(message, sections=found, link=link, skipped=skipped or None)
