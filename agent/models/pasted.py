"""The shopper's own words in a message: what is left once pasted material and terminal noise are out.

A shopper sometimes pastes an email thread (headers, "-----Original Message-----", "> " quoted lines)
or text with terminal escape codes. Dates in headers are no order numbers and capitalised words in
someone else's email are no discount codes, so nothing in pasted material may start a store lookup or
spend an attempt: the assistant reads what the shopper wrote around it. A message that is only pasted
material reads as empty, and gets "How can I help?" with what the assistant can do.
"""

from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_HEADER = re.compile(
    r"^\s*(?:from|sent|to|cc|bcc|subject|date|reply-to)\s*:.*$|"
    r"^\s*-{2,}\s*(?:original message|forwarded message)\s*-{2,}\s*$|"
    r"^\s*on\b.{0,200}\bwrote:\s*$|"
    r"^\s*>.*$",
    re.IGNORECASE | re.MULTILINE,
)
_KEEP = frozenset("\n\t ")


def _visible(text: str) -> str:
    """Without control and format characters (escape codes, zero-width and direction marks)."""
    return "".join(
        c if c in _KEEP or unicodedata.category(c) not in ("Cc", "Cf") else " " for c in _ANSI.sub(" ", text)
    )


def own_words(text: str) -> str:
    """``text`` without terminal escapes, invisible characters and pasted email headers or quotes."""
    cleaned = _visible(text)
    if "\n" in cleaned:
        cleaned = _HEADER.sub("", cleaned)
    return cleaned if cleaned != text else text
