"""Reading shoppers as they write: text-speak expanded and misspellings corrected, before the NLU.

``Normalizer.read(text)`` returns the text the NLU and the tools work on and what was read as what
("hw" -> "how", "begginer" -> "beginner"), which the router records on the turn's reply.

- Text-speak ("hw", "r", "u", "n", "pls", "rn", "wat", "cme", "lookin") is expanded from ``SLANG``;
  "n" only between two words, so a bare "n" stays a no.
- A word of four letters or more that is neither an English word (the word-frequency list that
  ``symspellpy`` ships) nor a word of the store (product names, categories, option values) or of the
  intents' examples is corrected to the nearest such word when one is clearly nearest (``rapidfuzz``'s
  optimal string alignment distance: 1 edit for words of up to five letters, 2 for longer ones; the
  store's and the examples' words first, then the most frequent).
- Nothing that can be an order number, an email, a link or a code is changed: only plain words of
  letters are read, never a word with a digit, a hyphen, an underscore or an ``@``, never a quoted
  word, never a word that follows "code", "coupon", "voucher", "promo", "card" or "certificate", and
  never a word in capitals in a message that is not shouted (SAVE, GIFT).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_CHARS = 2000  # longer messages are read as typed (the NLU looks at their start only)
COMMON_WORDS = 30_000  # the most frequent English words a misspelling may be corrected to
MIN_LENGTH = 4  # shorter words are too ambiguous to correct
MIN_COMMON_LENGTH = 5  # a word corrected to an English word that is not the store's: at least this long
MAX_UNKNOWN_SHARE = 0.34  # more unknown words than this: another language, read as typed

SLANG: dict[str, str] = {
    "hw": "how",
    "r": "are",
    "u": "you",
    "ur": "your",
    "n": "and",
    "pls": "please",
    "plz": "please",
    "plse": "please",
    "rn": "right now",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "cme": "come",
    "lookin": "looking",
    "lokin": "looking",
    "thx": "thanks",
    "tnx": "thanks",
    "ty": "thank you",
    "abt": "about",
    "bout": "about",
    "wen": "when",
    "whn": "when",
    "whr": "where",
    "wher": "where",
    "hv": "have",
    "hav": "have",
    "cud": "could",
    "cld": "could",
    "wud": "would",
    "shud": "should",
    "gimme": "give me",
    "lemme": "let me",
    "wanna": "want to",
    "gotta": "have to",
    "dunno": "don't know",
    "idk": "I don't know",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "b4": "before",
    "thru": "through",
    "tho": "though",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "ppl": "people",
    "recs": "recommendations",
    "rec": "recommendation",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "w/": "with",
    "w/o": "without",
    "smth": "something",
    "sth": "something",
    "pic": "picture",
    "pics": "pictures",
    "hoody": "hoodie",
    "im": "I'm",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "havent": "haven't",
    "ive": "I've",
}
_KEPT = """
    lol lmao omg tbh btw fyi asap imo imho ok okay yeah yep nope nah hey hiya ya yo hmm hmmm ugh pls
    insta ig tiktok fb email emails gmail hotmail outlook paypal klarna afterpay
"""
KEEP = frozenset(_KEPT.split())  # known words the English list lacks: never corrected
_CODE_MARK = re.compile(r"\b(?:code|coupon|voucher|promo|card|certificate|cert)s?\W*(?:is\W+)?$", re.I)
_CHUNK = re.compile(r"\S+")
_PLAIN = re.compile(r"^([\"'(\[]*)([A-Za-z]+(?:'[A-Za-z]+)?|w/o?)([.,!?;:)\]\"']*)$")
_QUOTED = re.compile(r"[\"“”'‘’`][^\"“”'‘’`\n]{1,60}[\"“”'‘’`]")
_WORDS = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class Reading:
    """A message as read: the text to understand, and (typed, read as) for each word changed."""

    original: str
    text: str
    changes: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def note(self) -> list[dict[str, str]]:
        """The changes as the transcript records them."""
        return [{"typed": typed, "read_as": read} for typed, read in self.changes]


@functools.cache
def english_words() -> dict[str, int]:
    """English words and their frequencies, most frequent first (symspellpy's 82,765-word list)."""
    text = resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text("utf-8")
    parts = text.split()
    return {word: int(count) for word, count in zip(parts[0::2], parts[1::2], strict=False)}


@functools.cache
def _common_buckets() -> dict[tuple[str, int], tuple[str, ...]]:
    """The most frequent English words by (first letter, length): where a misspelling's fix is looked for."""
    return _buckets(list(english_words())[:COMMON_WORDS])


def _buckets(words: Iterable[str]) -> dict[tuple[str, int], tuple[str, ...]]:
    found: dict[tuple[str, int], list[str]] = {}
    for word in words:
        found.setdefault((word[:1], len(word)), []).append(word)
    return {key: tuple(value) for key, value in found.items()}


def words_of(texts: Iterable[str]) -> set[str]:
    """The lower-case words of three letters or more in ``texts``, with their plurals."""
    found = {w for text in texts for w in _WORDS.findall(text.lower())}
    return found | {f"{w}s" for w in found if not w.endswith("s")}


class Normalizer:
    """Expands text-speak and corrects misspellings against the store's and the examples' words."""

    def __init__(self, domain: Iterable[str]) -> None:
        self.domain = frozenset(domain)
        self._english = english_words()
        self._common = _common_buckets()
        self._own = _buckets(sorted(self.domain))
        self._cache: dict[str, Reading] = {}

    def known(self, word: str) -> bool:
        return word in self._english or word in self.domain or word in KEEP

    def read(self, text: str) -> Reading:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._read(text)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[text] = cached
        return cached

    def _read(self, text: str) -> Reading:
        if len(text) > MAX_CHARS or not any(c.isalpha() for c in text):
            return Reading(text, text)
        letters = [c for c in text if c.isalpha()]
        shouted = len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7
        quoted = [m.span() for m in _QUOTED.finditer(text)]
        chunks = list(_CHUNK.finditer(text))
        plain = [m.group(2).lower() for c in chunks if (m := _PLAIN.match(c.group(0)))]
        unknown = [w for w in plain if w not in SLANG and not self.known(w) and "'" not in w]
        if len(unknown) >= 2 and len(unknown) / len(plain) > MAX_UNKNOWN_SHARE:
            return Reading(text, text)  # "hola, tienen guantes de boxeo?": not misspelt English
        out: list[str] = []
        changes: list[tuple[str, str]] = []
        position = 0
        for i, chunk in enumerate(chunks):
            out.append(text[position : chunk.start()])
            position = chunk.end()
            word = chunk.group(0)
            match = _PLAIN.match(word)
            inside_quotes = any(s <= chunk.start() < e for s, e in quoted)
            after_mark = bool(_CODE_MARK.search(text[max(0, chunk.start() - 30) : chunk.start()]))
            if match is None or inside_quotes or after_mark:
                out.append(word)
                continue
            lead, core, trail = match.groups()
            between = 0 < i < len(chunks) - 1
            replacement = self._word(core, shouted, between)
            if replacement is None:
                out.append(word)
                continue
            changes.append((core, replacement))
            out.append(f"{lead}{replacement}{trail}")
        out.append(text[position:])
        if not changes:
            return Reading(text, text)
        return Reading(text, "".join(out), tuple(changes))

    def _word(self, core: str, shouted: bool, between: bool) -> str | None:
        lower = core.lower()
        if core.isupper() and len(core) > 1 and not shouted:
            return None  # SAVE, GIFT, DEMO: maybe a code
        slang = SLANG.get(lower)
        if slang is not None:
            if lower == "n" and not between:
                return None  # a bare "n" is a no
            return _cased(slang, core)
        if len(lower) < MIN_LENGTH or self.known(lower) or "'" in lower:
            return None
        corrected = self.correct(lower)
        if corrected is None or (corrected not in self.domain and len(lower) < MIN_COMMON_LENGTH):
            return None  # "uber" is no misspelt "user"
        return _cased(corrected, core)

    def correct(self, word: str) -> str | None:
        """The nearest known word to a lower-case ``word`` with the same first letter (the store's and the
        examples' words first, then the most frequent), or None."""
        limit = 1 if len(word) <= 5 else 2
        choices: list[str] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            choices += self._own.get((word[:1], length), ())
            choices += self._common.get((word[:1], length), ())
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        nearest = {str(choice) for choice, distance, _ in found if distance == best}
        ranked = sorted(
            nearest,
            key=lambda c: (c not in self.domain, -self._english.get(c, 0), abs(len(c) - len(word)), c),
        )
        return ranked[0]


def _cased(replacement: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return replacement.upper()
    if typed[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def store_words(documents: Iterable[str]) -> set[str]:
    """The words of a store's product documents that name things: each product's name, categories and
    option values (the lines before its price), not its description."""
    texts: list[str] = []
    for document in documents:
        for line in document.splitlines():
            if line.startswith("Price:"):
                break
            texts.append(line.split(":", 1)[1] if line.startswith("Categories:") else line)
    return words_of(texts)


def index_documents(index: Any) -> list[str]:
    """Every document of a product index (a Chroma collection behind ``index.collection``)."""
    try:
        got: Mapping[str, Any] = index.collection.get(include=["documents"])
    except Exception:  # the index is gone: the examples' words still help
        return []
    return [str(d) for d in got.get("documents") or [] if d]
