"""A conversation as the shopper and staff see it: the thread's messages (from its checkpoint) with the
handoff's messages (staff replies, the shopper's messages to staff, the assistant's note when it is
back) merged in by time. The widget's ``GET`` thread and the admin API both read it here."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage

from ..models.offline import text_of
from .schemas import HandoffState, ThreadMessage
from .state import ServedStore


async def conversation(store: ServedStore, thread_id: str) -> list[ThreadMessage]:
    state = await store.agent.graph.aget_state({"configurable": {"thread_id": thread_id}})
    times = await store.threads.times(thread_id)
    fallback = await store.threads.created_at(thread_id)
    messages: list[ThreadMessage] = []
    for message in (state.values or {}).get("messages", []):
        if isinstance(message, HumanMessage):
            role = "shopper"
        elif isinstance(message, AIMessage) and not message.tool_calls and text_of(message):
            role = "assistant"
        else:
            continue  # tool calls and tool results are the assistant's working, not the conversation
        messages.append(
            ThreadMessage(role=role, text=text_of(message), time=times.get(message.id or "", fallback))
        )
    return await with_handoff_messages(store, thread_id, messages)


async def with_handoff_messages(
    store: ServedStore, thread_id: str, messages: list[ThreadMessage]
) -> list[ThreadMessage]:
    """``messages`` with the thread's handoff messages merged in by time."""
    desk = store.agent.context.tools.records.handoff_requests
    extra = [
        ThreadMessage(role=m.role, text=m.text, time=m.time, author=m.author if m.role == "staff" else None)
        for m in await desk.thread_messages(thread_id)
    ]
    if not extra:
        return messages
    return sorted(messages + extra, key=lambda m: m.time)  # stable: equal times keep their order


async def handoff_state(store: ServedStore, thread_id: str) -> HandoffState | None:
    latest = await store.agent.context.tools.records.handoff_requests.latest(thread_id)
    return HandoffState(id=latest.id, status=latest.status) if latest is not None else None
