"""Messages in Spanish, French or German read as English, so the offline model (English only) can
answer simple shopping questions in them ("hola, tienen guantes de boxeo?", "vous livrez au Canada ?",
"habt ihr Kopfhörer?"): the language with the most glossary words is chosen, its phrases replaced
longest first, then its words (case and accents ignored), from ``data/glossary.yaml``. Words it does
not know (names, places) stay as written. The answer is in English. The caller decides the message is
not English first; a message the glossary covers too little of is left alone (None).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import yaml

GLOSSARY = Path(__file__).parent / "data" / "glossary.yaml"
MIN_COVERED = 0.4  # the share of the message's words the chosen language's glossary must read


def fold(text: str) -> str:
    """Lower case without accents: "Cuánto" -> "cuanto", "Größe" -> "große"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def glossaries(path: Path = GLOSSARY) -> dict[str, list[tuple[re.Pattern[str], str, int]]]:
    """Per language: (the phrase's pattern, its English, its word count), longest phrase first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: dict[str, list[tuple[re.Pattern[str], str, int]]] = {}
    for language, entries in data.items():
        rows = sorted(((fold(str(k)), str(v)) for k, v in entries.items()), key=lambda kv: -len(kv[0]))
        found[language] = [
            (re.compile(r"(?<![\w'-])" + re.escape(phrase) + r"(?![\w'-])"), english, len(phrase.split()))
            for phrase, english in rows
        ]
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text)


def gloss(text: str) -> str | None:
    """``text`` read as English, or None when no glossary language covers enough of it."""
    folded = fold(text)
    total = len(_words(folded))
    if total == 0:
        return None
    best: tuple[int, str] | None = None
    for language, entries in glossaries().items():
        covered = sum(len(pattern.findall(folded)) * size for pattern, _, size in entries)
        if best is None or covered > best[0]:
            best = (covered, language)
    if best is None or best[0] / total < MIN_COVERED:
        return None
    read = folded
    for pattern, english, _ in glossaries()[best[1]]:
        read = pattern.sub(english, read)
    return re.sub(r"\s+([?!.,])", r"\1", re.sub(r"\s{2,}", " ", read)).strip()


ENGLISH = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "it",
        "is",
        "are",
        "was",
        "be",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "have",
        "has",
        "what",
        "where",
        "when",
        "why",
        "how",
        "which",
        "who",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "and",
        "or",
        "but",
        "not",
        "no",
        "yes",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "about",
        "any",
        "some",
        "order",
        "orders",
        "code",
        "gift",
        "card",
        "price",
        "much",
        "many",
        "stock",
        "size",
        "sizes",
        "help",
        "please",
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
        "ok",
        "okay",
        "want",
        "need",
        "get",
        "buy",
        "still",
        "valid",
        "sale",
        "sales",
        "balance",
        "track",
        "tracking",
        "ship",
    ]
)


def mostly_foreign(text: str) -> bool:
    """Another language: many non-Latin letters, or several words and next to no common English ones."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(ord(c) > 0x24F for c in letters) / len(letters) > 0.3:
        return True
    words = [w.strip(".,!?¿¡:;\"'()").lower() for w in text.split()]
    words = [w for w in words if w.isalpha()]
    return len(words) >= 3 and sum(w in ENGLISH for w in words) / len(words) < 0.15
