"""The console's conversation list and timeline, read from the transcripts (the replay CLI's data).

Personal details are masked unless the user asks to see them (and that is logged): email addresses and
phone-like digit runs in the shopper's and the assistant's text, and the verified customer's email."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ..persistence.conversation_notes import open_conversation_data
from ..persistence.transcripts import Query
from ..settings import Settings
from ..store.connections import ConnectionStore

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d ()-]{7,}\d(?!\w)")
PAGE_SIZE = 100
THREAD_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
NOTE_HISTORY_SHOWN = 5  # versions of the note shown on the conversation's page, the newest
TAGGED = 1000  # a tag's filter reads at most its most recently tagged conversations


def mask(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))


STATUSES = ("", "ok", "error", "handoff", "lockout")


def _filters(params: Mapping[str, str]) -> tuple[Query, dict[str, str]]:
    """The replay CLI's filters from the page's query string (unknown values ignored)."""
    days = params.get("days", "7")
    period = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 7
    tool = (params.get("tool") or "").strip()[:64] or None
    text = (params.get("q") or "").strip()[:200] or None
    status = params.get("status", "") if params.get("status", "") in STATUSES else ""
    slow = params.get("slow", "")
    slow_s = float(slow) if slow.replace(".", "", 1).isdigit() else None
    keys: list[tuple[str, str]] = []
    customer = (params.get("customer") or "").strip().lower()[:200]
    if customer:
        keys.append(("email" if "@" in customer else "customer", customer))
    order = (params.get("order") or "").strip().lstrip("#")
    if order.isdigit():
        keys.append(("order", order))
    tag = " ".join((params.get("tag") or "").lower().split())[:64]
    shown = {"days": str(period), "tool": tool or "", "q": text or "", "status": status,
             "slow": slow if slow_s is not None else "", "customer": customer,
             "order": order if order.isdigit() else "", "tag": tag}  # fmt: skip
    query = Query(
        since=datetime.now(UTC) - timedelta(days=period),
        tool=tool,
        grep=text,
        status=status or None,
        slower_than_ms=slow_s * 1000 if slow_s is not None else None,
        keys=tuple(keys),
        limit=PAGE_SIZE,
    )
    return query, shown


async def conversations_view(
    settings: Settings, store_hash: str, params: Mapping[str, str]
) -> dict[str, Any]:
    query, shown = _filters(params)
    folder = ConnectionStore(settings.home).folder(store_hash)
    async with open_conversation_data(settings, folder) as data:
        if shown["tag"]:
            tagged = await data.notes.tagged(store_hash, shown["tag"], TAGGED)
            query = replace(query, thread_ids=tuple(tagged))
        threads = await data.transcripts.threads(replace(query, store_hash=store_hash))
        tags = await data.notes.tags_of(store_hash, [t.thread_id for t in threads])
        store_tags = await data.notes.store_tags(store_hash)
    rows = [
        {
            "summary": summary,
            "opening": mask(summary.first_message or "")[:120],
            "status": ", ".join(summary.statuses),
            "slowest_s": round(summary.slowest_ms / 1000, 1),
            "tags": tags.get(summary.thread_id, []),
        }
        for summary in threads
    ]
    return {"rows": rows, "filters": shown, "page_size": PAGE_SIZE, "store_tags": store_tags}


async def conversation_view(
    settings: Settings, store_hash: str, thread_id: str, personal: bool
) -> dict[str, Any] | None:
    if not THREAD_ID.fullmatch(thread_id):
        return None
    folder = ConnectionStore(settings.home).folder(store_hash)
    async with open_conversation_data(settings, folder) as data:
        turns = await data.transcripts.turns(Query(store_hash=store_hash, thread_id=thread_id))
        note = await data.notes.note(store_hash, thread_id)
        history = await data.notes.history(store_hash, thread_id, NOTE_HISTORY_SHOWN + 1)
        tags = await data.notes.tags(store_hash, thread_id)
    if not turns:
        return None
    show = (lambda text: text) if personal else mask
    timeline = []
    for turn in turns:
        customer = turn.verified_customer or {}
        timeline.append(
            {
                "at": turn.started_at,
                "kind": turn.kind,
                "text": show(turn.text or (str(turn.answer) if turn.answer else "")),
                "routes": turn.routes,
                "tools": [
                    {"name": c.name, "status": c.status, "ms": round(c.ms) if c.ms is not None else None}
                    for c in turn.tool_calls
                ],
                "requests": len(turn.requests),
                "replies": [show(r) for r in turn.replies],
                "total_ms": round(turn.timings.total_ms),
                "customer": (customer.get("email") if personal else None) or
                            (f"customer #{customer['id']}" if "id" in customer else ""),
                "error": turn.error,
                "replaced": len(turn.grounding),
            }
        )  # fmt: skip
    return {"thread_id": thread_id, "timeline": timeline, "personal": personal, "note": note, "tags": tags,
            "note_history": history[:NOTE_HISTORY_SHOWN], "note_history_more": len(history) > NOTE_HISTORY_SHOWN}  # fmt: skip
