"""A code written as the store writes it but not marked as one ("is summer-sale still valid?", "does
spring fling work on gloves"): found among the store's own codes and marked (``code "summer-sale"``),
so both brains and the tools read it as the code it is.

Only a message that speaks of a code (``CUE``) and holds none the extractor already reads is matched, so
other messages cost the store nothing; the codes are read through the code cache
(``marketing.store_codes``). Matching is whole words, case-insensitive (BigCommerce applies codes so at
checkout); the lookup that follows is the usual one, one attempt for the question. Nothing is matched
when the code check is switched off or the store cannot be read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from bigcommerce.errors import BigCommerceError

from ..context import AgentContext
from ..models.entities import extract_entities
from ..tools import marketing

log = logging.getLogger(__name__)

CUE = re.compile(
    r"\b(?:codes?|coupons?|promo\w*|discount\w*|vouchers?|valid|invalid|expired?|redeem\w*|"
    r"(?:does|do|will|would|can)\b[^.?!]{1,40}\bwork)\b",
    re.IGNORECASE,
)
MIN_LENGTH = 3  # "10" or "ok" as a store's code would match too much


def _pattern(code: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in code.split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])", re.IGNORECASE)


def mark_codes(text: str, codes: Iterable[str]) -> str:
    """``text`` with the first of ``codes`` it holds marked as a code, in the store's own spelling."""
    for code in sorted(set(codes), key=len, reverse=True):  # "SPRING FLING 2" before "SPRING FLING"
        if len(code) < MIN_LENGTH or code.isdigit() or '"' in code:
            continue
        found = _pattern(code).search(text)
        if found is not None:
            return f'{text[: found.start()]}code "{code}"{text[found.end() :]}'
    return text


async def mark_store_codes(context: AgentContext, text: str) -> str:
    """``text``, with a store code it holds unmarked marked (see the module's docstring)."""
    if not CUE.search(text) or extract_entities(text).codes:
        return text
    tools = context.tools
    if "lookup_discount_code" not in tools.enabled():
        return text
    try:
        codes = await marketing.store_codes(tools)
    except BigCommerceError as exc:  # the question is answered as written: asked for the code, or told
        log.warning("the store's codes could not be read: %s", exc)
        return text
    return mark_codes(text, codes)
