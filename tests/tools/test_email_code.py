"""cancel_order under the ``email_code`` policy (issue 27), the tool's two steps called directly, with a
real SMTP server on loopback (aiosmtpd) receiving the code: sent once to the order's billing address,
right code cancels, wrong codes count (three tries), expiry, email failures, SMTP gone; address changes
follow the same policy."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest

from agent.settings import HandoffSettings
from agent.tools.address_change import execute_address_change, propose_address_change
from agent.tools.cancel import execute_cancellation, propose_cancellation
from agent.tools.context import VerifiedCustomer
from agent.tools.email_code import NO_EMAIL, code_in, without_code
from tests.handoffs.receivers import Mailbox, smtp_server
from tests.tools.conftest import NOW, ToolsEnv

JANE = "jane.doe@example.com"


@pytest.fixture
def mailbox(env: ToolsEnv) -> Iterator[Mailbox]:
    """The demo store under ``email_code``, its email going to a real SMTP server on loopback."""
    with smtp_server() as (box, port, _):
        env.ctx.handoff = HandoffSettings(
            smtp_url=f"smtp://127.0.0.1:{port}",
            email_to="desk@knockout.example",
            email_from="shop@knockout.example",
        )
        env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="email_code")
        yield box


def code_from(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"\b(\d{6})\b", body.get_content())
    assert found, "no code in the email"
    return found.group(1)


def answer(confirmation: dict[str, object], code: str | None) -> dict[str, object]:
    given: dict[str, object] = {
        "confirm": True,
        "order_id": confirmation["order_id"],
        "proposal_id": confirmation["proposal_id"],
    }
    if code is not None:
        given["code"] = code
    return given


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_code_goes_to_the_orders_billing_address_once_and_cancels(
    env: ToolsEnv, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", "  Jane.Doe@Example.COM ")
    assert proposal["status"] == "confirm", proposal["message"]
    confirmation = proposal["confirmation"]
    assert confirmation["verify"] == "email_code" and confirmation["sent_to"] == "j***@example.com"
    assert "j***@example.com" in confirmation["question"] and "10 minutes" in confirmation["question"]
    (mail,) = mailbox.messages
    assert mail["To"] == JANE and "12346" in mail["Subject"]  # the order's address, not as typed
    code = code_from(mail)
    assert code not in str(proposal)
    again = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)  # the tool re-run on resume
    assert again["status"] == "confirm" and len(mailbox.messages) == 1  # no second email
    assert env.store.orders[12346]["status_id"] == 11
    done = await execute_cancellation(env.ctx, env.conversation, confirmation, answer(confirmation, code))
    assert done["status"] == "ok" and done["cancelled"] and env.store.orders[12346]["status_id"] == 5
    assert await env.ctx.records.email_codes.find("t1", 12346) is None  # used: gone
    entries = await env.ctx.records.audit_entries(12346)
    assert [e.outcome for e in entries] == ["proposed", "proposed", "cancelled"]
    assert not any(code in (e.detail or "") for e in entries)
    ours = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith("mail.")
    )  # not the receiver
    assert code not in ours and "j***@example.com" in ours  # logged, masked, without the code
    assert code not in repr(env.ctx.records.email_codes) and code not in str(done)


async def test_three_wrong_codes_refuse_and_offer_a_person(env: ToolsEnv, mailbox: Mailbox) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    confirmation = proposal["confirmation"]
    code = code_from(mailbox.messages[0])
    first = await execute_cancellation(
        env.ctx, env.conversation, confirmation, answer(confirmation, wrong(code)), 0
    )
    assert first["status"] == "confirm" and "2 tries left" in first["message"]
    assert first["confirmation"]["tries_left"] == 2
    replayed = await execute_cancellation(  # the tool re-run: the same answer again counts once
        env.ctx, env.conversation, confirmation, answer(confirmation, wrong(code)), 0
    )
    assert replayed["status"] == "confirm"
    second = await execute_cancellation(
        env.ctx, env.conversation, confirmation, answer(confirmation, "000000"), 1
    )
    assert "1 try left" in second["message"]
    last = await execute_cancellation(
        env.ctx, env.conversation, confirmation, answer(confirmation, "999999"), 2
    )
    assert last["status"] == "refused" and last["offer_human"] and "team" in last["message"]
    assert env.store.orders[12346]["status_id"] == 11
    assert await env.ctx.records.email_codes.find("t1", 12346) is None
    late = await execute_cancellation(env.ctx, env.conversation, confirmation, answer(confirmation, code), 3)
    assert late["status"] == "refused" and env.store.orders[12346]["status_id"] == 11  # the code is gone
    outcomes = [(e.outcome, e.detail) for e in await env.ctx.records.audit_entries(12346)]
    assert outcomes[1:4] == [
        ("wrong_code", "tries left: 2"),
        ("wrong_code", "tries left: 1"),
        ("refused", "wrong code, no tries left"),
    ]


async def test_an_expired_code_is_refused_and_a_new_request_sends_a_new_one(
    env: ToolsEnv, mailbox: Mailbox
) -> None:
    now = [NOW]
    env.ctx.clock = lambda: now[0]
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    confirmation = proposal["confirmation"]
    code = code_from(mailbox.messages[0])
    now[0] = NOW + timedelta(minutes=10, seconds=1)
    late = await execute_cancellation(env.ctx, env.conversation, confirmation, answer(confirmation, code))
    assert late["status"] == "refused" and "expired" in late["message"] and late["offer_human"]
    assert late["message"].endswith(
        "Ask me again to get a new code, or I can connect you with a member of our team."
    )
    assert env.store.orders[12346]["status_id"] == 11
    fresh = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert fresh["status"] == "confirm" and len(mailbox.messages) == 2
    new_code = code_from(mailbox.messages[1])
    done = await execute_cancellation(
        env.ctx, env.conversation, fresh["confirmation"], answer(confirmation, new_code)
    )
    assert done["cancelled"]


async def test_a_code_expired_while_the_tool_waited_is_refused_when_it_re_runs(
    env: ToolsEnv, mailbox: Mailbox
) -> None:
    now = [NOW]
    env.ctx.clock = lambda: now[0]
    await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    now[0] = NOW + timedelta(minutes=11)
    rerun = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)  # the resume's re-run
    assert rerun["status"] == "refused" and "expired" in rerun["message"] and len(mailbox.messages) == 1


async def test_yes_without_the_code_asks_for_it_and_no_abandons(env: ToolsEnv, mailbox: Mailbox) -> None:
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    confirmation = proposal["confirmation"]
    bare = await execute_cancellation(env.ctx, env.conversation, confirmation, answer(confirmation, None))
    assert bare["status"] == "confirm" and "6-digit code" in bare["message"]
    assert (await env.ctx.records.email_codes.find("t1", 12346)) is not None  # no try spent
    declined = {"confirm": False, "order_id": 12346, "proposal_id": confirmation["proposal_id"]}
    kept = await execute_cancellation(env.ctx, env.conversation, confirmation, declined, 1)
    assert kept["status"] == "refused" and "not cancelled" in kept["message"]
    assert await env.ctx.records.email_codes.find("t1", 12346) is None
    assert env.store.orders[12346]["status_id"] == 11


async def test_an_email_that_cannot_be_sent_keeps_no_code_and_offers_a_person(
    env: ToolsEnv, mailbox: Mailbox
) -> None:
    mailbox.refuse = True
    refused = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert (
        refused["status"] == "unavailable"
        and refused["offer_human"]
        and "couldn't send" in refused["message"]
    )
    assert await env.ctx.records.email_codes.find("t1", 12346) is None
    mailbox.refuse = False
    assert (await propose_cancellation(env.ctx, env.conversation, "12346", JANE))["status"] == "confirm"


async def test_without_smtp_email_code_refuses_and_never_falls_back(env: ToolsEnv) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="email_code")
    env.ctx.handoff = HandoffSettings()
    refused = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert refused["status"] == "refused" and refused["message"] == NO_EMAIL and refused["offer_human"]
    assert env.store.orders[12346]["status_id"] == 11


async def test_a_signed_in_owner_needs_no_code(env: ToolsEnv, mailbox: Mailbox) -> None:
    signed_in = env.new_conversation("signed-in")
    signed_in.verified_customer = VerifiedCustomer(id=1, email=JANE)
    proposal = await propose_cancellation(env.ctx, signed_in, "12346", None)
    assert proposal["status"] == "confirm" and "verify" not in proposal["confirmation"]
    assert not mailbox.messages
    done = await execute_cancellation(env.ctx, signed_in, proposal["confirmation"], True)
    assert done["cancelled"]


async def test_a_yes_to_a_proposal_made_before_the_store_chose_email_code_is_refused(
    env: ToolsEnv, mailbox: Mailbox
) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="order_and_email")
    proposal = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="email_code")
    refused = await execute_cancellation(env.ctx, env.conversation, proposal["confirmation"], True)
    assert refused["status"] == "refused" and env.store.orders[12346]["status_id"] == 11


def test_codes_are_found_in_messages_and_masked() -> None:
    assert code_in("my code is 123 456") == "123456" and code_in("123-456.") == "123456"
    assert code_in("order 12346") is None and code_in("1234567") is None
    assert without_code("it's 654321, thanks") == "it's ******, thanks"


NEW_ADDRESS = {"street_1": "500 Elm Street", "city": "Dallas", "state": "TX", "zip": "75201"}


async def test_an_address_change_needs_its_own_code_too(env: ToolsEnv, mailbox: Mailbox) -> None:
    proposal = await propose_address_change(env.ctx, env.conversation, "12346", JANE, NEW_ADDRESS)
    assert proposal["status"] == "confirm", proposal["message"]
    confirmation = proposal["address_confirmation"]
    assert confirmation["verify"] == "email_code" and "500 Elm Street" in confirmation["question"]
    (mail,) = mailbox.messages
    assert mail["To"] == JANE and "shipping address of order #12346" in mail["Subject"]
    code = code_from(mail)
    again = await propose_address_change(env.ctx, env.conversation, "12346", JANE, NEW_ADDRESS)
    assert again["status"] == "confirm" and len(mailbox.messages) == 1  # the re-run sends nothing
    bare = await execute_address_change(env.ctx, env.conversation, confirmation, answer(confirmation, None))
    assert bare["status"] == "confirm" and "6-digit code" in bare["message"]  # a yes without the code
    retry = await execute_address_change(
        env.ctx, env.conversation, confirmation, answer(confirmation, wrong(code)), 1
    )
    assert retry["status"] == "confirm" and "2 tries left" in retry["message"]
    assert env.store.orders[12346]["shipping_addresses"][0]["street_1"] == "123 Main Street"
    done = await execute_address_change(
        env.ctx, env.conversation, confirmation, answer(confirmation, code), 2
    )
    assert (
        done["status"] == "ok"
        and env.store.orders[12346]["shipping_addresses"][0]["street_1"] == "500 Elm Street"
    )
    cancel = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)  # a code of its own
    assert cancel["status"] == "confirm" and len(mailbox.messages) == 2


async def test_verified_only_keeps_guests_from_changing_an_address(env: ToolsEnv) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, who_may_cancel="verified_only")
    refused = await propose_address_change(env.ctx, env.conversation, "12346", JANE, NEW_ADDRESS)
    assert refused["status"] == "refused" and "signed-in" in refused["message"] and refused["offer_human"]
    signed_in = env.new_conversation("signed-in")
    signed_in.verified_customer = VerifiedCustomer(id=1, email=JANE)
    allowed = await propose_address_change(env.ctx, signed_in, "12346", None, NEW_ADDRESS)
    assert allowed["status"] == "confirm"
