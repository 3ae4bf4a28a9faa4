"""What the assistant says it can do: only the tools that are on for this store, and always a person.

Every reply that cannot help ends with this ("Sorry, that's not something I can help with" never ends a
turn alone): a switched-off tool is never advertised, and the shopper is offered a person
(``transfer_to_human``). The sentences themselves are in ``capabilities.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .capabilities import ABILITIES, OFFER_PERSON, cannot_help_sentence, capabilities_sentence

__all__ = ["ABILITIES", "OFFER_PERSON", "PERSON", "can_do", "cannot_help"]
PERSON = "I can also connect you with a member of our team: just ask for a person."


def can_do(tools: Iterable[str] | None = None, *, person: bool = True) -> str:
    """ "I can help with ..." for the ``tools`` that are on (None: every tool), then the offer of a person."""
    text = capabilities_sentence(tools)
    if person:
        text = f"{text} {PERSON}".strip()
    return text or PERSON


def cannot_help(tools: Iterable[str] | None = None) -> str:
    """The reply to a request the assistant has no tool for: what it can do, and a person offered."""
    return cannot_help_sentence(tools)
