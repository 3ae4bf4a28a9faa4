"""When the assistant offers a person without being asked, and how the offer is worded.

``offer_reason`` reads one turn: the shopper's words (frustration, a complaint, a damaged or wrong item,
a payment problem, fraud or legal words, the same question again), the turn's tool results (a lookup
lockout) and how many turns in a row the assistant could not help. The offer is a question with quick
replies; the shopper's "yes" to it (``accepts_offer``) makes the handoff. Both brains get the same offer:
the router graph's ``offer`` node adds it after the reply, whatever model wrote the reply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

OFFER_QUESTION = "Would you like me to pass this to our team?"
OFFER_REPLIES = ("Yes, pass it to the team", "No thanks")
ACCEPT = "Yes, pass it to the team"

FRUSTRATION = re.compile(
    r"\b(?:useless|ridiculous|pointless|hopeless|terrible|awful|horrible|worst|waste of (?:my )?time|"
    r"not helpful|unhelpful|doesn'?t help|you(?:'re| are) not helping|fed up|sick of|so annoying|"
    r"frustrat\w*|angry|furious|unacceptable|stupid bot|dumb bot|wtf|for god'?s sake|"
    r"(?:still|again) (?:no|not|nothing)|already (?:told|asked|said)|nonsense|rubbish|garbage|"
    r"(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth) time (?:asking|i'?m asking|i(?:'ve)? asked|i ask)|"
    r"keeps? (?:giving|telling|saying|sending) me|(?:is|it'?s) a (?:total |complete )?mess)\b|[\U0001F620\U0001F621\U0001F92C]",
    re.IGNORECASE,
)
COMPLAINT = re.compile(
    r"\b(?:complain\w*|complaint|disappointed|not happy|unhappy|poor service|bad service|"
    r"never (?:arrived|came|received)|didn'?t (?:arrive|receive|get)|haven'?t (?:received|got)|"
    r"not (?:arrived|received))\b",
    re.IGNORECASE,
)
DAMAGED = re.compile(
    r"\b(?:damaged|broken|broke|cracked|torn|ripped|defective|faulty|dented|smashed|leak(?:ed|ing)|"
    r"doesn'?t work|stopped working|not working|wrong (?:item|size|colou?r|product|order|thing)|"
    r"(?:sent|received|got|shipped) (?:me )?(?:the )?wrong|missing (?:item|part|piece)s?|"
    r"(?:item|part|piece)s? (?:is |are |was |were )?missing|(?:a |huge |big )?(?:rip|tear|hole) (?:in|down|on)|"
    r"fell apart|falling apart|came apart|coming apart|ordered\b.{0,40}\b(?:got|received|sent me)\b|"
    r"instead of (?:the |my )?(?:one|item|size|colou?r)|delivered but|nothing (?:at|on) my (?:door|porch)|"
    r"(?:package|parcel|order) (?:is |was |has been )?(?:missing|lost|stolen)|lost (?:package|parcel))\b",
    re.IGNORECASE,
)
PAYMENT = re.compile(
    r"\b(?:charged (?:twice|double|two times|2x|2 times|me twice|again)|double[- ]charged?|overcharged|"
    r"payment (?:failed|declined|problem|issue|error|didn'?t go through)|card (?:was )?(?:declined|charged)|"
    r"refund (?:not|never|hasn'?t|still)|(?:where is|still waiting (?:for|on)) my refund|"
    r"(?:wasn'?t|not) refunded|billing (?:problem|issue|error)|charged more than once|"
    r"(?:two|2|duplicate|double|multiple) (?:charges|payments|transactions)|charges? (?:\w+ ){0,6}twice)\b",
    re.IGNORECASE,
)
SERIOUS = re.compile(
    r"\b(?:fraud\w*|scam\w*|stolen|unauthori[sz]ed|chargeback|dispute|lawyer|attorney|legal action|"
    r"sue|suing|lawsuit|court|small claims|police|consumer protection|bbb|report you|hacked|"
    r"someone (?:else )?(?:used|hacked|accessed|got into|broke into|is using) my (?:account|card)|"
    r"(?:didn'?t|did not|never) (?:authori[sz]e|place|make) (?:this|that|it|the|these|those)|"
    r"(?:ordered|charged|bought|purchased|placed)\b(?:\W+\w+){0,5}?\W+i (?:didn'?t|did not|never) "
    r"(?:buy|order|make|place|want))\b",
    re.IGNORECASE,
)
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fraud or legal", SERIOUS),
    ("payment problem", PAYMENT),
    ("damaged or wrong item", DAMAGED),
    ("complaint", COMPLAINT),
    ("frustration", FRUSTRATION),
)
UNHELPED = re.compile(
    r"\b(?:can'?t help with that|cannot help with that|isn'?t something I can help|not something I can help|"
    r"I'?m not sure I understood|I can only help in English|couldn'?t (?:find|check|reach|get)|"
    r"could not (?:find|check|reach)|no order found|I don'?t have (?:that|this) information|"
    r"I'?m not able to|I can'?t (?:do|answer|check|change|see) )",
    re.IGNORECASE,
)
DECLINE = re.compile(
    r"^\s*(?:no|nope|nah|no thanks?|no thank you|not now|not yet|i'?m (?:ok|fine|good))\b", re.I
)
ACCEPTS = re.compile(
    r"^\s*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|please(?: do)?|go ahead|do it|y)\b(?!.*\b(?:not|don'?t)\b)"
    r"|\bpass it to (?:the|your) team\b|\b(?:a|the) (?:person|human)\b.*\bplease\b",
    re.I,
)


def complaint_kind(text: str) -> str | None:
    """Why this message calls for a person ("payment problem", ...), or None."""
    for kind, pattern in KINDS:
        if pattern.search(text):
            return kind
    return None


def repeated(text: str, earlier: Sequence[str]) -> bool:
    """The shopper asks the same thing again (the same words, give or take punctuation and case)."""
    words = " ".join(re.findall(r"[a-z0-9#]+", text.lower()))
    if len(words) < 8:
        return False
    return any(" ".join(re.findall(r"[a-z0-9#]+", e.lower())) == words for e in earlier)


def unhelped(replies: Sequence[str]) -> bool:
    """Whether the turn's replies say the assistant could not help."""
    return bool(replies) and any(UNHELPED.search(r) for r in replies)


def offer_reason(
    text: str,
    earlier_shopper: Sequence[str],
    replies: Sequence[str],
    tool_statuses: Sequence[str],
    unhelped_before: int,
) -> str | None:
    """Why to offer a person after this turn, or None."""
    if "locked" in tool_statuses:
        return "lookup lockout"
    kind = complaint_kind(text)
    if kind:
        return kind
    if repeated(text, earlier_shopper):
        return "frustration"
    if unhelped(replies) and unhelped_before >= 1:
        return "two turns without help"
    return None


def accepts_offer(text: str) -> bool:
    return bool(ACCEPTS.search(text)) and not DECLINE.search(text)


def declines_offer(text: str) -> bool:
    return bool(DECLINE.search(text))


APOLOGISED = re.compile(r"\b(?:sorry|apolog\w*)\b", re.IGNORECASE)
APOLOGY = "I'm sorry about that."
TROUBLE = frozenset(kind for kind, _ in KINDS)


def with_offer(reply: str, reason: str | None = None) -> str:
    """The reply with the offer as its last sentence (once), opened with an apology when the shopper
    told of trouble (``reason`` one of the complaint kinds) and the reply has none."""
    if reason in TROUBLE and not APOLOGISED.search(reply):
        reply = f"{APOLOGY} {reply.lstrip()}"
    if OFFER_QUESTION in reply:
        return reply
    reply = reply.rstrip()
    for tail in (
        "I can also connect you with a member of our team: just ask for a person.",
        "Or ask to talk to a person.",
    ):
        reply = reply.replace(tail, "").rstrip()
    return f"{reply} {OFFER_QUESTION}".strip()
