"""Turns that end with neither help nor a person offered ("dead ends"), counted from the eval transcripts.

A turn is a dead end when all three hold:

- **no answer**: no tool gave the turn an answer, or confirmation to ask: every tool result (if any ran)
  is a failure of the tool itself (``error``, ``unavailable``, ``disabled``). A definite answer counts
  as help even when it is "no": an order or code that does not match, a product the store does not sell
  (with the closest ones), an order that can no longer be cancelled, a question for a missing detail;
- **a failure said**: the reply says it could not (sorry, can't, couldn't, unable, not able, English only);
- **no person**: the reply neither offers a person nor says the conversation was passed to the team, and
  no handoff tool ran.

The console's "top unanswered questions" (``agent/transcripts/dead_ends.py``) read recorded turns for the
assistant's own can't-answer sentences, whether or not a person was offered: what the store's content
lacks. This counts what issue 25 measures: the turns that left the shopper with neither.

So "You're welcome!" is no dead end, nor is an honest refusal that offers the team; "Sorry, I can't
help with that" alone is one, and so is "the store cannot be reached" without the offer of a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

NO_ANSWER = frozenset({"error", "unavailable", "disabled"})  # the tool itself failed or is off
HANDOFF_TOOLS = frozenset({"transfer_to_human"})
FAILURE = re.compile(
    r"\b(?:sorry|can't|cannot|can not|couldn't|could not|unable|not able|don't know|only help in english)\b",
    re.IGNORECASE,
)
PERSON = re.compile(
    r"\b(?:pass (?:this|it) (?:on )?to (?:our|the) team|our team|a member of (?:our|the) team|a person|"
    r"someone (?:from|on) (?:our|the) team|colleague|staff)\b",
    re.IGNORECASE,
)


def is_dead_end(turn: dict[str, Any]) -> bool:
    """``turn``: one turn of an eval transcript (``evals.runner.TurnRecord`` as JSON)."""
    statuses = {
        str(item.get("result", {}).get("status"))
        for item in turn.get("tool_results", [])
        if isinstance(item, dict)
    }
    if statuses - NO_ANSWER or turn.get("confirmation"):
        return False  # a tool answered (even "no such order"), or a confirmation was asked
    if {str(c.get("name")) for c in turn.get("tool_calls", []) if isinstance(c, dict)} & HANDOFF_TOOLS:
        return False
    reply = " ".join(str(r) for r in turn.get("replies", []))
    return bool(FAILURE.search(reply)) and not PERSON.search(reply)


def dead_ends(transcripts: Iterable[dict[str, Any]]) -> tuple[int, int, list[str]]:
    """(dead-end turns, turns, the shopper messages of the dead ends) over ``transcripts``."""
    count, total, messages = 0, 0, []
    for transcript in transcripts:
        for turn in transcript.get("turns", []):
            total += 1
            if is_dead_end(turn):
                count += 1
                messages.append(str(turn.get("user", "")))
    return count, total, messages
