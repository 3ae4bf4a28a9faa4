"""What one turn keeps is bounded: long texts, large responses, and the turn's total."""

from __future__ import annotations

import uuid

from agent.persistence.transcripts import Query
from agent.transcripts import Limits
from tests.transcripts.conftest import Recorded


async def test_a_turn_keeps_at_most_its_budget(recorded: Recorded) -> None:
    assert recorded.agent.recorder is not None
    recorded.agent.recorder.limits = Limits(max_body_bytes=300, max_turn_bytes=500, max_text_chars=40)
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, "Where is my order 12345? My email is jane.doe@example.com")
    (turn,) = await recorded.transcripts.turns(Query(thread_id=thread))
    assert turn.truncated
    assert turn.text == "Where is my order 12345? My email is jan"  # 40 characters
    assert all(len(reply) <= 40 for reply in turn.replies)
    kept = sum(len((e.response_text or "").encode()) for e in turn.requests if e.truncated)
    assert any(e.truncated for e in turn.requests) and any(e.omitted for e in turn.requests)
    assert kept <= 500
    first = turn.requests[0]
    assert first.truncated and first.bytes > 300 and first.status == 200  # the facts of the exchange stay
    assert turn.tool_calls[0].name == "get_order_information" and turn.tool_calls[0].result["status"] == "ok"
