"""transfer_to_human: record a handoff request the operations team can list, and say what happens next."""

from __future__ import annotations

from .context import Conversation, ToolContext
from .results import ToolResult, ok, result

MAX_SUMMARY = 2000


async def transfer_to_human(
    ctx: ToolContext, conversation: Conversation, summary: object = None, reason: object = None
) -> ToolResult:
    text = " ".join(str(summary or "").split())[:MAX_SUMMARY]
    if not text:
        return result("needs_info", "Tell me briefly what you need help with, and I'll pass it to our team.")
    why = " ".join(str(reason).split())[:200] if reason else None
    handoff = await ctx.records.add_handoff(ctx.store_hash, conversation.thread_id, text, why)
    return ok(
        f"I've passed this to our team (request #{handoff.id}). A member of staff will read this conversation and "
        "reply to you, usually within one business day.",
        request_id=handoff.id,
    )
