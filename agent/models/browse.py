"""Browsing and comparing, read from a message: "do you sell kettlebells", "gloves for a beginner",
"X vs Y", "difference between X and Y", "X or Y, which is better".

The NLU's intents were learnt from questions about one named product; these cues say that a message
asks about products even when the vote says otherwise, so it gets a shortlist or a side-by-side answer
rather than "not something I can help with".
"""

from __future__ import annotations

import re

from .entities import Entities, extract_entities
from .intents import Understanding

_BROWSING = re.compile(
    r"\b(?:do|does)\s+(?:you|ya|y'all)(?:\s+guys)?\s+(?:sell|have|carry|stock|do|got)\b|"
    r"\b(?:looking|searching|shopping)\s+for\b|\bneed\s+(?:a|an|some|new)\b|\brecommend\w*|\bsuggest\w*|"
    r"\bideas?\b|\bshow\s+me\b|\bwhat\s+\w+\s+do\s+you\s+(?:have|sell|carry)\b|\bbest\b|\bcheapest\b|"
    r"\bwhich\s+(?:is|one\s+is|would\s+be)\s+better\b|\bgot\s+any\b|^\s*any\s+\w+|\bvs\.?\b|\bversus\b|"
    r"\bdifference\s+between\b|\bcompare\b|\bstuck\s+between\b",
    re.IGNORECASE,
)
_SERVICE = re.compile(
    r"\b(?:manager|refunds?|returns?|exchanges?|shipping|delivery|deliver\w*|complain\w*|person|human|"
    r"someone|agent|staff|charged|charge|payment|pay|invoice|account|password|address|parcel|package|"
    r"courier|damaged|broken|ripped|missing|late|warranty|orders?|updates?|tracking|status|bot|chatbot|"
    r"robot|ai|real)\b",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\b(?:difference\s+between|stuck\s+between|between|compare|comparing)\s+(?P<a>.+?)\s+"
    r"(?:and|&|vs\.?|versus|or|with|to)\s+(?P<b>.+)",
    re.IGNORECASE,
)
_VERSUS = re.compile(r"(?P<a>.+?)\s+(?:vs\.?|versus|or)\s+(?P<b>.+)", re.IGNORECASE)
_SIDE_END = re.compile(r"[?,;!]|\s+-\s+|\s+(?:which|what|whats|what's|is|are|for|in|how)\s", re.IGNORECASE)


def asks_about_products(text: str, entities: Entities) -> bool:
    """A browsing or comparing question naming something the store may sell, and nothing else
    (no order, email or code, no service word such as "refund" or "manager")."""
    if entities.order_ids or entities.emails or entities.codes or not entities.product:
        return False
    browsing = bool(_BROWSING.search(text)) or _bare_plural(text)
    return browsing and not _SERVICE.search(text)


_BARE_PLURAL = re.compile(r"^\s*(?:any\s+)?([a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}s)\s*\?+\s*$", re.IGNORECASE)
_NOT_WARES = frozenset(
    [
        "thanks",
        "yes",
        "hours",
        "details",
        "options",
        "news",
        "sales",
        "deals",
        "codes",
        "coupons",
        "promos",
        "discounts",
    ]
)


def _bare_plural(text: str) -> bool:
    """A bare plural asked as a question ("cameras?", "yoga mats??"): what the store has of them."""
    match = _BARE_PLURAL.match(text)
    return match is not None and match.group(1).split()[-1].lower() not in _NOT_WARES


def _side(text: str) -> str:
    end = _SIDE_END.search(f"{text} ")
    return (text[: end.start()] if end else text).strip()


def compared(text: str) -> tuple[str, str] | None:
    """The two product references a comparison names ("X vs Y", "between X and Y", "X or Y"), each as
    the NLU reads a product; None when the two sides are not both products (the 14oz and the 16oz
    gloves compare variants of one product)."""
    match = _BETWEEN.search(text) or _VERSUS.search(text)
    if match is None:
        return None
    a, b = match.group("a"), _side(match.group("b"))
    if _BETWEEN.search(text) is None:
        a = re.split(r"[.?!,;:]\s*", a)[-1]  # "ok. X or Y": only the sentence that compares
    first, second = extract_entities(a).product, extract_entities(b).product
    if not first or not second or first == second:
        return None
    return first, second


_GIFT_CARD = re.compile(
    r"\bgift[\s-]?(?:cards?|cert\w*|vouchers?|codes?|balance)\b|\bgiftcards?\b|\be-?gift\b", re.IGNORECASE
)
NOT_A_TASK = frozenset({"out_of_scope", "promotions", "gift_card_balance", "provide_info"})


def about_products(text: str, intent: str, entities: Entities) -> bool:
    """Whether a message the vote gave to ``intent`` really browses or compares products: "do you guys
    sell treadmills" (out of scope by its words), "gift ideas under $50" (no gift card in it)."""
    if intent not in NOT_A_TASK:
        return False
    if intent == "gift_card_balance":  # "a gift for my sister": no card, no code
        return not (entities.codes or entities.order_ids or _GIFT_CARD.search(text)) and bool(
            entities.product
        )
    if intent == "promotions" and re.search(
        r"\b(?:sales?|deals?|promo\w*|discount\w*|offers?|coupons?|codes?)\b", text, re.I
    ):
        return False
    if entities.order_ids or entities.emails or _SERVICE.search(text):
        return False  # "r u a bot or a real person", "any updates on my orders?"
    return asks_about_products(text, entities) or compared(text) is not None


_ORDER_TALK = re.compile(
    r"\b(?:orders?|track\w*|ship\w*|deliver\w*|refund\w*|return\w*|cancel\w*|parcel)\b", re.I
)
_POINTER = re.compile(r"\b(?:this|these|those|it|them|they)\b", re.IGNORECASE)
PRODUCT_TASKS = frozenset({"product_info", "discount_code", "gift_card_balance", "order_cancel"})


def on_the_page(text: str, understanding: Understanding) -> bool:
    """A question about "this" / "these" / "it" that names nothing else, on a product page, is about the
    page's product whatever the vote said ("what scents does this come in")."""
    entities = understanding.entities
    if understanding.intent in PRODUCT_TASKS or understanding.intent in ("greeting", "thanks", "goodbye"):
        return False
    if entities.order_ids or entities.emails or entities.codes or _ORDER_TALK.search(text):
        return False
    return entities.refers_to_page or bool(_POINTER.search(text))


_PRICE_CAP = re.compile(
    r"\b(?:under|below|less than|cheaper than|no more than|not more than|up to|max(?:imum)?|at most|"
    r"within|budget(?:\s+(?:is|of|around|about|like|roughly|max))*)\s*(?:of\s+|around\s+|about\s+|like\s+)?"
    r"(?:[$£€]\s?(\d{1,6}(?:\.\d{1,2})?)|(\d{1,6}(?:\.\d{1,2})?)\s*(?:dollars|bucks|usd|\$)(?!\w))",
    re.IGNORECASE,
)


def price_cap(text: str) -> float | None:
    """The most the shopper wants to pay, when they say so ("gift ideas under $50", "budget is like
    $50", "below 30 bucks"), else None."""
    match = _PRICE_CAP.search(text)
    if match is None:
        return None
    return float(match.group(1) or match.group(2))


def without_price_cap(text: str) -> str:
    """``text`` without its budget phrase: what the shopper is looking for."""
    return re.sub(r"\s{2,}", " ", _PRICE_CAP.sub(" ", text)).strip(" ,.?!")


_OPEN_ENDED = re.compile(
    r"\b(?:gifts?|presents?|something|anything|stuff|ideas?|options|recommend\w*|suggest\w*|what (?:do|can) you)\b",
    re.IGNORECASE,
)


def browsing(text: str) -> bool:
    """Whether a message looks for products rather than naming one ("gift for my sister under $50",
    "any headphones below 30 bucks", "what do you have under $20")."""
    return bool(_BROWSING.search(text) or _OPEN_ENDED.search(text))
