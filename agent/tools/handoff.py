"""transfer_to_human: hand the conversation to the store's team (``agent.handoff.flow``) and say what
happens next: when the team replies (business hours) and where (the verified email, or one asked for)."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage

from ..handoff.flow import make_handoff, when_the_team_replies
from .context import Conversation, ToolContext
from .results import ToolResult, ok, result

MAX_SUMMARY = 2000


async def transfer_to_human(
    ctx: ToolContext,
    conversation: Conversation,
    summary: object = None,
    reason: object = None,
    messages: Sequence[BaseMessage] = (),
) -> ToolResult:
    text = " ".join(str(summary or "").split())[:MAX_SUMMARY]
    if not text:
        return result("needs_info", "Tell me briefly what you need help with, and I'll pass it to our team.")
    why = " ".join(str(reason).split())[:200] if reason else None
    active = await ctx.records.handoff_requests.active(conversation.thread_id)
    if active is not None:
        return ok(
            f"Your request #{active.id} is already with our team; they'll reply here. "
            f"{when_the_team_replies(ctx)}",
            request_id=active.id,
        )
    made = await make_handoff(ctx, conversation, text, why, messages)
    return ok(made.reply, request_id=made.handoff.id)
