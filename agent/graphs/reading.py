"""The store's normaliser for a run context: built once per context from the intents' examples and the
store's product index (names, categories, option values), rebuilt when the index has changed size and a
few minutes have passed (webhooks add and remove products while ``serve`` runs)."""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

from ..context import AgentContext
from ..models.gloss import gloss, mostly_foreign
from ..models.intents import EXAMPLES, load_examples
from ..models.normalize import Normalizer, Reading, index_documents, store_words, words_of
from ..models.pasted import own_words

REFRESH_SECONDS = 300.0
_KEY = "normalizer"


@functools.cache
def example_words(path: Path = EXAMPLES) -> frozenset[str]:
    return frozenset(words_of(text for text, _ in load_examples(path)))


def _index_size(index: Any) -> int:
    try:
        return int(index.count())
    except Exception:  # the index is gone: keep what we have
        return -1


def normalizer(context: AgentContext) -> Normalizer:
    """The context's normaliser (``context.extra["normalizer"]``)."""
    index = context.tools.index
    held = context.extra.get(_KEY)
    now = time.monotonic()
    if isinstance(held, tuple):
        built, size, reader = held
        if now - built < REFRESH_SECONDS or index is None or _index_size(index) == size:
            return reader  # type: ignore[no-any-return]
    words = set(example_words())
    size = -1
    if index is not None:
        size = _index_size(index)
        words |= store_words(index_documents(index))
    reader = Normalizer(words)
    context.extra[_KEY] = (now, size, reader)
    return reader


def read(context: AgentContext, text: str) -> Reading:
    """``text`` as the NLU and the tools should read it: the shopper's own words (``pasted.own_words``),
    text-speak expanded and misspellings corrected; in Spanish, French or German, read in English
    (``models.gloss``)."""
    own = own_words(text)
    if not own.strip():
        return Reading(text, "")
    english = gloss(own) if mostly_foreign(own) else None  # "hola, tienen guantes?": read in English
    if english is not None:
        return Reading(text, english, ((own, english),))
    reading = normalizer(context).read(own)
    return reading if own == text else Reading(text, reading.text, reading.changes)
