"""The kinds of fact a reply can assert beyond money, dates and codes, and what backs each in the tool
results: order and shipment statuses, all-digit order and tracking numbers, percentages, URLs, phone
numbers, emails, street addresses, quantities and stock. ``grounding.check_reply`` uses these.

Each ``*_claims(reply, evidence)`` returns the pieces of ``reply`` that ``evidence`` does not back.
Identifiers the shopper typed (an order number, an email, a phone number, an address) may be echoed
back: repeating the shopper's own words invents nothing.

Merchant free text in a tool result (``FREE_TEXT_KEYS``: a product's description and custom fields,
a page's body) is no evidence for money amounts, phone numbers, emails or URLs: a custom field saying
"a $250.00 refund: call +1 555 0199" must not make a reply repeating it look grounded. Those facts come
only from structured fields (prices, order fields, the store's published contact details).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

NOT_SHIPPED_IDS: Final = frozenset({0, 1, 7, 8, 9, 11, 12})  # BigCommerce status ids before shipping
SHIPPED_NAMES: Final = frozenset({"shipped", "partially shipped", "completed"})
NOT_SHIPPED_NAMES: Final = frozenset(
    {
        "pending",
        "awaiting payment",
        "awaiting fulfillment",
        "awaiting shipment",
        "awaiting pickup",
        "manual verification required",
        "incomplete",
    }
)
# Status words a reply may claim for an order, each needing that status (or the phrase) in the evidence.
STATUS_WORDS: Final = (
    "partially shipped|partially refunded|awaiting payment|awaiting fulfillment|awaiting fulfilment|"
    "awaiting shipment|awaiting pickup|manual verification required|verification required|pending|"
    "cancelled|canceled|refunded|declined|completed|disputed|incomplete|delivered|out for delivery|"
    "processing|on hold|returned|lost"
)
SHIPPING_WORDS: Final = "shipped|dispatched|sent out|on its way|in transit"
CARRIER_HOSTS: Final = frozenset(
    {
        "ups.com",
        "fedex.com",
        "usps.com",
        "tools.usps.com",
        "dhl.com",
        "dhl.de",
        "royalmail.com",
        "parcelforce.com",
        "canadapost.ca",
        "canadapost-postescanada.ca",
        "auspost.com.au",
        "dpd.com",
        "dpd.co.uk",
        "gls-group.eu",
        "ontrac.com",
        "purolator.com",
        "evri.com",
        "yodel.co.uk",
    }
)

_SUBJECT = (
    r"(?:\border(?:\s+(?:#\s?|number\s+|no\.?\s*)?\d+)?|#\d+|\bit|\byour\s+(?:order|package|parcel|shipment|items?)"
    r"|\b(?:the\s+)?(?:package|parcel|shipment))"
)
_VERB = (
    r"(?:\s+(?:is|was|has|had|have|got|will\s+be|isn't|wasn't|hasn't|haven't|has\s+not|have\s+not|is\s+not|"
    r"was\s+not|'s|'s\s+been|has\s+been|have\s+been|had\s+been|is\s+being|was\s+being))?"
)
_ADVERBS = r"(?:\s+(?:already|now|still|not|yet|been|just|currently|being|also|then|successfully))*"
STATUS_CLAIM: Final = re.compile(
    _SUBJECT + _VERB + _ADVERBS + r"\s+(" + STATUS_WORDS + r"|" + SHIPPING_WORDS + r")\b", re.IGNORECASE
)
NOT_YET: Final = re.compile(r"\bnot\b|n't\b|\byet\s+to\b", re.IGNORECASE)
PERCENT: Final = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s?(?:%|per\s?cent\b)", re.IGNORECASE)
URL: Final = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
EMAIL: Final = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE: Final = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,3}(?![\w])"
)
STREET_SUFFIX: Final = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Parkway|"
    "Pkwy|Highway|Hwy|Square|Sq|Close|Crescent"
)
ADDRESS: Final = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){{1,4}}(?:{STREET_SUFFIX})\b|\bP\.?\s?O\.?\s+Box\s+\d+",
)
ORDER_REF: Final = re.compile(r"(?:#\s?|\border\s+(?:number\s+|no\.?\s*)?)(\d{1,10})\b", re.IGNORECASE)
LONG_NUMBER: Final = re.compile(r"(?<![\w.,])\d{4,}(?![\w])")
STOCK_CLAIM: Final = re.compile(
    r"\b(back in stock|restock\w*|in stock|out of stock|sold out|unavailable|not available)\b", re.IGNORECASE
)
STOCK_COUNT: Final = re.compile(
    r"\b(\d+)\s+(?:left|remaining|in stock|available|units?|pieces?|pairs?|items?)\b"
    r"|\bonly\s+(\d+)\b|\b(\d+)\s*x\s+\w",
    re.IGNORECASE,
)


@dataclass
class Evidence:
    """What this conversation's tool results say, for the checks; ``said``: the shopper's own words."""

    text: str
    said: str = ""
    hosts: frozenset[str] = frozenset()
    raw: str = ""  # ``text`` before lower-casing
    structured_raw: str = ""  # ``raw`` without merchant free text: what backs money, phones, emails, URLs
    statuses: set[str] = field(default_factory=set)
    status_ids: set[int] = field(default_factory=set)
    shipments: bool = False

    @classmethod
    def of(cls, text: str, said: str = "", hosts: Iterable[str] = ()) -> Evidence:
        hosts = frozenset(h.lower().removeprefix("www.") for h in hosts)
        evidence = cls(text.lower(), said.lower(), hosts, raw=text, structured_raw=structured_text(text))
        for value in _json_values(text):
            evidence._read(value)
        for match in re.finditer(r'"(?:custom_|certificate_)?status"\s*:\s*"([^"]+)"', text):
            evidence.statuses.add(match.group(1).lower())
        for match in re.finditer(r'"status_id"\s*:\s*(\d+)', text):
            evidence.status_ids.add(int(match.group(1)))
        evidence.shipments = evidence.shipments or bool(re.search(r'"shipments"\s*:\s*\[\s*\{', text))
        return evidence

    def _read(self, value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("shipments"), list) and value["shipments"]:
                self.shipments = True
            for item in value.values():
                self._read(item)
        elif isinstance(value, list):
            for item in value:
                self._read(item)

    @property
    def shipped(self) -> bool:
        return (
            self.shipments
            or bool(self.statuses & SHIPPED_NAMES)
            or bool(re.search(r"has (?:already )?shipped", self.text))
        )

    @property
    def not_shipped(self) -> bool:
        return (
            bool(self.status_ids & NOT_SHIPPED_IDS)
            or bool(self.statuses & NOT_SHIPPED_NAMES)
            or "hasn't shipped" in self.text
            or "not shipped" in self.text
        )

    def has(self, piece: str) -> bool:
        return piece.lower() in self.text

    def echoes(self, piece: str) -> bool:
        """In the tool results or in what the shopper typed."""
        return piece.lower() in self.text or piece.lower() in self.said

    def has_number(self, number: str, *, said_too: bool = False) -> bool:
        pattern = rf"(?<![\d.,]){re.escape(number)}(?![\d])"
        return bool(re.search(pattern, self.text) or (said_too and re.search(pattern, self.said)))

    def digits(self, *, said_too: bool = True, structured: bool = False) -> str:
        where = (self.structured if structured else self.text) + (" " + self.said if said_too else "")
        return re.sub(r"\D", "", where)

    @property
    def structured(self) -> str:
        return self.structured_raw.lower()

    def has_structured(self, piece: str) -> bool:
        return piece.lower() in self.structured

    def echoes_structured(self, piece: str) -> bool:
        return piece.lower() in self.structured or piece.lower() in self.said


FREE_TEXT_KEYS: Final = frozenset({"description", "custom_fields", "body", "excerpt", "snippet"})


def without_free_text(value: Any) -> Any:
    """A tool result without its merchant free text (``FREE_TEXT_KEYS``)."""
    if isinstance(value, dict):
        return {k: without_free_text(v) for k, v in value.items() if k not in FREE_TEXT_KEYS}
    if isinstance(value, list):
        return [without_free_text(v) for v in value]
    return value


def structured_text(text: str) -> str:
    """The tool results of ``text`` (one JSON result a line) without their merchant free text."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("{", "[")):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                lines.append(line)
                continue
            lines.append(json.dumps(without_free_text(value), ensure_ascii=False))
        else:
            lines.append(line)
    return "\n".join(lines)


def _json_values(text: str) -> Iterator[Any]:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("{", "[")):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def status_claims(reply: str, evidence: Evidence) -> list[str]:
    missing = []
    for match in STATUS_CLAIM.finditer(reply):
        claim, word = match.group(0), match.group(1).lower()
        negated = bool(NOT_YET.search(claim))
        if evidence.has(claim.lower()):
            continue  # the tool said it in these words
        if re.fullmatch(SHIPPING_WORDS, word):
            backed = evidence.not_shipped if negated else evidence.shipped
        elif negated:
            continue  # "isn't cancelled": no claim about what it is
        else:
            word = {"canceled": "cancelled", "awaiting fulfilment": "awaiting fulfillment"}.get(word, word)
            backed = any(word in status for status in evidence.statuses)
            backed = backed or (word == "cancelled" and '"cancelled":true' in evidence.text.replace(" ", ""))
        if not backed:
            missing.append(claim.strip())
    return missing


def _percents(text: str) -> set[float]:
    return {float(m.group(1).replace(",", ".")) for m in PERCENT.finditer(text)}


def percent_claims(reply: str, evidence: Evidence) -> list[str]:
    known = _percents(evidence.text)
    return [m.group(0) for m in PERCENT.finditer(reply) if float(m.group(1).replace(",", ".")) not in known]


def url_claims(reply: str, evidence: Evidence) -> list[str]:
    missing = []
    for match in URL.finditer(reply):
        url = match.group(0).rstrip(".,;:!?")
        if evidence.has_structured(url):
            continue
        host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
        host = host.removeprefix("www.")
        allowed = host in evidence.hosts or any(host == c or host.endswith("." + c) for c in CARRIER_HOSTS)
        identifiers = LONG_NUMBER.findall(url)
        if not allowed or not all(evidence.has(i) for i in identifiers):
            missing.append(url)
    return missing


def email_claims(reply: str, evidence: Evidence) -> list[str]:
    """Emails: only ones from the tool results or the shopper."""
    return [m.group(0) for m in EMAIL.finditer(reply) if not evidence.echoes_structured(m.group(0))]


def phone_claims(reply: str, evidence: Evidence) -> list[str]:
    """Phone numbers (seven digits or more, with separators): only ones from the tool results or the shopper."""
    digits = evidence.digits(structured=True)
    missing = []
    for match in PHONE.finditer(reply):
        number = re.sub(r"\D", "", match.group(0))
        if len(number) >= 7 and number not in digits:
            missing.append(match.group(0).strip())
    return missing


def address_claims(reply: str, evidence: Evidence) -> list[str]:
    return [m.group(0) for m in ADDRESS.finditer(reply) if not evidence.echoes(m.group(0))]


def number_claims(reply: str, evidence: Evidence) -> list[str]:
    """Order numbers (``#123``, ``order 123``) and any other number of four or more digits (tracking
    numbers); ``reply`` has money, dates, URLs, emails, phone numbers and codes blanked out."""
    missing = [
        m.group(0) for m in ORDER_REF.finditer(reply) if not evidence.has_number(m.group(1), said_too=True)
    ]
    for match in LONG_NUMBER.finditer(reply):
        if not evidence.has_number(match.group(0), said_too=True):
            missing.append(match.group(0))
    return missing


def _counted(number: str, text: str) -> bool:
    """The tool results state this count: a quantity, or a number next to a stock word."""
    n = re.escape(number)
    return bool(
        re.search(rf'"(?:quantity|inventory_level|stock_level|shipped)"\s*:\s*"?{n}\b', text)
        or re.search(
            rf"(?<![\d.,]){n}\s*(?:x\s|left|remaining|in stock|available|units?|pieces?|pairs?|items?)", text
        )
        or re.search(rf"\bonly\s+{n}\b", text)
    )


def stock_claims(reply: str, evidence: Evidence) -> list[str]:
    """Stock states ("in stock", "sold out") and counts ("only 3 left", "2 x Gloves")."""
    missing = []
    for match in STOCK_CLAIM.finditer(reply):
        claim = match.group(1).lower()
        if claim == "in stock":
            backed = bool(re.search(r"(?<!out of )in stock", evidence.text))
        elif claim in ("out of stock", "sold out", "unavailable", "not available"):
            backed = any(
                w in evidence.text for w in ("out of stock", "sold out", "not available", "unavailable")
            )
        else:
            backed = evidence.has(claim)
        if not backed:
            missing.append(match.group(0))
    for match in STOCK_COUNT.finditer(reply):
        number = next(g for g in match.groups() if g)
        if not _counted(number, evidence.text):
            missing.append(match.group(0).strip())
    return missing
