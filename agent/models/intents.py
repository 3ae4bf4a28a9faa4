"""The offline NLU: what a shopper's message asks (intent) and what it names (entities), with no LLM.

Intent classification is k-nearest-neighbours over labelled utterances (``data/utterances.yaml``),
embedded once with the bundled MiniLM model: the ``K`` most similar examples (cosine) vote, each with
weight ``similarity ** POWER``. Rules override the vote where they are certain: an empty message, a
message that only gives an order number, email or code (``provide_info``), a bare yes or no, injection
phrases (``prompt_attack``), gift card plus balance (``gift_card_balance``), "cancel" plus an order
(``order_cancel``), and messages in another language (``out_of_scope`` unless an entity makes the
request clear).

Confidence is the winning intent's share of the vote, scaled down when even the nearest example is far
away (see ``_decide``); a vote too weak to trust is ``out_of_scope``; a rule's decision has confidence 1. ``evaluate`` measures accuracy on the
held-out file (``data/utterances_heldout.yaml``), which is never used for training.

Entities come from regular expressions: order numbers ("#12345", "order no. 12345", "12345"), emails,
codes (SAVE20, GIFT-DEMO-0001, gym-p8kw-7l5z, but not sizes, order numbers or plain words), option
values (16oz, XL, blue), a product reference with the question words stripped, and whether the message
points at the product page ("is this in stock?").

``NLU.split_requests`` cuts a message at sentence ends and joining words ("..., and is SAVE20 valid?"),
classifies each part, and keeps the parts apart only when they are different requests: a greeting, a
detail ("It's 12345.") or a follow-up on the same thing stays with the request it belongs to.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from ..tools.inputs import code as clean_code
from ..tools.inputs import email_address, order_number

if TYPE_CHECKING:
    from ingest.embeddings import MiniLMEmbedding

DATA = Path(__file__).parent / "data"
EXAMPLES = DATA / "utterances.yaml"
HELDOUT = DATA / "utterances_heldout.yaml"

INTENTS: tuple[str, ...] = (
    "order_status",
    "order_cancel",
    "order_list",
    "gift_card_balance",
    "discount_code",
    "promotions",
    "product_info",
    "greeting",
    "thanks",
    "goodbye",
    "handoff",
    "provide_info",
    "affirm",
    "deny",
    "out_of_scope",
    "prompt_attack",
)
ROUTE_OF_INTENT: dict[str, str] = {
    "order_status": "order_management",
    "order_cancel": "order_management",
    "order_list": "order_management",
    "gift_card_balance": "order_management",
    "product_info": "product_expert",
    "discount_code": "product_expert",
    "promotions": "product_expert",
    "greeting": "respond",
    "thanks": "respond",
    "goodbye": "respond",
    "handoff": "respond",
    "out_of_scope": "respond",
    "prompt_attack": "respond",
    "provide_info": "follow_up",
    "affirm": "follow_up",
    "deny": "follow_up",
}

K = 7  # neighbours that vote
POWER = 4.0  # vote weight = similarity ** POWER: the nearest examples count most
NEAR, FAR = 0.62, 0.30  # nearest-example similarity at which confidence is not scaled down / is zero
MIN_CONFIDENCE = 0.1  # a vote below this is out of scope
MAX_CHARS = 2000  # only the start of a very long message is analysed
MAX_SPLIT_CHARS = 600  # longer messages are one request (splitting them would embed many parts)
MAX_PARTS = 4
MAX_ENTITIES = 5

# ------------------------------------------------------------------------------------------- entities


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"'`]{1,64}@[^\s@<>()\[\],;:\"'`]{1,255}\.[A-Za-z]{2,63}")
_ORDER_KEYED = re.compile(
    r"\b(?:order|ordr|purchase)s?\s*(?:no\.?|number|num|nr\.?|id|ref)?\s*(?:is\s*)?[:#]?\s*#?\s*(\d{1,10})(?![\w-]|[.,]\d)",
    re.IGNORECASE,
)
_ORDER_HASH = re.compile(r"(?<![\w&])#\s?(\d{1,10})(?![\w-]|[.,]\d)")
_ORDER_BARE = re.compile(r"(?<![\w#$£€¥.,/:+-])(\d{3,10})(?![\w/-]|[.,]\d)")
_NOT_ORDER_AFTER = re.compile(
    r"\s?(?:%|percent|dollars?|bucks|usd|eur|euros?|pounds?|gbp|oz|ounces?|lbs?|kg|kilos?|inch(?:es)?|cm|mm|ml|"
    r"days?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?|seconds?|am|pm|times?|items?|pieces?|pcs|units?|"
    r"pairs?|calories|miles?|km|reviews?|stars?|people|customers)\b",
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
    EVERLAST TITLE REALLY VERY NEED WANT HUMAN AGENT THIS THAT YOUR MINE
    """
)
_OPTION_UNIT = re.compile(
    r"(?<![\w.])(\d{1,4}(?:\.\d{1,2})?)(?:\s?(oz|ounces?|lbs?|kgs?|kilos?|cm|mm|inch(?:es)?|\")|(in|lb|kg|oz))\b",
    re.IGNORECASE,
)
_UNIT = {"ounce": "oz", "ounces": "oz", "lbs": "lb", "kgs": "kg", "kilo": "kg", "kilos": "kg", '"': "in"}
_UNIT.update({"inch": "in", "inches": "in"})
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


@dataclass(frozen=True)
class Understanding:
    """The NLU's reading of one message; ``scores`` holds every intent's share of the vote."""

    text: str
    intent: str
    confidence: float
    entities: Entities
    scores: dict[str, float] = field(default_factory=dict)


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


def _is_code(token: str, text: str, start: int, end: int) -> bool:
    if token.isdigit() or _NOT_CODE.match(token):
        return False
    letters = [c for c in token if c.isalpha()]
    has_digit = any(c.isdigit() for c in token)
    if has_digit:
        return bool(letters) and not (len(token) <= 3 and token.islower())
    if token.upper() in _NOT_CODE_WORDS or len(letters) < 4 or not token.isupper():
        return False
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
        unit = (match.group(2) or match.group(3)).lower()
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


def _product(text: str) -> tuple[str | None, bool]:
    """(the longest run of words that are not question, intent or function words; whether a "this" stood
    in for the product). ``text`` has every other entity blanked."""
    if match := _PRODUCT_ID.search(text):
        return f"product {match.group(1)}", False
    runs: list[list[str]] = []
    run: list[str] = []
    before_run: list[str] = []
    previous = ""
    pointer = False
    position = 0
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
        if word in _PRODUCT_STOP or not any(c.isalpha() for c in word) or len(word) > 40:
            if run:
                runs.append(run)
                run = []
            previous = word
            continue
        if not run:
            before_run.append(previous)
        run.append(word)
    if run:
        runs.append(run)
    if not runs:
        return None, pointer
    best = max(range(len(runs)), key=lambda i: (len(runs[i]), -i))
    words = runs[best]
    if len(words) == 1 and before_run[best] in _DEMONSTRATIVES:
        return None, True  # "this hoodie": the product on the page
    return " ".join(words)[:120], False


def extract_entities(text: str) -> Entities:
    """Order numbers, emails, codes, option values, the product reference and yes/no in a message."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    whole = order_number(text.strip())
    if whole is not None and text.strip().isdigit():
        return Entities(order_ids=(whole,))
    emails = _emails(text)
    rest = _blank(text, [(s, e) for s, e, _ in emails] + [m.span() for m in _URL.finditer(text)])
    orders = _orders(rest)
    rest = _blank(rest, [(s, e) for s, e, _ in orders])
    codes = _codes(rest)
    options = _options(_blank(rest, [(s, e) for s, e, _ in codes]))
    rest = _blank(rest, [(s, e) for s, e, _ in codes] + [(s, e) for s, e, _ in options])
    product, pointer = _product(rest)
    return Entities(
        order_ids=_unique(number for _, _, number in orders),
        emails=_unique(email for _, _, email in emails),
        codes=_unique(value for _, _, value in codes),
        product=product,
        refers_to_page=product is None and pointer and not orders and not emails,
        yes=bool(_YES.match(text)) and not bool(_NO.match(text)),
        no=bool(_NO.match(text)),
        options=_unique(value for _, _, value in options),
    )


# ---------------------------------------------------------------------------------------------- rules

_ATTACK = re.compile(
    "|".join(
        (
            r"\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:(?:all|any|the|your|my|these|those|every|of|"
            r"previous|prior|above|earlier|system|original|initial|safety|current|existing)\s+)*"
            r"(?:instructions?|rules|prompts?|directions|guidelines|programming|guardrails|restrictions|policies)",
            r"\bforget\s+(?:everything|all)\s+(?:you|your|the\s+(?:rules|instructions))\b",
            r"\bsystem\s+(?:prompt|instructions?|message|rules)\b|\b(?:hidden|secret)\s+(?:prompt|instructions?|rules)\b",
            r"\b(?:initial|original)\s+prompt\b",
            r"\b(?:reveal|show|print|repeat|output|display|leak|dump|tell me|what (?:are|were|is))\s+(?:me\s+)?"
            r"(?:your|ur)\s+(?:\w+\s+)?(?:instructions|prompt|configuration|config|guidelines|rules|programming)\b",
            r"\binstructions\s+(?:were\s+)?you\s+(?:were\s+)?given\b",
            r"\b(?:api|access|auth|bearer|secret|openai|admin)[\s_-]*(?:keys?|tokens?)\b",
            r"\b(?:credentials?|env(?:ironment)?\s+variables?|\.env\b|secrets?\s+file)",
            r"\b(?:admin|administrator|root|store|database|db)\s+(?:password|login)\b",
            r"\byou\s+are\s+now\b|\bfrom\s+now\s+on,?\s+you\b|\byou\s+are\s+no\s+longer\b",
            r"\bdo\s+anything\s+now\b|\bjail\s?break|\b(?:developer|dev|god|admin|debug|sudo)\s+mode\b",
            r"\bpretend\s+(?:to\s+be|you(?:'re|\s+are|\s+have)?)\b|\bact\s+as\s+(?:an?\s+|the\s+)?"
            r"(?:admin|administrator|owner|developer|root|store\s+owner|system|manager)",
            r"\bsudo\b|</?\s*system\s*>|^\s*system\s*:|\[system\]",
            r"\b(?:you|assistant|bot|ai)\s+(?:have|has|with|had)\s+no\s+(?:rules|restrictions|limits|filters)\b",
            r"\b(?:other|another|all|every|each|any)\s+(?:customer|shopper|user|buyer|client|person|people)(?:'s|s'|s)?"
            r"\s+(?:orders?|emails?|e-mails?|address(?:es)?|data|details|info|information|phone|names?|cards?)",
            r"\borders?\s+(?:of|for|from)\s+(?:every|all|other|another|each)\s+(?:customers?|shoppers?|users?|people)",
            r"\b(?:all|every)\s+(?:the\s+)?orders\s+(?:in|of|from|on)\s+(?:the\s+|your\s+|this\s+)?"
            r"(?:store|shop|database|system)",
            r"\b(?:list|show|give|dump|export|send)\s+(?:me\s+)?(?:all\s+|every\s+|the\s+)*"
            r"(?:customers|customer\s+(?:list|emails|data|database)|users|user\s+list)",
            r"\bdump\s+(?:the\s+|your\s+)?(?:database|db|tables?)\b|\bwhich\s+customers\b",
            r"\bcustomer\s+(?:database|db|list|records|table)\b|\b(?:everyone|everybody)(?:'s|\s+else's)\s+orders\b",
            r"\borders\s+(?:placed\s+|made\s+)?(?:in|on|at|from)\s+(?:the|your|this)\s+(?:store|shop|site|website)\b",
            r"\b(?:all|every)\s+(?:the\s+)?(?:customer\s+)?(?:emails|e-mails|email\s+addresses|phone\s+numbers)\b",
            r"\bwho\s+(?:placed|ordered|bought|made)\s+(?:order|#|\d)",
            r"\b(?:email|address|name|phone)\s+(?:address\s+)?of\s+(?:the\s+person|whoever|the\s+customer|the\s+buyer)",
            r"\b(?:change|set|lower|drop|make)\s+(?:the\s+)?price\s+(?:of|to)\b",
            r"\b(?:generate|create|make|issue)\s+(?:me\s+)?(?:a\s+|an\s+)?(?:new\s+)?(?:\d+%\s+)?"
            r"(?:coupon|discount|promo|gift\s*card|voucher)",
            r"\bmark\s+(?:my\s+|the\s+|this\s+)?order\s+as\s+(?:refunded|paid|shipped|delivered|free)",
            r"\bgive\s+me\s+(?:full|admin|root|total)\s+access\b",
            r"\bbypass\s+(?:the\s+)?(?:verification|security|check|auth)",
        )
    ),
    re.IGNORECASE,
)
_DAN = re.compile(r"\bDAN\b")  # case-sensitive: "Dan" is a name
_GIFT = re.compile(
    r"\bgift[\s-]?(?:cards?|cert(?:ificate)?s?|vouchers?)\b|\bgiftcards?\b|\be-?gift\b", re.IGNORECASE
)
_BALANCE = re.compile(
    r"\b(?:balance|left|remain(?:ing|s)?|worth|value|how much|money|credit|funds?|still|expire[ds]?|"
    r"expir(?:y|ation)|valid|check|used|spend|on it|working|work)\b",
    re.IGNORECASE,
)
_GIFT_CODE = re.compile(r"^(?:GIFT|GC|GV|GIFTCARD)[-_]", re.IGNORECASE)
_CANCEL = re.compile(
    r"\b(?:cancel+(?:led|ling|ation)?|cancle|cansel|annul(?:er)?|cancelar|stornier\w*|annullare)\b",
    re.IGNORECASE,
)
_NEGATED_CANCEL = re.compile(
    r"\b(?:don'?t|do\s+not|not|never|no\s+need\s+to|won'?t)\s+(?:\w+\s+){0,2}cancel", re.IGNORECASE
)
_ORDER_WORD = re.compile(
    r"\b(?:order|ordr|orders|purchase|pedido|commande|bestellung|ordine)\b", re.IGNORECASE
)
_POLICY = re.compile(r"\bpolic(?:y|ies)\b|\bfees?\b|\brefund", re.IGNORECASE)
_SPANISH_MARKS = re.compile(r"[¿¡]")
_FOREIGN_WORDS = _words(
    """
    el los las del que por para con una mi mis pedido está esta dónde donde cuál cuánto cuanto cuesta tiene
    tienen hay es son pero cómo quiero puedes gracias hola usted ayuda tarea
    le les des du une mon ma mes où quel quelle combien je vous avez commande et pour avec pas fait
    il elle est suis merci bonjour temps aujourd'hui
    der das ein eine einen mein meine ist wo wie ich sie haben bestellung und nicht für kostet nach
    spät danke hallo bitte gibt
    il lo gli della mio dove quanto ordine grazie ciao sono
    os meu minha onde pedido obrigado você
    """
)
_ENGLISH_WORDS = _words(
    """
    the is are my i you what where how do does order can please of to for and in on it this have has an me
    be will with your any there when which who why not get want need yes no hi hello thanks thank a was
    """
)


def _foreign(text: str) -> bool:
    """A message in another language (non-Latin script, or mostly other languages' common words)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if (
        sum(not c.isascii() and not unicodedata.name(c, "").startswith("LATIN") for c in letters)
        / len(letters)
        > 0.3
    ):
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    foreign = sum(w in _FOREIGN_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return (foreign >= 2 and foreign > english) or (bool(_SPANISH_MARKS.search(text)) and foreign > english)


def _only_entities(text: str, entities: Entities) -> bool:
    """True when the message gives an order number, email or code and says nothing else."""
    if not (entities.order_ids or entities.emails or entities.codes):
        return False
    rest = _blank(text, [m.span() for m in _EMAIL.finditer(text)])
    for pattern in (_ORDER_KEYED, _ORDER_HASH, _ORDER_BARE):
        rest = pattern.sub(" ", rest)
    words = [w.lower().replace("’", "'") for w in _WORD.findall(rest)]
    codes = {c.lower() for c in entities.codes}
    return all(w in _FILLER or w in codes or w.isdigit() for w in words)


def _rule(text: str, entities: Entities) -> str | None:
    """The intent when a rule is certain of it, else None."""
    if _ATTACK.search(text) or _DAN.search(text):
        return "prompt_attack"
    stripped = text.strip().lower().replace("’", "'")
    if _AFFIRM_ONLY.match(stripped):
        return "affirm"
    if _DENY_ONLY.match(stripped):
        return "deny"
    if _only_entities(text, entities):
        return "provide_info"
    cancel = _CANCEL.search(text)
    if cancel and _NEGATED_CANCEL.search(text) and "?" not in text:
        return "deny"  # "don't cancel it", "I don't want to cancel my order"
    named = entities.order_ids or entities.emails or entities.codes or entities.options
    if _NO_LEAD.match(text) and not named and "?" not in text and len(_WORD.findall(text)) <= 6:
        return "deny"  # "no, keep the order", "nope, never mind"
    foreign = _foreign(text)
    if foreign:
        if entities.order_ids and cancel:
            return "order_cancel"
        if entities.order_ids:
            return "order_status"
        if any(_GIFT_CODE.match(c) for c in entities.codes):
            return "gift_card_balance"
        if entities.codes:
            return "discount_code"
        return "out_of_scope"
    if _GIFT.search(text) and _BALANCE.search(text) and not cancel:
        return "gift_card_balance"
    if any(_GIFT_CODE.match(c) for c in entities.codes) and not cancel and not entities.order_ids:
        return "gift_card_balance"
    if (
        cancel
        and (_ORDER_WORD.search(text) or entities.order_ids)
        and not _NEGATED_CANCEL.search(text)
        and not _POLICY.search(text)
    ):
        return "order_cancel"
    return None


# ------------------------------------------------------------------------------------------------ NLU


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a YAML mapping of intent -> list of utterances."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of intent -> list of utterances")
    examples: list[tuple[str, str]] = []
    for intent, texts in data.items():
        if intent not in INTENTS:
            raise ValueError(f"{path}: unknown intent {intent!r}")
        if not isinstance(texts, list):
            raise ValueError(f"{path}: {intent}: expected a list of utterances")
        for text in texts:
            if isinstance(text, bool) or not isinstance(text, str | int) or not str(text).strip():
                raise ValueError(f"{path}: {intent}: bad utterance {text!r}")
            examples.append((str(text), intent))
    return examples


def _for_embedding(text: str) -> str:
    """What the classifier embeds: the message with links and emails replaced by a word (their letters
    say nothing about the request), whitespace collapsed."""
    text = _URL.sub(" link ", text)
    text = _EMAIL.sub(" email ", text)
    return " ".join(text.split())[:MAX_CHARS]


class NLU:
    """Intent and entities of shopper messages: nearest neighbours over labelled examples, plus rules."""

    def __init__(self, embedder: MiniLMEmbedding, examples: Path | None = None) -> None:
        self.embedder = embedder
        self.examples_path = examples or EXAMPLES
        self._lock = threading.Lock()
        self._matrix: np.ndarray[Any, np.dtype[np.float32]] | None = None
        self._labels: np.ndarray[Any, np.dtype[np.int64]] | None = None

    def _index(self) -> tuple[np.ndarray[Any, np.dtype[np.float32]], np.ndarray[Any, np.dtype[np.int64]]]:
        with self._lock:
            if self._matrix is None or self._labels is None:
                examples = load_examples(self.examples_path)
                if not examples:
                    raise ValueError(f"{self.examples_path}: no examples")
                texts = [_for_embedding(text) for text, _ in examples]
                self._matrix = np.asarray(self.embedder.encode(texts), dtype=np.float32)
                self._labels = np.array([INTENTS.index(intent) for _, intent in examples], dtype=np.int64)
            return self._matrix, self._labels

    def warm_up(self) -> None:
        """Load the model and embed the examples now rather than on the first message."""
        self._index()

    def _vote(self, text: str) -> tuple[dict[str, float], float]:
        """Each intent's share of the nearest examples' weighted vote, and the nearest similarity."""
        matrix, labels = self._index()
        query = np.asarray(self.embedder.encode([_for_embedding(text)]), dtype=np.float32)[0]
        similarities = matrix @ query
        k = min(K, len(similarities))
        nearest = np.argpartition(-similarities, k - 1)[:k]
        weights = np.clip(similarities[nearest], 0.0, 1.0) ** POWER
        totals = np.zeros(len(INTENTS), dtype=np.float64)
        np.add.at(totals, labels[nearest], weights)
        total = float(totals.sum())
        shares = totals / total if total > 0 else totals
        return {intent: round(float(shares[i]), 4) for i, intent in enumerate(INTENTS)}, float(
            similarities[nearest].max()
        )

    def understand(self, text: str) -> Understanding:
        """The intent, confidence, entities and per-intent scores of one message."""
        entities = extract_entities(text)
        analysed = unicodedata.normalize("NFKC", text[:MAX_CHARS])
        if not analysed.strip() or not any(c.isalnum() for c in analysed):
            return Understanding(text, "out_of_scope", 0.0, entities, dict.fromkeys(INTENTS, 0.0))
        intent = _rule(analysed, entities)
        if intent is not None:
            scores = {name: float(name == intent) for name in INTENTS}
            return Understanding(text, intent, 1.0, entities, scores)
        scores, nearest = self._vote(analysed)
        intent, confidence = _decide(analysed, entities, scores, nearest)
        return Understanding(text, intent, confidence, entities, scores)

    def split_requests(self, text: str) -> list[str]:
        """The separate requests in one message ("where is order 12345, and is SAVE20 valid?" -> two);
        a message with a single request (greetings and details attached to it included) -> ``[text]``."""
        if len(text) > MAX_SPLIT_CHARS or not text.strip():
            return [text]
        parts = [p for p in (_clean_part(p) for p in _SPLIT.split(text)) if p]
        if len(parts) < 2 or len(parts) > MAX_PARTS * 2:
            return [text]
        requests: list[tuple[str, Understanding]] = []
        pending: list[str] = []  # greetings and details waiting for the request they belong to
        for part in parts:
            understanding = self.understand(part)
            if understanding.intent in _ATTACHED:
                if requests:
                    last, reading = requests[-1]
                    requests[-1] = (f"{last} {part}", reading)
                else:
                    pending.append(part)
                continue
            if requests and _same_request(requests[-1][1], understanding):
                last, reading = requests[-1]
                requests[-1] = (f"{last} {part}", reading)
                continue
            if pending:
                part = " ".join([*pending, part])
                pending = []
            requests.append((part, understanding))
        if len(requests) < 2:
            return [text]
        parts = [request for request, _ in requests]
        if len(parts) > MAX_PARTS:  # the rest rides with the last one rather than being dropped
            parts = [*parts[: MAX_PARTS - 1], " ".join(parts[MAX_PARTS - 1 :])]
        return parts


def _decide(text: str, entities: Entities, scores: dict[str, float], nearest: float) -> tuple[str, float]:
    """The intent and confidence from the vote: the winner's share, scaled down when even the nearest
    example is far (similarity ``nearest`` between ``FAR`` and ``NEAR``). Two corrections: a message
    naming a code asks about that code rather than what promotions run, and a message that asks
    something is not a bare detail even when it looks like one ("where is order 12345, jane@x.com")."""
    votes = dict(scores)
    if entities.codes:
        votes["discount_code"] += votes.pop("promotions")
    if _REQUEST_CUE.search(text) and max(votes, key=lambda i: votes[i]) == "provide_info":
        votes.pop("provide_info")
    total = sum(votes.values())
    winner = max(votes, key=lambda i: votes[i])
    closeness = min(1.0, max(0.0, (nearest - FAR) / (NEAR - FAR)))
    confidence = votes[winner] / total * closeness if total > 0 else 0.0
    if confidence < MIN_CONFIDENCE:
        # like nothing we know, or split between many intents: not something we can do
        return "out_of_scope", round(1.0 - confidence, 4)
    return winner, round(confidence, 4)


_REQUEST_CUE = re.compile(
    r"^\W*(?:is|are|does|do|did|has|have|can|could|will|would|should|any)\b|"
    r"\b(?:where|where's|wheres|what|what's|whats|when|which|why|how|who|track\w*|cancel\w*|status|ship\w*|"
    r"deliver\w*|arriv\w*|check|show|tell|list|balance|valid|work|works|left|update|eta)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"(?<=[?!])\s+|(?<=[a-z\d)][.])\s+(?=[A-Za-z])|\s*[;\n]+\s*|"
    r",?\s+(?:and\s+)?also[,:]?\s+|,\s*(?:and|plus|but)\s+(?=\w)|\s+(?:and|plus)\s+"
    r"(?=(?:is|are|was|do|does|did|can|could|will|would|what|what's|whats|where|where's|when|how|which|who|"
    r"why|has|have|tell|show|check|cancel|please|i'd|i\s+want|i\s+need|give|any)\b)",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(r"^(?:and|also|plus|but|then|oh|ok|so)\b[\s,:]*", re.IGNORECASE)
_ATTACHED = frozenset({"greeting", "thanks", "provide_info", "affirm", "deny"})


def _clean_part(part: str) -> str:
    part = part.strip().strip(",;").strip()
    while (stripped := _CONNECTOR.sub("", part).strip()) != part and stripped:
        part = stripped
    return part if any(c.isalnum() for c in part) else ""


def _same_request(first: Understanding, second: Understanding) -> bool:
    """The second part continues the first ("where is my order? when will it arrive?")."""
    if first.intent != second.intent:
        return False
    if ROUTE_OF_INTENT[first.intent] not in ("order_management", "product_expert"):
        return True
    a, b = first.entities, second.entities
    new_target = (b.order_ids and b.order_ids != a.order_ids) or (b.codes and b.codes != a.codes)
    new_product = b.product is not None and a.product is not None and b.product != a.product
    return not new_target and not new_product


# ------------------------------------------------------------------------------------------ evaluation


@dataclass(frozen=True)
class EvalReport:
    """Accuracy on held-out utterances, overall and per intent (recall), with every error."""

    accuracy: float
    total: int
    per_intent: dict[str, float]
    errors: list[tuple[str, str, str]]  # (text, expected, predicted)

    def lines(self) -> list[str]:
        correct = round(self.accuracy * self.total)
        out = [f"held-out accuracy {self.accuracy:.1%} ({correct}/{self.total})"]
        out += [f"  {intent:<18} {share:.1%}" for intent, share in self.per_intent.items()]
        out += [
            f"  error: {text!r}: expected {expected}, got {predicted}"
            for text, expected, predicted in self.errors
        ]
        return out


def evaluate(nlu: NLU, heldout: Path | None = None) -> EvalReport:
    """Classify every held-out utterance and compare with its label."""
    examples = load_examples(heldout or HELDOUT)
    errors: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    right: dict[str, int] = {}
    for text, expected in examples:
        predicted = nlu.understand(text).intent
        seen[expected] = seen.get(expected, 0) + 1
        if predicted == expected:
            right[expected] = right.get(expected, 0) + 1
        else:
            errors.append((text, expected, predicted))
    per_intent = {intent: right.get(intent, 0) / seen[intent] for intent in INTENTS if intent in seen}
    total = len(examples)
    accuracy = (total - len(errors)) / total if total else 0.0
    return EvalReport(accuracy=accuracy, total=total, per_intent=per_intent, errors=errors)
