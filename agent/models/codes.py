"""Codes as stores write them, and as shoppers type them: the one code extractor.

BigCommerce codes may hold letters, digits, spaces, ``-`` and ``_`` (up to 50 characters), in any case.
A word is read as a code when

- the shopper marks it as one: after "code", "coupon", "voucher", "promo" or "gift card/certificate"
  ("code summer-sale", "the code is Spring Fling", "gift card: lowergc-22"), or in quotes in a message
  about a code ("does 'summer-sale' work?"); a marked code may be lower case, hyphenated, or several
  capitalised words ("Spring Fling");
- or it has a code's shape (``entities._is_code``: letters and digits, SAVE20, gym-p8kw-7l5z; a word
  in capitals in a message that is not shouted), where a lower-case word needs two digits ("save20",
  "take15"; not "xss1" or "mp3");
- or it is a gift certificate written with spaces ("GIFT DEMO 0001"): read as GIFT-DEMO-0001, never as
  DEMO.

The tools then look each code up exactly, as typed, in upper and in lower case (one attempt per code).
"""

from __future__ import annotations

import re

from ..tools.inputs import code as clean_code

_MARK = (
    r"(?:(?:discount|promo(?:tion(?:al)?)?|coupon|voucher|gift[\s-]?(?:card|cert(?:ificate)?)|e-?gift)"
    r"\s*(?:code|number|no\.?)?|code)"
)
_MARKED = re.compile(
    rf"\b{_MARK}s?\b\s*((?:(?:is|was|=|:|of|called|named)\s*)*)"
    r"(?:\"([^\"\n]{1,50})\"|'([^'\n]{1,50})'|“([^”\n]{1,50})”|‘([^’\n]{1,50})’|`([^`\n]{1,50})`|"
    r"([A-Za-z0-9][A-Za-z0-9_-]{1,48}[A-Za-z0-9](?-i:\s+[A-Z][A-Za-z0-9_-]{1,30}){0,3}))",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“‘'`]([A-Za-z0-9][A-Za-z0-9 _-]{1,48}[A-Za-z0-9])[\"”’'`]")
_ABOUT_A_CODE = re.compile(r"\b(?:codes?|coupons?|vouchers?|promo|gift[\s-]?cards?|certificates?)\b", re.I)
_SPACED_GIFT = re.compile(r"\b((?:GIFT|GC|GV|GIFTCARD)(?: [A-Z0-9]{2,12}){0,3} [0-9][A-Z0-9]{1,11})\b")
# words that follow a marker but are no code: "the code is not working", "code please"
_NOT_CODE_TEXT = """
    a an the my your this that it is was isn't wasn't not doesn't didn't won't can't please pls for from to
    and or but still valid invalid working work works expired at on in of i you we they there here what
    which when why how does do did says said will would should could any some no yes ok okay
    number numbers word words anymore again too also first second gave given got get use used using
"""
_NOT_A_CODE = frozenset(_NOT_CODE_TEXT.split())
_LOWER_SHAPE = re.compile(r"^(?=(?:.*\d){2})[a-z0-9_-]+$")  # lower case: two digits at least


def _trim(value: str) -> str | None:
    """The code in a marked phrase, without the words after it that are not the code ("SPRING FLING
    please" -> "SPRING FLING"); None when the phrase holds no code."""
    words = value.split()
    while words and words[-1].lower() in _NOT_A_CODE:
        words.pop()
    if not words or words[0].lower() in _NOT_A_CODE:
        return None
    return clean_code(" ".join(words))


def marked_codes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of the codes the shopper marked as codes or wrote with spaces, in order."""
    found: dict[int, tuple[int, int, str]] = {}
    for match in _SPACED_GIFT.finditer(text):
        if any(c.isdigit() for c in match.group(1)):
            value = match.group(1).replace(" ", "-")
            found[match.start(1)] = (match.start(1), match.end(1), value)
    for match in _MARKED.finditer(text):
        index = next(i for i in range(2, 8) if match.group(i) is not None)
        start = match.start(index)
        if any(s <= start < e for s, e, _ in found.values()):
            continue
        value = _trim(match.group(index))
        introduced = bool(match.group(1).strip()) or index < 7  # "the code is ...", or quoted
        if value is not None and not introduced and value.isalpha() and value.islower():
            continue  # "a discount code can u check": a plain word right after "code" is no code
        if value is not None:
            found[start] = (start, start + len(value), value)
    if _ABOUT_A_CODE.search(text):
        for match in _QUOTED.finditer(text):
            start = match.start(1)
            if not any(s <= start < e for s, e, _ in found.values()):
                value = _trim(match.group(1))
                if value is not None:
                    found[start] = (start, match.end(1), value)
    return [found[key] for key in sorted(found)]


_GIFT_SEGMENT = re.compile(r"(?:^|[-_])(?:gift|gc|gv)(?:[-_]|$)")


def code_shaped(token: str) -> bool:
    """Whether an unmarked lower-case word may still be a code: "save20" yes, "xss1" no, a gift
    certificate's "vt-gift-xr7u" yes (a gift segment and a digit)."""
    if not token.islower() or _LOWER_SHAPE.match(token):
        return True
    return bool(_GIFT_SEGMENT.search(token)) and any(c.isdigit() for c in token)
