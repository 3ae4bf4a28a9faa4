"""Finding one conversation from what an operator has: its thread id, or a unique prefix of it (6
characters or more), in a store's transcripts or in a transcript file (an eval run's)."""

from __future__ import annotations

from ..persistence.transcripts import Query, TranscriptStore
from ..transcripts.records import TurnRecord

MIN_PREFIX = 6


class ThreadNotFound(LookupError):
    """No such conversation, or a prefix that matches several; the message says what to do."""


async def resolve_thread(transcripts: TranscriptStore, store_hash: str | None, thread: str) -> str:
    """The whole thread id ``thread`` names (itself, or the one conversation it is a prefix of)."""
    where = f" in the transcripts of {store_hash}" if store_hash else ""
    if await transcripts.turns(Query(store_hash=store_hash, thread_id=thread, limit=1)):
        return thread
    if len(thread) < MIN_PREFIX:
        raise ThreadNotFound(
            f"no conversation {thread!r}{where}; a shortened thread id needs at least {MIN_PREFIX} "
            "characters; `bcagent replay list` shows them"
        )
    found = await transcripts.threads(Query(store_hash=store_hash, thread_prefix=thread, limit=6))
    if not found:
        raise ThreadNotFound(f"no conversation {thread!r}{where}; `bcagent replay list` shows them")
    if len(found) > 1:
        shown = ", ".join(t.thread_id for t in found[:5]) + (", ..." if len(found) > 5 else "")
        raise ThreadNotFound(
            f"{thread!r} is the start of {'more than 5' if len(found) > 5 else len(found)} conversations "
            f"({shown}); give more of the thread id"
        )
    return found[0].thread_id


async def thread_turns(transcripts: TranscriptStore, store_hash: str | None, thread: str) -> list[TurnRecord]:
    """The turns of the conversation ``thread`` names, oldest first (ThreadNotFound when none)."""
    thread_id = await resolve_thread(transcripts, store_hash, thread)
    return await transcripts.turns(Query(store_hash=store_hash, thread_id=thread_id))
