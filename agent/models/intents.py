"""The offline NLU: what a shopper's message asks (intent), with no LLM; what it names is in ``entities``.

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

``NLU.split_requests`` cuts a message at sentence ends and joining words ("..., and is SAVE20 valid?"),
classifies each part, and keeps the parts apart only when they are different requests: a greeting, a
detail ("It's 12345.") or a follow-up on the same thing stays with the request it belongs to.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from .entities import (
    _AFFIRM_ONLY,
    _DENY_ONLY,
    _EMAIL,
    _FILLER,
    _NO_LEAD,
    _ORDER_BARE,
    _ORDER_HASH,
    _ORDER_KEYED,
    _URL,
    _WORD,
    MAX_CHARS,
    Entities,
    _blank,
    _words,
    extract_entities,
)
from .knowledge_intents import KNOWLEDGE_INTENTS, knowledge_intent

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
    *KNOWLEDGE_INTENTS,
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
    "shipping_info": "product_expert",  # the store's facts: the product expert answers them
    "payment_methods": "product_expert",
    "store_policy": "product_expert",
    "contact_info": "product_expert",
    "address_change": "order_management",  # an order's: verified like a cancellation
    "refund_status": "order_management",
}

K = 7  # neighbours that vote
POWER = 4.0  # vote weight = similarity ** POWER: the nearest examples count most
NEAR, FAR = 0.62, 0.30  # nearest-example similarity at which confidence is not scaled down / is zero
MIN_CONFIDENCE = 0.1  # a vote below this is out of scope
MAX_SPLIT_CHARS = 600  # longer messages are one request (splitting them would embed many parts)
MAX_PARTS = 4


@dataclass(frozen=True)
class Understanding:
    """The NLU's reading of one message; ``scores`` holds every intent's share of the vote."""

    text: str
    intent: str
    confidence: float
    entities: Entities
    scores: dict[str, float] = field(default_factory=dict)


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
            r"\b(?:mark|set|change|make|update)\s+(?:my\s+|the\s+|this\s+)?order\s*(?:no\.?\s*|number\s*)?(?:#?\s*\d+\s*)?"
            r"(?:as\s+|to\s+|status\s+to\s+)?(?:refunded|paid|shipped|delivered|free)",
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


_WHAT_ABOUT = re.compile(
    r"^\W*(?:(?:and|ok|okay|so)\W+)?(?:what|how)\s+about\b|^\W*(?:try|use)\b", re.IGNORECASE
)


def _only_entities(text: str, entities: Entities) -> bool:
    """True when the message gives an order number, email or code and says nothing else."""
    if not (entities.order_ids or entities.emails or entities.codes):
        return False
    rest = _blank(text, [m.span() for m in _EMAIL.finditer(text)])
    rest = _WHAT_ABOUT.sub(" ", rest)  # "what about jane@example.com?" only gives a detail
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
        knowledge = knowledge_intent(analysed, entities) if intent in (None, "out_of_scope") else None
        intent = knowledge or intent  # "whats ur retrun polcy" is no other language
        if intent is not None:
            scores = {name: float(name == intent) for name in INTENTS}
            return Understanding(text, intent, 1.0, entities, scores)
        scores, nearest = self._vote(analysed)
        intent, confidence = _decide(analysed, entities, scores, nearest)
        if _about_a_product(analysed, entities, intent):
            intent, confidence = "product_info", max(confidence, CONFIDENT_PRODUCT)
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
            if requests and (
                _same_request(requests[-1][1], understanding)
                or _about_the_last(requests[-1][1], understanding)
            ):
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
    naming a code asks about that code rather than what promotions run or how the store ships, and a message that asks
    something is not a bare detail even when it looks like one ("where is order 12345, jane@x.com")."""
    votes = dict(scores)
    if entities.codes:  # "can I use SHIP5", "what does SHIPFREE do": the code's terms, not the store's
        votes["discount_code"] += votes.pop("promotions") + votes.pop("shipping_info", 0.0)
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


CONFIDENT_PRODUCT = 0.5
_PRODUCT_CUE = re.compile(
    r"\b(?:in\s+stock|stock|available|availab\w*|how\s+much|price|cost\w*|come\s+in|comes\s+in|do\s+you\s+have|left|"
    r"sold\s+out|have\s+(?:it|them|the))\b",
    re.IGNORECASE,
)
_PROMO_CUE = re.compile(
    r"\b(?:sales?|deals?|promo\w*|discount\w*|offers?|coupons?|codes?|vouchers?)\b", re.IGNORECASE
)


def _about_a_product(text: str, entities: Entities, intent: str) -> bool:
    """A message naming a product with option values asks about that product whatever the vote said
    ("Webcam in 1080p Clip - available?"), as does a price or stock question the vote took for one about
    offers; not when it names an order, an email, a code or an offer."""
    if intent in ("product_info", "order_cancel", "prompt_attack") or not entities.product:
        return False
    if entities.order_ids or entities.emails or entities.codes or _PROMO_CUE.search(text):
        return False
    if entities.product.startswith("product "):
        return True  # "tell me about product 42"
    if intent == "promotions" and _PRODUCT_CUE.search(text):
        return True  # "how much is the monitor?" is no question about offers
    return intent in ("out_of_scope", "promotions", "order_status", "order_list", "provide_info") and bool(
        entities.options
    )


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


_IT = re.compile(r"\b(?:it|that)\b", re.IGNORECASE)
_THIS = re.compile(r"\b(?:this|these|those)\b", re.IGNORECASE)


def _about_the_last(first: Understanding, second: Understanding) -> bool:
    """A part that names nothing and says "it" after an order request asks about that order ("what did I
    buy in order 12345 and how much was it?")."""
    entities = second.entities
    return (
        ROUTE_OF_INTENT[first.intent] == "order_management"
        and second.intent == "product_info"
        and entities.product is None
        and not entities.codes
        and bool(_IT.search(second.text))
        and not _THIS.search(second.text)
    )


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
