"""Dead ends: a shopper's message the assistant could not answer, read from the turn's record.

A turn is a **dead end** when the shopper wrote a message (not a confirmation), it was not handed to a
person (no ``transfer_to_human``), and a reply says the assistant had nothing to answer with:

- it cannot help with that ("Sorry, I can't help with that myself.", the reply to a request no enabled
  tool serves), or the tool for it is switched off ("... isn't available in this store's chat");
- it did not understand ("I'm not sure I understood."), or the message was not in English;
- the store's pages do not say ("I couldn't find that on the store's pages"), or no product matched
  ("I couldn't find that product.").

These are the sentences the assistant itself says (``agent/models/capabilities.py``,
``agent/graphs/respond.py``, ``agent/tools/store_pages.py``, ``agent/tools/products.py``; a test keeps
them in step). An LLM that words its own refusal is recognised only when it uses one of them.
"""

from __future__ import annotations

from .records import TurnRecord

# lower case, as the transcripts' ``search_text`` holds the replies (so SQL can pre-select with LIKE)
MARKERS = (
    "sorry, i can't help with that myself",
    "isn't available in this store's chat",
    "i'm not sure i understood",
    "i can only help in english",
    "i couldn't find that on the store's pages",
    "i couldn't find that product",
)


def is_dead_end(turn: TurnRecord) -> bool:
    if turn.kind != "message" or not (turn.text or "").strip() or turn.handoff:
        return False
    said = " ".join(turn.replies).lower()
    return any(marker in said for marker in MARKERS)


__all__ = ["MARKERS", "is_dead_end"]
