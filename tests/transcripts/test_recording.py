"""Every turn recorded, through the real graph and the sandbox: the record field by field, exported to
JSON Lines by `bcagent transcripts export`, and the access token nowhere."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest

from agent.cli import main
from agent.persistence.transcripts import Query
from agent.transcripts import FormatError, TurnRecord
from agent.transcripts.export import read_jsonl
from sandbox.demo import FULL_TOKEN
from tests.transcripts.conftest import Recorded
from tests.transcripts.conversation import check_conversation, converse


def _no_token_in(*paths: Path) -> None:
    for path in paths:
        if path.exists():
            assert FULL_TOKEN.encode() not in path.read_bytes(), f"the access token is in {path}"


async def test_a_conversation_is_recorded_turn_by_turn(recorded: Recorded) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await converse(recorded.agent, thread)
    turns = await recorded.transcripts.turns(Query(thread_id=thread))
    check_conversation(turns, thread)
    (summary,) = await recorded.transcripts.threads(Query(thread_id=thread))
    assert summary.turns == 4 and summary.surface == "serve"
    assert summary.routes == ["order_management", "product_expert"]
    assert summary.tools == ["get_order_information", "get_product_information", "cancel_order"]
    assert not summary.handoff and summary.errors == 0
    assert [s.thread_id for s in await recorded.transcripts.threads(Query(tool="cancel_order"))] == [thread]
    assert await recorded.transcripts.threads(Query(tool="transfer_to_human")) == []
    assert [s.thread_id for s in await recorded.transcripts.threads(Query(grep="BOXING gloves"))] == [thread]
    assert await recorded.transcripts.threads(Query(grep="100%_")) == []


async def test_export_writes_the_records_and_no_token(
    recorded: Recorded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await converse(recorded.agent, thread)
    other = f"o-{uuid.uuid4().hex}"
    await recorded.agent.send(other, f"my access token is {FULL_TOKEN}, what is in it?")
    monkeypatch.setenv("BCAGENT_HOME", str(recorded.path.parent.parent.parent))
    monkeypatch.delenv("BCAGENT_DATABASE_URL", raising=False)
    out = tmp_path / "export" / "thread.jsonl"
    status = await asyncio.to_thread(main, ["transcripts", "export", "--thread", thread, "-o", str(out)])
    assert status == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert all(json.loads(line)["format"] == "bcagent.transcript" for line in lines)
    check_conversation(read_jsonl(out), thread)
    everything = tmp_path / "all.jsonl"
    assert (
        await asyncio.to_thread(main, ["transcripts", "export", "--since", "1h", "-o", str(everything)]) == 0
    )
    pasted = [t for t in read_jsonl(everything) if t.thread_id == other]
    assert pasted and "<redacted>" in (pasted[0].text or "")  # a pasted token is scrubbed too
    again = tmp_path / "again.jsonl"
    assert await asyncio.to_thread(main, ["transcripts", "export", "--thread", thread, "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()  # the same turns, the same bytes
    folder = recorded.path.parent
    _no_token_in(
        out, everything, recorded.path, folder / "transcripts.sqlite-wal", folder / "checkpoints.sqlite"
    )


async def test_the_confirmation_buttons_are_recorded_as_the_answer(recorded: Recorded) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    asked = await recorded.agent.send(thread, "cancel order 12346, jane.doe@example.com")
    assert asked.confirmation is not None and asked.turn_id
    answer = {"confirm": False, "order_id": 12346, "proposal_id": asked.confirmation["proposal_id"]}
    answered = await recorded.agent.confirm(thread, answer, surface="serve")
    turns = await recorded.transcripts.turns(Query(thread_id=thread))
    assert [t.turn_id for t in turns] == [asked.turn_id, answered.turn_id]
    assert turns[1].kind == "confirmation" and turns[1].text is None and turns[1].answer == answer
    assert turns[1].tool_calls[0].name == "cancel_order" and turns[1].tool_calls[0].status == "ok"
    assert not any(r.method == "PUT" for r in turns[1].requests)  # "no" changes nothing


async def test_a_message_that_abandons_a_confirmation_makes_two_turns_of_one_request(
    recorded: Recorded,
) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, "cancel order 12346, jane.doe@example.com")
    await recorded.agent.send(thread, "How much are the Premium Boxing Gloves?")
    first, abandon, question = await recorded.transcripts.turns(Query(thread_id=thread))
    assert abandon.kind == "confirmation" and abandon.answer is not None and not abandon.answer["confirm"]
    assert question.kind == "message" and question.routes == ["product_expert"]
    assert abandon.request_id == question.request_id != first.request_id


async def test_an_error_in_a_turn_is_recorded_then_raised(recorded: Recorded) -> None:
    recorded.agent.context.model = None  # the subgraph's model node raises
    thread = f"t-{uuid.uuid4().hex}"
    with pytest.raises(RuntimeError, match="model is not set"):
        await recorded.agent.send(thread, "Where is my order 12345? jane.doe@example.com")
    (turn,) = await recorded.transcripts.turns(Query(thread_id=thread))
    assert turn.error == {"type": "RuntimeError", "message": "AgentContext.model is not set"}
    assert [(s.node, s.error) for s in turn.timings.steps if s.error] == [  # in the order they started
        ("order_management", "RuntimeError"),
        ("model", "RuntimeError"),
    ]
    (summary,) = await recorded.transcripts.threads(Query(errors=True))
    assert summary.thread_id == thread and summary.errors == 1


async def test_a_handoff_is_listed_as_one(recorded: Recorded) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, "Can I talk to a human please?")
    (summary,) = await recorded.transcripts.threads(Query(handoff=True))
    assert summary.thread_id == thread and summary.tools == ["transfer_to_human"]
    (turn,) = await recorded.transcripts.turns(Query(thread_id=thread))
    assert turn.routes == ["respond"] and turn.tool_calls[0].result["status"] == "ok"


def test_a_newer_or_corrupt_record_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps({"format": "bcagent.transcript", "format_version": 99}) + "\n")
    with pytest.raises(FormatError, match=r"newer\.jsonl:1: transcript format version 99"):
        read_jsonl(newer)
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text('{"format": "bcagent.transcript", "format_v')
    with pytest.raises(FormatError, match=r"corrupt\.jsonl:1: not JSON"):
        read_jsonl(corrupt)
    with pytest.raises(FormatError, match="missing or unknown field"):
        TurnRecord.from_json({"format": "bcagent.transcript", "format_version": 1, "turn_id": "x"})


async def test_a_failed_write_is_logged_and_the_turn_stands(
    recorded: Recorded, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = recorded.agent.recorder
    assert recorder is not None

    async def broken(turn: TurnRecord) -> None:
        raise OSError(f"disk full while writing {FULL_TOKEN}")

    recorder.transcripts.add = broken  # type: ignore[method-assign]
    result = await recorded.agent.send(
        f"t-{uuid.uuid4().hex}", "Where is my order 12345? jane.doe@example.com"
    )
    assert "1Z999AA10123456784" in result.text and recorder.failed == 1
    assert "Could not record turn" in caplog.text and FULL_TOKEN not in caplog.text
