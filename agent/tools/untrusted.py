"""Text the store's merchants and shoppers wrote (product names and descriptions, custom fields,
promotion and coupon names, order comments and addresses, customer names) reaches the model inside tool
results. A model may take an instruction planted there for one of ours; the tools keep the policy in
code whatever it does, and this module also removes the usual shapes of planted instructions before a
tool result reaches the model, so neither the model nor a reply built from the result passes one on:

- ``<INFORMATION> ... </INFORMATION>`` (and ``<SYSTEM>``, ``<INSTRUCTIONS>``) blocks;
- ``###(system_message) ...`` and ``### system: ...`` to the end of the line;
- "ignore / disregard / forget (all) previous / prior / above instructions ..." to the end of the sentence;
- "TODO: ..." to the end of the sentence.

It is a filter for known shapes, not a guarantee: the guarantee is that no tool acts on text a tool
returned (identity facts must come from the shopper; writes wait for the shopper's confirmation).
"""

from __future__ import annotations

import re
from typing import Any

_SENTENCE_END = r"(?:[.!?](?=\s|$)|$)"
_PLANTED = [
    re.compile(r"<\s*(information|system|instructions?)\s*>.*?(?:<\s*/\s*\1\s*>|\Z)", re.I | re.S),
    re.compile(r"#{2,}\s*\(?\s*system(?:[_ ]?message)?\s*\)?.*$", re.I | re.M),
    re.compile(
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
        r"(?:previous|prior|above|earlier|preceding|original)\s+(?:instructions?|rules|prompts?|messages?)"
        r".*?" + _SENTENCE_END,
        re.I | re.M,
    ),
    re.compile(r"\bTODO\s*:.*?" + _SENTENCE_END, re.I | re.M),
]
_SPACES = re.compile(r"[ \t]{2,}")


def scrub(text: str) -> str:
    """``text`` without planted instructions (unchanged when it carries none)."""
    cleaned = text
    for pattern in _PLANTED:
        cleaned = pattern.sub(" ", cleaned)
    if cleaned == text:
        return text
    return _SPACES.sub(" ", cleaned).strip()


def scrub_result(value: Any) -> Any:
    """Every string in a tool result, scrubbed (keys are ours and left alone)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: scrub_result(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_result(item) for item in value]
    return value
