"""Turns that end with neither help nor a person offered ("dead ends"), counted from the eval transcripts.

A turn is a dead end when all three hold:

- **no help**: no tool result of the turn is ``ok``, ``confirm``, ``needs_info`` or ``ambiguous`` (a fact
  shown, a confirmation asked, or the shopper led on by a question for the detail the task needs);
- **a failure said**: the reply says it could not (sorry, can't, couldn't, unable, not able, English only);
- **no person**: the reply neither offers a person nor says the conversation was passed to the team, and
  no handoff tool ran.

So an answer with no tool ("You're welcome!") is no dead end, and neither is an honest refusal that offers
the team. The definition is strict on purpose: "Sorry, order 12345 has shipped, so it can't be cancelled"
counts as a dead end unless it offers a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

HELPED = frozenset({"ok", "confirm", "needs_info", "ambiguous"})
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
    if statuses & HELPED:
        return False
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
