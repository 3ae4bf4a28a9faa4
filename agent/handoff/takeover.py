"""Staff taking over a conversation: a staff reply claims the handoff (the assistant then stays silent in
that thread, and the shopper's messages go to the handoff and to the team as updates) until staff close
it; then the assistant is back and says so. Used by the admin API, ``bcagent handoffs`` and the runtime."""

from __future__ import annotations

from ..persistence.handoffs import Handoff, HandoffMessage
from ..persistence.records import AgentRecords
from ..settings import HandoffSettings
from . import delivery

BACK = (
    "Our team has closed this request, so I'm back. Ask me about an order, a product or a code, or ask "
    "for a person again at any time."
)
MAX_STAFF_TEXT = 4000
MAX_AUTHOR = 80


class TakeoverError(LookupError):
    """No such handoff in this store, or it is closed."""


def _clean(text: str, limit: int) -> str:
    return text.strip()[:limit]


async def staff_reply(
    records: AgentRecords,
    settings: HandoffSettings,
    handoff_id: int,
    text: str,
    author: str,
) -> HandoffMessage:
    """A staff member's reply in the chat (shown as text, never as markup)."""
    desk = records.handoff_requests
    body, name = _clean(text, MAX_STAFF_TEXT), _clean(author, MAX_AUTHOR) or "Our team"
    if not body:
        raise ValueError("the reply is empty")
    if not await desk.claim(handoff_id, name):
        raise TakeoverError(handoff_id)
    message = await desk.add_message(handoff_id, "staff", body, author=name)
    handoff = await desk.get(handoff_id)
    assert handoff is not None
    await delivery.enqueue_message(records, settings, handoff, message)
    return message


async def close(records: AgentRecords, settings: HandoffSettings, handoff_id: int) -> Handoff:
    desk = records.handoff_requests
    if not await desk.close(handoff_id):
        raise TakeoverError(handoff_id)
    handoff = await desk.get(handoff_id)
    assert handoff is not None
    await desk.add_message(handoff_id, "assistant", BACK)
    await delivery.enqueue_closed(records, settings, handoff)
    return handoff


async def held_by_staff(records: AgentRecords, thread_id: str) -> Handoff | None:
    """The thread's claimed handoff: while there is one, the assistant does not answer."""
    active = await records.handoff_requests.active(thread_id)
    return active if active is not None and active.status == "claimed" else None


async def shopper_wrote(
    records: AgentRecords, settings: HandoffSettings, handoff: Handoff, text: str
) -> HandoffMessage:
    message = await records.handoff_requests.add_message(handoff.id, "shopper", text)
    await delivery.enqueue_message(records, settings, handoff, message)
    return message
