"""Option values as shoppers say them, matched loosely against a product's own options.

"15 inch", "15-inch", '15"' and "15in" are one value; so are "30ml" and "30 ml", "130 degrees" and
"130°", "wifi" and "Wi-Fi", "medium" and "M", "grey" and "gray". Each value is reduced to a *key*: its
words lower-cased, units spelled one way, number and unit split, size words as letters, then joined
without spaces or punctuation. A shopper's value matches an option value when the keys are equal, or
failing that when all its words are among the option value's words ("blue" in "Navy Blue").

``select`` answers for the variants that match every value given (values of one option are
alternatives, values of different options must all hold) and names the values that matched nothing,
with the option they were most likely meant for, so the shopper hears what exists instead.
``words_in`` finds option values inside a free-text product reference ("laptop 15 inch i9 1tb").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from bigcommerce.types.catalog import Product, Variant

MAX_WINDOW = 4  # words of a reference one option value may span ("wi fi + cellular")
_WORD = re.compile(r"[^\W_]+")
_NUMBER_UNIT = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")
_UNITS = {
    "in": "in", "inch": "in", "inches": "in", "deg": "deg", "degree": "deg", "degrees": "deg",
    "ml": "ml", "millilitre": "ml", "milliliter": "ml", "millilitres": "ml", "milliliters": "ml",
    "l": "l", "litre": "l", "liter": "l", "litres": "l", "liters": "l", "gb": "gb", "gig": "gb", "gigs": "gb",
    "gigabyte": "gb", "gigabytes": "gb", "tb": "tb", "terabyte": "tb", "terabytes": "tb", "mb": "mb",
    "mm": "mm", "cm": "cm", "m": "m", "metre": "m", "meter": "m", "metres": "m", "meters": "m",
    "oz": "oz", "ounce": "oz", "ounces": "oz", "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "g": "g", "mah": "mah", "w": "w", "hz": "hz",
    "k": "k", "p": "p", "ft": "ft",
}  # fmt: skip
_SIZE_WORDS = {
    "small": "s", "medium": "m", "med": "m", "large": "l", "extra": "x", "xsmall": "xs", "xlarge": "xl",
    "xxlarge": "xxl", "2xl": "xxl", "3xl": "xxxl", "gray": "grey",
}  # fmt: skip
_LETTER_SIZES = frozenset({"xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "sm", "ml", "lxl", "ms"})
COLOURS = frozenset(
    [
        "black",
        "white",
        "navy",
        "grey",
        "red",
        "blue",
        "green",
        "olive",
        "pink",
        "silver",
        "gold",
        "purple",
        "yellow",
        "orange",
        "brown",
        "beige",
        "teal",
        "cream",
        "tan",
        "charcoal",
        "violet",
        "turquoise",
        "maroon",
        "burgundy",
        "khaki",
        "camo",
        "rose",
        "midnight",
        "ivory",
    ]
)
_NEGATIONS = frozenset({"no", "non", "without"})
_GENERIC = frozenset({"colour", "color", "size", "version", "model", "option", "one", "edition", "style"})


def _canon(text: str) -> list[str]:
    """The value's words in their one spelling: units, number-unit split, size words, grey."""
    text = unicodedata.normalize("NFKC", text).lower().replace("°", " deg ")
    text = re.sub(r"(?<=\d)\s*(?:\"|”|''|-inch\b)", " in ", text)
    words: list[str] = []
    for word in _WORD.findall(text):
        word = _SIZE_WORDS.get(word, word)
        match = _NUMBER_UNIT.match(word)
        if match and match.group(2) in _UNITS:
            words += [match.group(1), _UNITS[match.group(2)]]
        elif words and words[-1].replace(".", "").isdigit() and word in _UNITS:
            words.append(_UNITS[word])
        else:
            words.append(word)
    return words


def key(text: str) -> str:
    """The loose identity of an option value: "15-inch", "15 inch", '15"' -> "15in"."""
    return "".join(_canon(text))


def _segments(label: str) -> set[str]:
    """The keys of a value's space-separated parts: "Wi-Fi + Cellular" -> {"wifi", "cellular"}."""
    return {key(part) for part in label.split() if key(part)}


def _kind(text: str) -> str:
    """What sort of value this is, to guess the option a value that matched nothing was meant for."""
    words = _canon(text)
    if any(w in COLOURS for w in words):
        return "colour"
    compact = "".join(words)
    if compact in _LETTER_SIZES:
        return "size"
    if len(words) >= 2 and words[-2].replace(".", "").isdigit() and words[-1] in _UNITS.values():
        return f"unit:{words[-1]}"
    if compact.isdigit():
        return "number"
    if any(c.isdigit() for c in compact):
        return "shape:" + re.sub(r"\d+", "9", re.sub(r"[a-z]+", "a", compact))
    return ""


@dataclass(frozen=True)
class Options:
    """A product's options as its variants list them: option name -> values in order."""

    values: dict[str, list[str]]

    @classmethod
    def of(cls, product: Product) -> Options:
        values: dict[str, list[str]] = {}
        for variant in product.variants:
            for value in variant.option_values:
                if value.option_display_name and value.label:
                    labels = values.setdefault(value.option_display_name, [])
                    if value.label not in labels:
                        labels.append(value.label)
        return cls(values)

    def match(self, given: str) -> set[tuple[str, str]]:
        """(option, value) pairs this shopper value means: equal keys first, else word containment."""
        wanted = key(given)
        if not wanted:
            return set()
        exact = {(o, v) for o, vs in self.values.items() for v in vs if key(v) == wanted}
        if exact:
            return exact
        words = {key(w) for w in given.split() if key(w)}
        loose: set[tuple[str, str]] = set()
        if wanted.isdigit():  # "15" for "15-inch", when the unit is left out
            for option, labels in self.values.items():
                for label in labels:
                    parts = _canon(label)
                    if len(parts) == 2 and parts[0] == wanted and parts[1] in _UNITS.values():
                        loose.add((option, label))
            if loose:
                return loose
        for option, labels in self.values.items():
            own = {key(w) for w in option.split()} | _GENERIC
            core = {w for w in words if w not in own} or words
            for label in labels:
                segments = _segments(label)
                if segments & _NEGATIONS and not words & _NEGATIONS:
                    continue  # "wifi" is not "No Wi-Fi"
                if (
                    core <= segments
                    or key(" ".join(sorted(core))) == key(label)
                    or "".join(core) == key(label)
                ):
                    loose.add((option, label))
        return loose

    def meant_for(self, given: str) -> str | None:
        """The option a value that matched nothing most likely names ("purple" -> Colour), if any."""
        kind = _kind(given)
        if not kind:
            return None
        for option, labels in self.values.items():
            kinds = [_kind(label) for label in labels]
            if kinds.count(kind) * 2 >= len(kinds):
                return option
            if kind == "colour" and re.search(r"colou?r|finish|frame", option, re.IGNORECASE):
                return option
            if kind == "size" and "size" in option.lower() and "size" in kinds:
                return option
        return None


@dataclass(frozen=True)
class Selection:
    """The variants matching every value the shopper gave, and the values that matched nothing."""

    matched: dict[str, list[str]] = field(default_factory=dict)  # option -> the values asked for
    unmatched: list[tuple[str, str | None]] = field(default_factory=list)  # (value as given, option)
    variants: list[Variant] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return bool(self.matched or self.unmatched)


def _has(variant: Variant, pairs: set[tuple[str, str]]) -> bool:
    return any((v.option_display_name, v.label) in pairs for v in variant.option_values)


def select(product: Product, given: Sequence[str]) -> Selection:
    """The variants for the values ``given`` (see the module docstring); an empty selection when none."""
    options = Options.of(product)
    groups: dict[str, set[tuple[str, str]]] = {}  # one group per option; "*value" for a value in several
    matched: dict[str, list[str]] = {}
    unmatched: list[tuple[str, str | None]] = []
    for value in dict.fromkeys(v.strip() for v in given if v and v.strip()):
        pairs = options.match(value)
        if not pairs:
            unmatched.append((value, options.meant_for(value)))
            continue
        names = {option for option, _ in pairs}
        group = next(iter(names)) if len(names) == 1 else f"*{value}"
        groups.setdefault(group, set()).update(pairs)
        for option, label in sorted(pairs, key=lambda p: options.values[p[0]].index(p[1])):
            labels = matched.setdefault(option, [])
            if label not in labels:
                labels.append(label)
    variants = (
        [v for v in product.variants if all(_has(v, pairs) for pairs in groups.values())] if groups else []
    )
    ordered = {o: matched[o] for o in options.values if o in matched}
    return Selection(ordered, unmatched, variants)


def words_in(product: Product, words: Sequence[str]) -> tuple[list[str], set[int]]:
    """Option values of ``product`` named inside a reference's words: (the values as found, the indexes
    of the words they took). Longest runs first; "15 inch" takes two words, "wifi" one."""
    keys = {key(label): label for labels in Options.of(product).values.values() for label in labels}
    keys.pop("", None)
    found: list[str] = []
    used: set[int] = set()
    for size in range(MAX_WINDOW, 0, -1):
        for start in range(0, len(words) - size + 1):
            span = set(range(start, start + size))
            if span & used:
                continue
            joined = key(" ".join(words[start : start + size]))
            if joined and joined in keys:
                found.append(" ".join(words[start : start + size]))
                used |= span
    return found, used
