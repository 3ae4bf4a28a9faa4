"""The ``email_code`` policy through ``Agent.send`` (issue 27): the real graph with the offline model, the
sandbox store, a real SMTP server on loopback receiving the code, and every turn recorded. The code is
typed as the shopper's next message; a wrong one asks again (the confirmation stays pending); LangGraph
re-runs the tool on each answer and no second email goes out; the transcript never holds the code."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest

from agent.persistence.transcripts import Query
from agent.settings import HandoffSettings
from agent.transcripts.export import record_line
from tests.conftest import NOW
from tests.handoffs.receivers import Mailbox, smtp_server
from tests.transcripts.conftest import Recorded

ASK = "cancel order 12346, jane.doe@example.com"


@pytest.fixture
def mailbox(recorded: Recorded) -> Iterator[Mailbox]:
    ctx = recorded.env.ctx
    with smtp_server() as (box, port, _):
        ctx.handoff = HandoffSettings(smtp_url=f"smtp://127.0.0.1:{port}", email_to="desk@knockout.example")
        ctx.policy = dataclasses.replace(ctx.policy, who_may_cancel="email_code")
        yield box


def code_from(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"\b(\d{6})\b", body.get_content())
    assert found
    return found.group(1)


def wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 1_000_000:06d}"


async def _recorded_text(recorded: Recorded, thread: str) -> str:
    turns = await recorded.transcripts.turns(Query(thread_id=thread))
    return "\n".join(record_line(turn) for turn in turns)


async def test_the_right_code_typed_in_the_chat_cancels_and_is_never_recorded(
    recorded: Recorded, mailbox: Mailbox
) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    asked = await recorded.agent.send(thread, ASK)
    assert asked.confirmation is not None and asked.confirmation["verify"] == "email_code"
    assert "j***@example.com" in asked.text and "10 minutes" in asked.text
    (mail,) = mailbox.messages
    code = code_from(mail)
    done = await recorded.agent.send(thread, f"the code is {code[:3]} {code[3:]}")
    assert done.confirmation is None and "cancelled" in done.text.lower()
    assert recorded.env.store.orders[12346]["status_id"] == 5
    assert len(mailbox.messages) == 1  # the tool re-ran on the answer and sent nothing more
    assert code not in done.text and await recorded.agent.pending(thread) is None
    text = await _recorded_text(recorded, thread)
    assert code not in text and f"{code[:3]} {code[3:]}" not in text
    turns = await recorded.transcripts.turns(Query(thread_id=thread))
    assert turns[-1].kind == "confirmation" and turns[-1].answer is not None
    assert turns[-1].answer["code"] == "******" and turns[-1].text == "the code is ******"


async def test_three_wrong_codes_refuse_and_a_wrong_one_asks_again(
    recorded: Recorded, mailbox: Mailbox
) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, ASK)
    code = code_from(mailbox.messages[0])
    first = await recorded.agent.send(thread, wrong(code, 1))
    assert first.confirmation is not None and "2 tries left" in first.text  # still pending
    second = await recorded.agent.send(thread, wrong(code, 2))
    assert second.confirmation is not None and "1 try left" in second.text
    last = await recorded.agent.send(thread, wrong(code, 3))
    assert last.confirmation is None and await recorded.agent.pending(thread) is None
    assert recorded.env.store.orders[12346]["status_id"] == 11 and len(mailbox.messages) == 1
    late = await recorded.agent.send(thread, code)  # no confirmation pending: just a message now
    assert recorded.env.store.orders[12346]["status_id"] == 11 and late.confirmation is None
    outcomes = [e.outcome for e in await recorded.env.ctx.records.audit_entries(12346)]
    assert outcomes.count("wrong_code") == 2 and outcomes[-1] == "refused"  # each wrong try counted once
    text = await _recorded_text(recorded, thread)
    assert all(wrong(code, n) not in text for n in (1, 2, 3))


async def test_a_wrong_code_then_the_right_one_cancels(recorded: Recorded, mailbox: Mailbox) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, ASK)
    code = code_from(mailbox.messages[0])
    again = await recorded.agent.send(thread, wrong(code))
    assert again.confirmation is not None
    done = await recorded.agent.send(thread, code)
    assert recorded.env.store.orders[12346]["status_id"] == 5 and done.confirmation is None
    assert len(mailbox.messages) == 1


async def test_an_expired_code_is_refused(recorded: Recorded, mailbox: Mailbox) -> None:
    now = [NOW]
    recorded.env.ctx.clock = lambda: now[0]
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, ASK)
    code = code_from(mailbox.messages[0])
    now[0] = NOW + timedelta(minutes=10, seconds=5)
    late = await recorded.agent.send(thread, code)
    assert late.confirmation is None and recorded.env.store.orders[12346]["status_id"] == 11
    assert "expired" in late.text and len(mailbox.messages) == 1


async def test_no_and_a_new_question_abandon_as_before(recorded: Recorded, mailbox: Mailbox) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(thread, ASK)
    kept = await recorded.agent.send(thread, "no")
    assert kept.confirmation is None and recorded.env.store.orders[12346]["status_id"] == 11
    other = f"t-{uuid.uuid4().hex}"
    await recorded.agent.send(other, ASK)
    answered = await recorded.agent.send(other, "How much are the Premium Boxing Gloves?")
    assert answered.confirmation is None and await recorded.agent.pending(other) is None
    assert recorded.env.store.orders[12346]["status_id"] == 11


async def test_the_widgets_confirm_with_a_code_cancels_and_is_recorded_masked(
    recorded: Recorded, mailbox: Mailbox
) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    asked = await recorded.agent.send(thread, ASK)
    assert asked.confirmation is not None
    code = code_from(mailbox.messages[0])
    answer = {
        "confirm": True,
        "order_id": 12346,
        "proposal_id": asked.confirmation["proposal_id"],
        "code": code,
    }
    await recorded.agent.confirm(thread, answer, surface="serve")
    assert recorded.env.store.orders[12346]["status_id"] == 5
    assert code not in await _recorded_text(recorded, thread)


async def test_an_address_change_takes_its_code_in_the_chat(recorded: Recorded, mailbox: Mailbox) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    asked = await recorded.agent.send(
        thread,
        "please change the shipping address of order 12346, jane.doe@example.com. New address: 500 Elm "
        "Street, Dallas, TX 75201",
    )
    assert asked.confirmation is not None and asked.confirmation["type"] == "confirm_address_change"
    assert asked.confirmation["verify"] == "email_code" and "500 Elm Street" in asked.text
    code = code_from(mailbox.messages[0])
    retry = await recorded.agent.send(thread, wrong(code))
    assert retry.confirmation is not None and "2 tries left" in retry.text
    done = await recorded.agent.send(thread, code)
    assert done.confirmation is None and "500 Elm Street" in done.text
    assert recorded.env.store.orders[12346]["shipping_addresses"][0]["street_1"] == "500 Elm Street"
    assert len(mailbox.messages) == 1 and code not in await _recorded_text(recorded, thread)
