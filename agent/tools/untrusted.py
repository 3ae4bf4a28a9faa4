"""Text the store's merchants and shoppers wrote (product names and descriptions, custom fields,
promotion and coupon names, order comments and addresses, customer names) reaches the model inside tool
results. A model may take an instruction planted there for one of ours; the tools keep the policy in
code whatever it does, and this module also removes the usual shapes of planted instructions before a
tool result reaches the model, so neither the model nor a reply built from the result passes one on:

- ``<INFORMATION> ... </INFORMATION>`` (and ``<SYSTEM>``, ``<INSTRUCTIONS>``) blocks;
- ``###(system_message) ...`` and ``### system: ...`` to the end of the line;
- "ignore / disregard / forget (all) previous / prior / above instructions ..." to the end of the sentence;
- "TODO: ..." to the end of the sentence;
- lines that speak as a role: ``SYSTEM: ...``, ``assistant: ...``, ``user:``, ``developer:``, ``tool:``
  (the whole line), and chat-template role tags (``<|im_start|>``, ``<|system|>``, ``[INST]``,
  ``<<SYS>>``).

HTML is stripped from every string too (a product name of ``<img src=x onerror=...>Gloves`` becomes
``Gloves``): the API's contract says all text is plain.

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
    re.compile(r"^[\W_]*(?:system|assistant|user|developer)\s*(?:message\s*)?:.*$", re.I | re.M),
    re.compile(r"<\|[a-z_]*\|>|\[/?INST\]|<</?SYS>>", re.I),
]
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<!--.*?-->", re.S)
_SPACES = re.compile(r"[ \t]{2,}")


def plain(text: str) -> str:
    """``text`` without HTML (tags dropped, entities decoded, and no tag left by the decoding)."""
    if not _TAG.search(text):
        return text
    from ingest.documents import html_to_text

    return _TAG.sub("", html_to_text(text)).strip()


def _unplanted(text: str) -> str:
    cleaned = text
    for pattern in _PLANTED:
        cleaned = pattern.sub(" ", cleaned)
    return cleaned if cleaned == text else _SPACES.sub(" ", cleaned).strip()


def scrub(text: str) -> str:
    """``text`` without planted instructions and HTML (unchanged when it carries neither). Instructions
    are looked for before the tags go (an ``<INFORMATION>`` block) and after (a role line in a ``<p>``)."""
    return _unplanted(plain(_unplanted(text)))


def scrub_result(value: Any) -> Any:
    """Every string in a tool result, scrubbed (keys are ours and left alone)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: scrub_result(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_result(item) for item in value]
    return value
