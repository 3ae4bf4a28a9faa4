"""Replaying a conversation under the ``email_code`` policy (issue 27) emails no one: the replay's tools
"send" the code into nothing, even with SMTP configured, and the recording holds no code (so the turn
that typed it diverges: a known limit of replaying these conversations)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from agent.models.intents import NLU
from agent.persistence.transcripts import Query
from agent.replay.recording import from_turns
from agent.replay.runner import ReplayOptions, replay
from agent.settings import HandoffSettings, Settings
from agent.transcripts.recorder import store_settings
from sandbox.demo import DEMO_STORE_HASH
from tests.handoffs.receivers import smtp_server
from tests.transcripts.conftest import Recorded

THREAD = "replay-email-code"


async def test_replaying_an_email_code_conversation_emails_no_one(
    recorded: Recorded, nlu: NLU, tmp_path: Path
) -> None:
    ctx = recorded.env.ctx
    with smtp_server() as (box, port, _):
        handoff = HandoffSettings(smtp_url=f"smtp://127.0.0.1:{port}", email_to="desk@knockout.example")
        ctx.handoff = handoff
        ctx.policy = dataclasses.replace(ctx.policy, who_may_cancel="email_code")
        assert recorded.agent.recorder is not None  # the store as recorded: the policy just set
        recorded.agent.recorder.store_info = store_settings(recorded.agent.context)
        asked = await recorded.agent.send(THREAD, "cancel order 12346, jane.doe@example.com")
        assert asked.confirmation is not None and len(box.messages) == 1
        body = box.messages[0].get_body(("plain",))
        assert body is not None
        found = re.search(r"\b(\d{6})\b", body.get_content())
        assert found
        await recorded.agent.send(THREAD, found.group(1))
        assert recorded.env.store.orders[12346]["status_id"] == 5
        turns = await recorded.transcripts.turns(Query(store_hash=DEMO_STORE_HASH, thread_id=THREAD))
        recording = from_turns(turns, scopes=ctx.connection.scopes)
        assert found.group(1) not in repr(recording)
        result = await replay(
            recording, Settings(home=tmp_path / "nohome", handoff=handoff), ReplayOptions(), nlu=nlu
        )
        assert len(box.messages) == 1  # the replay sent nothing
        assert [d.line() for d in result.divergences if d.turn == 1] == []  # the code was asked for again
        turn_2 = [
            d.line() for d in result.divergences if d.turn == 2
        ]  # the masked code cannot be typed again
        assert "turn 2: cancel_order result: recorded ok, now refused" in turn_2
