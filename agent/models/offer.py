"""What the assistant says it can do: only the tools that are on for this store, and always a person.

Every reply that cannot help ends with this ("Sorry, that's not something I can help with" never ends a
turn alone): a switched-off tool is never advertised, and the shopper is offered a person
(``transfer_to_human``). The sentences themselves are in ``capabilities.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .capabilities import ABILITIES, OFFER_PERSON, PERSON, can_do, cannot_help_sentence

__all__ = ["ABILITIES", "OFFER_PERSON", "PERSON", "can_do", "cannot_help"]


def cannot_help(tools: Iterable[str] | None = None) -> str:
    """The reply to a request the assistant has no tool for: what it can do, and a person offered."""
    return cannot_help_sentence(tools)
