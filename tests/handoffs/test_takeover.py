"""Staff take over a conversation at the runtime: after a staff reply the assistant is silent and the
shopper's messages go to the handoff (recorded in the transcript, routed to staff); after close the
assistant answers again and the handoff's messages say it is back."""

from __future__ import annotations

import uuid

import pytest

from agent.handoff import takeover
from agent.persistence.transcripts import Query
from tests.transcripts.conftest import Recorded, home, indexed, recorded

__all__ = ["home", "indexed", "recorded"]


async def test_silent_while_staff_have_it_and_back_after_close(recorded: Recorded) -> None:
    agent, records = recorded.agent, recorded.env.ctx.records
    settings = recorded.env.ctx.handoff
    talk = uuid.uuid4().hex
    await agent.send(talk, "I want to talk to a person")
    (handoff,) = await records.handoffs()
    await takeover.staff_reply(records, settings, handoff.id, "Hello, Sam here.", "Sam")

    silent = await agent.send(talk, "hi Sam, order 12345 is the one")
    assert silent.replies == [] and silent.routes == ["staff"]
    said = await records.handoff_requests.thread_messages(talk)
    assert [(m.role, m.text) for m in said] == [
        ("staff", "Hello, Sam here."),
        ("shopper", "hi Sam, order 12345 is the one"),
    ]
    recorded_turns = await recorded.transcripts.turns(Query(thread_id=talk))
    assert recorded_turns[-1].text == "hi Sam, order 12345 is the one" and recorded_turns[-1].routes == [
        "staff"
    ]

    await takeover.close(records, settings, handoff.id)
    back = await agent.send(talk, "How much are the Premium Boxing Gloves?")
    assert back.replies and back.routes == ["product_expert"]
    assert (await records.handoff_requests.thread_messages(talk))[-1].text == takeover.BACK
    with pytest.raises(takeover.TakeoverError):  # a reply to a closed handoff is refused
        await takeover.staff_reply(records, settings, handoff.id, "late", "Sam")
