"""`bcagent replay show` puts a conversation's handoff events on its timeline: the handoff made, the staff
reply, the close; each after the turn it followed. Nothing is sent."""

from __future__ import annotations

import uuid

from agent.handoff import takeover
from agent.persistence.transcripts import Query
from agent.replay.handoff_events import handoff_events
from agent.replay.timeline import render
from tests.transcripts.conftest import Recorded, home, indexed, recorded

__all__ = ["home", "indexed", "recorded"]


async def test_staff_messages_and_the_close_sit_between_the_turns(recorded: Recorded) -> None:
    agent, records = recorded.agent, recorded.env.ctx.records
    settings = recorded.env.ctx.handoff
    talk = uuid.uuid4().hex
    await agent.send(talk, "I want to talk to a person")
    (handoff,) = await records.handoffs()
    await takeover.staff_reply(records, settings, handoff.id, "Hello, Sam here.", "Sam")
    await agent.send(talk, "hi Sam, order 12345 is the one")
    await takeover.close(records, settings, handoff.id)
    await agent.send(talk, "How much are the Premium Boxing Gloves?")

    events = await handoff_events(records, talk)
    texts = [e.text for e in events]
    assert texts[0].startswith(f"handoff #{handoff.id} made") and "closed" in texts[0]
    assert "staff (Sam): Hello, Sam here." in texts
    assert not any("hi Sam" in t for t in texts)  # the shopper's message to staff is turn 2 itself
    assert f"handoff #{handoff.id} closed: the assistant is back" in texts

    turns = await recorded.transcripts.turns(Query(thread_id=talk))
    timeline = render(turns, events=events)
    at = timeline.index
    assert at("\nturn 1 ") < at(f"handoff #{handoff.id} made") < at("staff (Sam)") < at("\nturn 2 ")
    assert at("\nturn 2 ") < at("shopper: hi Sam") < at("closed: the assistant is back") < at("\nturn 3 ")
    assert len(turns) == 3 and "\nturn 4 " not in timeline
