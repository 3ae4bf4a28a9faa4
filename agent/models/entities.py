"""Entity extraction for the offline NLU: what a shopper's message names, with no LLM.

Entities come from regular expressions: order numbers ("#12345", "order no. 12345", "12345"), emails,
codes (SAVE20, GIFT-DEMO-0001, gym-p8kw-7l5z, but not sizes, order numbers or plain words), option
values (16oz, XL, blue), a product reference with the question words stripped, whether the message
points at the product page ("is this in stock?"), and a yes or a no.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..tools.inputs import code as clean_code
from ..tools.inputs import email_address, order_number
from .codes import code_shaped, marked_codes

MAX_CHARS = 2000  # only the start of a very long message is analysed
MAX_ENTITIES = 5

# ------------------------------------------------------------------------------------------- entities


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"'`]{1,64}@[^\s@<>()\[\],;:\"'`]{1,255}\.[A-Za-z]{2,63}")
_ORDER_KEYED = re.compile(
    r"\b(?:order|ordr|purchase)s?\s*(?:no\.?|number|num|nr\.?|id|ref)?\s*(?:is\s*)?[:#-]?\s*#?\s*(\d{1,10})(?![\w-]|[.,]\d)",
    re.IGNORECASE,
)
_ORDER_HASH = re.compile(r"(?<![\w&])#\s?(\d{1,10})(?![\w-]|[.,]\d)")
_ORDER_BARE = re.compile(r"(?<![\w#$£€¥.,/:+-])(\d{3,10})(?![\w/-]|[.,]\d)")
_NOT_ORDER_AFTER = re.compile(
    r"[\s-]?(?:[%°\"”]|(?:percent|dollars?|bucks|usd|eur|euros?|pounds?|gbp|oz|ounces?|lbs?|kg|kilos?|inch(?:es)?|cm|mm|ml|"
    r"degrees?|gb|tb|mah|k\b|p\b|"
    r"days?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?|seconds?|am|pm|times?|items?|pieces?|pcs|units?|"
    r"pairs?|calories|miles?|km|reviews?|stars?|people|customers)\b)",
    re.IGNORECASE,
)
_NOT_ORDER_BEFORE = re.compile(
    r"(?:\b(?:product|item|sku|size|model|product\s+id|item\s+no\.?|zip|postcode|phone|tel|room|suite|apt|"
    r"flight|page|step|version|v)\s*(?:no\.?|number|id)?\s*#?\s*|[$£€¥]\s*)$",
    re.IGNORECASE,
)
_YEAR_CONTEXT = re.compile(r"\b(?:in|since|from|of|year|during|until|before|after)\s+$", re.IGNORECASE)
_PRODUCT_ID = re.compile(
    r"\b(?:product|item)\s*(?:id\s*|no\.?\s*|number\s*)?#?\s*(\d{1,10})\b", re.IGNORECASE
)
_TOKEN = re.compile(r"(?<![\w@.#$£€/-])([A-Za-z0-9][A-Za-z0-9_-]{1,48}[A-Za-z0-9])(?![\w@/-]|\.\w|'\w)")
_NOT_CODE = re.compile(
    r"^(?:\d+(?:-?(?:oz|ounces?|lbs?|kgs?|g|cm|mm|m|in|inch(?:es)?|ft|ml|l|xl|xxl|st|nd|rd|th|s|am|pm|k|x|yo|"
    r"yrs?|hrs?|h|mins?|d|days?|pcs|pc|pk|packs?|pieces?|sets?|gb|mb|tb|p|mp|w|v|mah|kw|hz|km|mi|cal|kcal)"
    r")|\d?x{0,3}[sl]|covid-?19|mp3|mp4|4k|5g|4g|3d|2d|b2b|p2p)$",
    re.IGNORECASE,
)
_NOT_CODE_WORDS = _words(
    """
    USPS FEDEX ASAP HELP PLEASE THANKS THANK URGENT ORDER ORDERS CODE CODES HELLO EMAIL XXXL HTML JSON
    SYSTEM ADMIN OKAY NOPE GIFT CARD SALE SALES FREE COUPON PROMO DEAL DEALS WHERE WHAT WHEN WHICH STOP
    CANCEL TRACKING TRACK INFO NOTE IMPORTANT ATTENTION AMAZON EBAY NIKE ADIDAS PAYPAL VISA AMEX IPHONE
    EVERLAST TITLE REALLY VERY NEED WANT HUMAN AGENT THIS THAT YOUR MINE STATUS UPDATE REFUND RETURN
    DELIVERY SHIPPED SHIPPING PACKAGE PARCEL ITEMS STILL WAITING ANSWER TODAY NOW
    """
)
_OPTION_UNIT = re.compile(
    r"(?<![\w.])(\d{1,5}(?:\.\d{1,2})?)(?:[\s-]?(oz|ounces?|lbs?|kgs?|kilos?|cm|mm|inch(?:es)?|ml|gb|tb|mah|"
    r"degrees?|litres?|liters?)\b|\s?(\"|”|°)|(in|lb|kg|oz|k|p|l)\b)",
    re.IGNORECASE,
)
_UNIT = {"ounce": "oz", "ounces": "oz", "lbs": "lb", "kgs": "kg", "kilo": "kg", "kilos": "kg", '"': "in"}
_UNIT.update({"inch": "in", "inches": "in", "”": "in", "°": "deg", "degree": "deg", "degrees": "deg"})
_UNIT.update({"litre": "l", "litres": "l", "liter": "l", "liters": "l"})
_LETTER_SIZE = re.compile(
    r"(?<![\w/])(XXS|XS|XXL|XXXL|[2-5]XL|XL|S/M|L/XL|M/L|XS/S)(?![\w/])|"
    r"(?:\b(?:size|sizes|sz|in|an?|the|or|and)\s+|,\s*)(S|M|L)(?![\w'/])",
    re.IGNORECASE,
)
_SIZE_WORD = re.compile(
    r"\b(extra[\s-]?small|x-?small|extra[\s-]?large|x-?large|small|medium|large)\b", re.IGNORECASE
)
_SIZE_OF_WORD = {"small": "S", "medium": "M", "large": "L"}
COLOURS = _words(
    """
    red black blue white navy purple teal green yellow pink grey gray orange brown gold silver camo beige
    maroon burgundy khaki olive cream tan charcoal violet turquoise
    """
)
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_PAGE_WORDS = frozenset({"this", "it", "these", "that", "those", "them", "they"})
_DEMONSTRATIVES = frozenset({"this", "these", "that", "those"})
_NEGATING = frozenset({"no", "without", "non"})
_PRODUCT_STOP = _words(
    """
    a an the this that these those it its it's they them their there here is are was were be been being am
    do does did doing done don't doesn't didn't isn't aren't wasn't won't can't cannot can could would should
    will shall may might must have has had having i i'm i've i'd i'll me my mine myself we us our you your
    yours u ur r y what what's whats which who whom whose when where where's wheres why how how's hows
    much many more most less any some anything something everything all every each other another both
    either neither no not nor yes yeah yep ok okay please pls plz thanks thank thx hi hello hey
    and or but if then than so too very just also only still even again else ever already yet
    of in on at by for with without about into onto from to up down out over under off near between
    as like such same own
    tell know show give get got find see look looking looked want wanted need needed like love buy bought
    purchase order ordered ordering orders sell sells selling sold carry carries stock stocks stocked
    stocking available availability availble avail in-stock instock left remaining restock restocked back
    come comes came coming make made makes offer offers offering
    price prices priced pricing cost costs costing how's expensive cheap cheaper cheapest discount
    discounted sale sales deal deals promo promotion promotions money dollars bucks
    size sizes sizing sized colour colours color colors coloured colored option options variant variants
    version versions style styles type types kind kinds model models weight weights weigh dimensions
    material materials made fabric length lengths
    info information detail details description describe specs specifications spec features feature
    video videos demo picture pictures pic pics photo photos image images review reviews rating ratings
    product products item items thing things stuff one ones piece something
    good great best better nice right fine real true new old big little enough well
    now today currently current right still soon time moment anymore
    question questions wondering wonder curious interested help assist recommend recommendation suggest
    say said mean means think thought check checking let lets let's try trying
    shop store website site page here there anyone someone
    track tracking tracked number numbers status cancel cancelled code codes coupon coupons voucher gift card
    cards certificate balance valid invalid expired expire email e-mail address paid pay payment shipping
    ship shipped shipment delivery deliver delivered arrive arrived package parcel account history
    work works working worked use using used apply applies applied oh ah sorry actually meant wait
    waterproof washable comfortable durable adjustable safe suitable breathable warranty beginner beginners
    """
)
_YES = re.compile(
    r"^\s*(?:yes|yeah|yea|yep|yup|ya|yas|sure|ok|okay|k|alright|all right|absolutely|definitely|of course|"
    r"correct|confirm(?:ed)?|go ahead|go for it|please do|do it|affirmative|certainly|that's (?:right|correct|fine|it)|"
    r"sounds good|y)\b(?![.#]?\s?\d)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*(?:no|nope|nah|nay|never ?mind|nvm|don'?t|do not|not now|not really|negative|no way|forget it|"
    r"stop|cancel that|keep it|leave it|hold on|wait|n)\b(?!\.?\s?#?\d|\s?(?:\.|number|#))",
    re.IGNORECASE,
)
_NO_LEAD = re.compile(
    r"^\s*(?:no|nope|nah|nay|never ?mind|nvm|not now|not really|negative|no way|forget it)\b(?!\.?\s?#?\d|\s?(?:\.|number|#))",
    re.IGNORECASE,
)
_AFFIRM_ONLY = re.compile(
    r"^(?:(?:yes|yeah|yea|yep|yup|ya|sure|ok|okay|alright|all right|absolutely|definitely|of course|correct|"
    r"confirm(?:ed)?|go ahead|go for it|please do|do it|affirmative|certainly|sure thing|please|pls|"
    r"that's (?:right|correct|fine)|that is (?:right|correct)|i'm sure|i am sure|y)(?:[\s,.!]+|$))+$",
    re.IGNORECASE,
)
_NEGATIVE = (
    r"(?:no|nope|nah|nay|never ?mind|nvm|don'?t|do not|not now|not really|negative|no way|forget it|keep it|"
    r"leave it|cancel that|wait|hold on|n|stop)"
)
_DENY_ONLY = re.compile(
    rf"^{_NEGATIVE}(?:[\s,.!]+(?:{_NEGATIVE}|thanks|thank you|please|don'?t do (?:it|that)))*[\s,.!]*$",
    re.IGNORECASE,
)
_FILLER = _words(
    """
    it it's its is was be would that'd that's that this here here's there there's
    my mine the a an of for on in at with under using used placed made to from by
    order orders number no num nr id ref email e-mail mail address code coupon promo voucher discount gift card
    certificate cert giftcard reference
    and also plus sure ok okay yes yeah yep oh ah um umm uh sorry right so well actually i i'm me account
    please pls thanks thank you try again one
    """
)


@dataclass(frozen=True)
class Entities:
    """What a message names."""

    order_ids: tuple[int, ...] = ()
    emails: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    product: str | None = None  # the product reference with the question words stripped
    refers_to_page: bool = False  # "this", "it", "these"... with no other product named
    yes: bool = False
    no: bool = False
    options: tuple[str, ...] = ()  # option values mentioned: "16oz", "XL", "blue"
    product_words: tuple[str, ...] = ()  # other words beside the product's name: maybe option values


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))[:MAX_ENTITIES]


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces (positions stay the same)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _emails(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _EMAIL.finditer(text):
        raw = match.group(0).rstrip(".")
        email = email_address(raw)
        if email is not None:
            found.append((match.start(), match.start() + len(raw), email))
    return found


def _orders(text: str) -> list[tuple[int, int, int]]:
    """(start, end, id) of order numbers; ``text`` has emails and URLs blanked."""
    found: dict[int, tuple[int, int, int]] = {}
    for pattern in (_ORDER_KEYED, _ORDER_HASH, _ORDER_BARE):
        for match in pattern.finditer(text):
            digits = match.group(1)
            if match.start(1) in found or _NOT_ORDER_AFTER.match(text, match.end()):
                continue
            if _NOT_ORDER_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
                continue
            before = text[max(0, match.start() - 12) : match.start()]
            if (
                pattern is _ORDER_BARE
                and len(digits) == 4
                and digits[:2] in ("19", "20")
                and _YEAR_CONTEXT.search(before)
            ):
                continue
            number = order_number(digits)
            if number is not None:
                found[match.start(1)] = (match.start(), match.end(), number)
    return [found[key] for key in sorted(found)]


# a capitalised word of letters beside another one (not "I", not a code with digits)
_SHOUTED_NEIGHBOUR = re.compile(r"\b[A-Z]{2,}[!?.,]*\s+$")
_SHOUTED_NEXT = re.compile(r"[!?.,]*\s+[A-Z]{2,}\b(?![\w-])")


def _is_code(token: str, text: str, start: int, end: int) -> bool:
    if token.isdigit() or _NOT_CODE.match(token):
        return False
    letters = [c for c in token if c.isalpha()]
    has_digit = any(c.isdigit() for c in token)
    if has_digit:
        return bool(letters) and not (len(token) <= 3 and token.islower())
    if token.upper() in _NOT_CODE_WORDS or len(letters) < 4 or not token.isupper():
        return False
    if _SHOUTED_NEIGHBOUR.search(text[:start]) or _SHOUTED_NEXT.match(text[end:]):
        return False  # "WRONG ADDRESS ON 12345": a shouted phrase, not a code
    others = [c for c in text[:start] + text[end:] if c.isalpha()]
    return not others or sum(c.islower() for c in others) / len(others) > 0.5  # not a shouted message


def _codes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code); ``text`` has emails, URLs and order numbers blanked."""
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group(1)
        if _is_code(token, text, match.start(1), match.end(1)):
            value = clean_code(token)
            if value is not None:
                found.append((match.start(1), match.end(1), value))
    return found


def _options(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _OPTION_UNIT.finditer(text):
        unit = (match.group(2) or match.group(3) or match.group(4)).lower()
        found.append((match.start(), match.end(), f"{match.group(1)}{_UNIT.get(unit, unit)}"))
    for match in _LETTER_SIZE.finditer(text):
        group = 1 if match.group(1) else 2
        found.append((match.start(group), match.end(group), match.group(group).upper()))
    for match in _SIZE_WORD.finditer(text):
        word = match.group(1).lower().replace("-", "").replace(" ", "")
        size = _SIZE_OF_WORD.get(word) or ("XS" if word.endswith("small") else "XL")
        found.append((match.start(), match.end(), size))
    for match in _WORD.finditer(text):
        if match.group(0).lower() in COLOURS:
            found.append((match.start(), match.end(), match.group(0).lower()))
    return sorted(found)


def _product(text: str) -> tuple[str | None, bool, tuple[str, ...]]:
    """(the run of words that are not question, intent or function words with the most plain words,
    then the longest; whether a "this" stood in for the product; the words of the other runs, which may
    be option values: "i9", "no wifi", "32"). ``text`` has every other entity blanked."""
    if match := _PRODUCT_ID.search(text):
        return f"product {match.group(1)}", False, ()
    runs: list[list[str]] = []
    run: list[str] = []
    before_run: list[str] = []
    previous = ""
    pointer = False
    position = 0
    numbers: list[str] = []
    for match in _WORD.finditer(text):
        gap = text[position : match.start()]
        position = match.end()
        word = match.group(0).lower().replace("’", "'")
        if gap.strip() not in ("", "-", "&", "+", "/"):
            if run:
                runs.append(run)
                run = []
            previous = ""
        if word in _PAGE_WORDS:
            pointer = True
        if word.isdigit() and len(word) <= 3:
            numbers.append(word)
        if word in _PRODUCT_STOP or not any(c.isalpha() for c in word) or len(word) > 40:
            if run:
                runs.append(run)
                run = []
            previous = word
            continue
        if not run:
            before_run.append(previous)
            if previous in _NEGATING:
                run.append(previous)  # "no wifi" is an option value, "wifi" another
        run.append(word)
    if run:
        runs.append(run)
    if not runs:
        return None, pointer, tuple(numbers[:MAX_ENTITIES])
    plain = [sum(not any(c.isdigit() for c in w) and w not in _NEGATING for w in r) for r in runs]
    best = max(range(len(runs)), key=lambda i: (plain[i], len(runs[i]), -i))
    words = [w for w in runs[best] if w not in _NEGATING or runs[best].index(w) > 0]
    extra = tuple(w for i, r in enumerate(runs) if i != best for w in r) + tuple(numbers)
    if len(words) == 1 and before_run[best] in _DEMONSTRATIVES:
        return None, True, extra[:8]  # "this hoodie": the product on the page
    return " ".join(words)[:120], False, extra[:8]


def extract_entities(text: str) -> Entities:
    """Order numbers, emails, codes, option values, the product reference and yes/no in a message."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    whole = order_number(text.strip())
    if whole is not None and text.strip().isdigit():
        return Entities(order_ids=(whole,))
    emails = _emails(text)
    rest = _blank(text, [(s, e) for s, e, _ in emails] + [m.span() for m in _URL.finditer(text)])
    marked = marked_codes(rest)  # "code summer-sale", "the code is Spring Fling", "GIFT DEMO 0001"
    rest = _blank(rest, [(s, e) for s, e, _ in marked])
    orders = _orders(rest)
    rest = _blank(rest, [(s, e) for s, e, _ in orders])
    codes = sorted(marked + [c for c in _codes(rest) if code_shaped(c[2])])
    options = _options(_blank(rest, [(s, e) for s, e, _ in codes]))
    rest = _blank(rest, [(s, e) for s, e, _ in codes] + [(s, e) for s, e, _ in options])
    product, pointer, extra = _product(rest)
    return Entities(
        order_ids=_unique(number for _, _, number in orders),
        emails=_unique(email for _, _, email in emails),
        codes=_unique(value for _, _, value in codes),
        product=product,
        refers_to_page=product is None and pointer and not orders and not emails,
        yes=bool(_YES.match(text)) and not bool(_NO.match(text)),
        no=bool(_NO.match(text)),
        options=_unique(value for _, _, value in options),
        product_words=extra if product is not None or pointer else (),
    )
