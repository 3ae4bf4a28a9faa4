"""What happened to a conversation's handoffs, for `bcagent replay show`'s timeline: the handoff made,
staff messages (the shopper's messages to staff are turns of their own), deliveries (email, webhook) and the close. Read from
the store's records only: replay never sends an email or a webhook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..persistence.records import AgentRecords

WHO = {"staff": "staff", "assistant": "assistant"}


@dataclass(frozen=True)
class TimelineEvent:
    time: str  # ISO 8601, as the records spell it
    text: str

    @property
    def moment(self) -> datetime:
        return moment_of(self.time)


def moment_of(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


async def handoff_events(records: AgentRecords, thread_id: str) -> list[TimelineEvent]:
    """Every handoff event of ``thread_id``, oldest first."""
    events: list[TimelineEvent] = []
    handoffs = await records.handoff_requests.find(None, thread_id=thread_id)
    for handoff in handoffs:
        why = handoff.reason or "the shopper asked for a person"
        contact = {
            "verified": "verified email",
            "given": "email given",
            "declined": "declined to give an email",
        }
        events.append(
            TimelineEvent(
                handoff.time,
                f"handoff #{handoff.id} made ({why}); contact: "
                f"{contact.get(handoff.contact_state, 'none')}; now {handoff.status}"
                + (f", claimed by {handoff.claimed_by}" if handoff.claimed_by else ""),
            )
        )
        if handoff.status == "closed" and handoff.updated_at:
            events.append(
                TimelineEvent(handoff.updated_at, f"handoff #{handoff.id} closed: the assistant is back")
            )
        for item in await records.outbox.items(handoff_id=handoff.id):
            error = f" ({item.failure})" if item.failure else ""
            events.append(
                TimelineEvent(item.sent_at or item.created_at, f"handoff #{handoff.id} {item.outcome}{error}")
            )
    for message in await records.handoff_requests.messages([h.id for h in handoffs]):
        if message.role == "shopper":
            continue  # the shopper's own message is its turn (route "staff") on the timeline already
        who = WHO.get(message.role, message.role)
        author = f" ({message.author})" if message.author and message.role == "staff" else ""
        events.append(TimelineEvent(message.time, f"{who}{author}: {message.text}"))
    return sorted(events, key=lambda e: e.moment)
