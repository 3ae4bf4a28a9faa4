"""Questions about the store rather than a product or an order: the rules that recognise them.

Six intents, each with labelled examples in ``data/utterances.yaml`` too (the vote learns them), but
decided here by rule when the words leave no doubt, because the most common shopper questions must not
depend on a nearest neighbour:

- ``address_change``: change / fix / update the (delivery, shipping) address; "I moved" with an order;
- ``refund_status``: a refund of a given order ("was order 12370 refunded?");
- ``payment_methods``: PayPal, Apple Pay, Amex, Klarna, instalments, "how can I pay";
- ``contact_info``: phone, email address, opening hours, where the store is;
- ``shipping_info``: where and how the store ships, what it costs, how long it takes (not "has my order
  shipped", which is the order's status);
- ``store_policy``: returns, refunds in general, exchanges, damaged items, the FAQ (a product's warranty
  stays a product question: its custom fields often say it).
"""

from __future__ import annotations

import re

from .entities import Entities

KNOWLEDGE_INTENTS: tuple[str, ...] = (
    "shipping_info",
    "payment_methods",
    "store_policy",
    "contact_info",
    "address_change",
    "refund_status",
)

_I = re.IGNORECASE
_ADDRESS = re.compile(
    r"\b(?:change|changing|update|updating|fix|correct|edit|wrong|new|different|switch)\b.{0,40}"
    r"\b(?:address|addy)\b|\baddress\b.{0,30}\b(?:wrong|incorrect|change|changed|update|outdated)\b|"
    r"\b(?:moved|moving)\b.{0,30}\b(?:house|home|apartment|flat|address)\b|\bship (?:it )?to (?:a )?different\b|"
    r"\b(?:ship|send|deliver) (?:it|them|my order) to (?:my|a|another|the) (?:\w+ )?address\b|"
    r"\b(?:ship|send|deliver) (?:it|them|(?:my )?order(?: #?\d+)?) to \d+[A-Za-z]? [A-Za-z][^,]{2,40},.{0,60}\binstead\b",
    _I,
)
_REFUND = re.compile(r"\brefund\w*|\bmoney back\b|\breimburs\w*|\bcredited\b", _I)
_PAYMENT = re.compile(
    r"\bpay\s?pal\b|\bapple\s?pay\b|\bgoogle\s?pay\b|\bamex\b|\bamerican express\b|\bvisa\b|\bmastercard\b|"
    r"\bdiscover card\b|\bklarna\b|\bafter\s?pay\b|\baffirm\b|\binstal+ments?\b|\bpay later\b|"
    r"\bsplit (?:the |my )?payments?\b|\bpay in (?:\d|four|full|parts)\b|\bpayment (?:methods?|options?|plans?)\b|"
    r"\b(?:how|what) (?:can|do) (?:i|you) pay\b|\bpay (?:with|by|using)\b|\bcredit cards?\b|\bdebit cards?\b|"
    r"\bcash on delivery\b|\baccept\b.{0,20}\b(?:cards?|payments?)\b",
    _I,
)
_CONTACT = re.compile(
    r"\b(?:tele)?phone\s?(?:number|#|no\b|line)|\b(?:your|ur|by) (?:tele)?phone\b|"
    r"\bcall (?:you|u|someone|the store|your)\b|\bcontact\b|\bemail address\b|"
    r"\byour email\b|\bur email\b|\b(?:opening|business|office|store) hours\b|\bwhat hours\b|\bwhen are you open\b|"
    r"\bcustomer (?:service|support|care)\b|\bwhere (?:are|r) (?:you|u)\b|\b(?:you|u)(?: guys)? (?:based|located)\b|"
    r"\bhow (?:do|can) i (?:reach|get in touch)\b|\bmailing address\b|\byour address\b|\bstore address\b|"
    r"\bwhere(?:'s| is) (?:your|ur) (?:shop|store|office|warehouse)\b",
    _I,
)
_SHIPPING = re.compile(
    r"\b(?:ship|ships|shipping|shiping|shippin|deliver|delivery|deliveries|postage|express|courier)\b|"
    r"\bhow long (?:does|will|do) (?:it|shipping|delivery|things) take\b",
    _I,
)
_ORDER_TALK = re.compile(
    r"\bmy (?:order|package|parcel|delivery|shipment|stuff|purchase)\b|\bhas (?:it|my|the)\b.{0,20}\bshipped\b|"
    r"\btrack\w*\b|\bwhere(?:'s| is)\b|\bwhen will (?:it|my|this|the order)\b|\barrive[sd]?\b|\bcancel\w*\b",
    _I,
)
_WANTS_A_PERSON = re.compile(
    r"\b(?:speak|talk|connect|transfer|put me|human|real person|someone|agent|representative|contact me|"
    r"for me)\b",
    _I,
)
_OTHER_PEOPLE = re.compile(
    r"\bcustomer'?s'?\b(?! service| support| care)|\bevery\b|\ball (?:the )?customers\b", _I
)
_CARD_CHANGE = re.compile(
    r"\b(?:update|change|edit|remove|delete)\b.{0,20}\b(?:card|payment) (?:details|info)", _I
)
_OFFER_TALK = re.compile(
    r"\b(?:coupon|code|promo\w*|discount\w*|deals?|offers?|sales?|right now|currently|at the moment|on anything)\b",
    _I,
)
_POLICY = re.compile(
    r"\breturn\w*\b|\bretrun\w*|\bretun\w*|\bsend (?:\w+ )?back\b|\bexchang\w*|\bexcahng\w*|\bswap\b|"
    r"\bpolicy\b|\bpolicies\b|\bpolcy\b|\bpolicey\b|\bfaq\b|\bdamaged\b|\bripped\b|\bbroken\b|\bdefective\b|\bnon[- ]returnable\b",
    _I,
)
ADDRESS_GIVEN = re.compile(
    r"(?P<street_1>\d+[A-Za-z]?\s+[A-Za-z0-9 .'#-]+?)\s*,\s*"
    r"(?:(?P<street_2>(?:apt|apartment|suite|unit|#)\.?\s*[\w-]+)\s*,\s*)?"
    r"(?P<city>[A-Za-z .'-]+?)(?:\s*,\s*(?P<state>[A-Za-z .]+?)\s*,?|\s+(?P<state_code>(?-i:[A-Z]{2}))\s*,?)\s+"
    r"(?P<zip>\d{5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)\b"
    r"(?:\s*,\s*(?P<country>[A-Za-z .]+))?",
    _I,
)
"""A postal address as shoppers type it: "12 Oak Street, Apt 4, Dallas, TX 75201[, United States]", or with
the state's two-letter code after the city without a comma ("77 Pine Ave, Durham NC 27701")."""


def knowledge_intent(text: str, entities: Entities) -> str | None:
    """The store-knowledge intent ``text`` clearly asks, else None (left to the vote and the other rules);
    ``provide_info`` for a message that gives a postal address (the answer to "what is the new address?")."""
    if ADDRESS_GIVEN.search(text) and not _ADDRESS.search(text) and len(text) < 200:
        return "provide_info"
    if _ADDRESS.search(text) and (entities.order_ids or re.search(r"\border\b|\bdeliver|\bship", text, _I)):
        return "address_change"
    if _REFUND.search(text) and entities.order_ids:
        return "refund_status"
    if _PAYMENT.search(text) and not _CARD_CHANGE.search(text):
        return "payment_methods"
    if _CONTACT.search(text) and not entities.order_ids:
        if _WANTS_A_PERSON.search(text) or _OTHER_PEOPLE.search(text):
            return None  # "connect me to customer service" is a handoff; other shoppers' details, refused
        return "contact_info"
    if entities.order_ids or entities.codes:
        return None  # about that order or code
    if _OFFER_TALK.search(text):
        if re.search(r"\bfree\s+ship", text, _I) and not re.search(r"\b(?:coupon|code)s?\b", text, _I):
            return "promotions"  # "any free shipping deals right now?": the promotions running
        return None  # "does the coupon apply to shipping?": the code's tool
    if re.search(r"\b(?:return(?!ing customer)|retrun|retun)\w*\b|\bexchang\w*|\bswap\b", text, _I):
        return "store_policy"  # "do I pay for return shipping?" is about returns
    if _SHIPPING.search(text) and not _ORDER_TALK.search(text):
        return "shipping_info"
    if _REFUND.search(text) or (
        _POLICY.search(text) and not re.search(r"\breturning customers?\b", text, _I)
    ):
        if re.search(r"\bmy order\b|\bi ordered\b", text, _I) and not _POLICY.search(text):
            return None
        return "store_policy"
    return None
