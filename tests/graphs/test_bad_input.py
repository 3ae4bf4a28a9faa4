"""Bad input end to end: whatever the text, an answer or a question back, never an exception, no store
request and no attempt spent on something the shopper did not ask about."""

from __future__ import annotations

import uuid

import pytest

from agent.runtime import Agent
from sandbox.demo import DEMO_STORE_HASH
from tests.tools.conftest import ToolsEnv

EMAIL_THREAD = """\
-----Original Message-----
From: Customer Care <care@othershop.example>
Sent: Monday, March 3, 2025 9:14 AM
To: me
Subject: RE: URGENT FWD: your request

> Hi there,
> Thanks for reaching out! We RECEIVED your message and will get back to you.
> Kind regards, THE TEAM
"""
BAD_INPUTS = {
    "5000 characters": ("lorem ipsum dolor sit amet " * 200)[:5000],
    "one long word": "a" * 5000,
    "emoji only": "🥊🔥😂🙏🏽👍" * 3,
    "Hebrew": "שלום, יש לכם כפפות אגרוף?",
    "Arabic": "مرحبا، هل لديكم قفازات ملاكمة؟",
    "Chinese": "你好，你们有拳击手套吗？",
    "a pasted email thread": EMAIL_THREAD,
    "markup": "<script>alert('xss1')</script><b>HELLO</b> <img src=x onerror=alert(1)>",
    "control characters": "\x00\x1b[31mRED\x1b[0m \u202e\u200b",
}


SPENDING = frozenset(
    {"lookup_discount_code", "check_gift_card_balance", "get_order_information", "cancel_order"}
)


CODE_TOOLS = frozenset({"lookup_discount_code", "check_gift_card_balance"})


def _requests(env: ToolsEnv) -> object:
    return env.sandbox.limiter.tally(DEMO_STORE_HASH)["counted"]


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
async def test_bad_input_gets_an_answer_and_touches_nothing(agent: Agent, env: ToolsEnv, kind: str) -> None:
    before = _requests(env)
    result = await agent.send(uuid.uuid4().hex, BAD_INPUTS[kind])
    assert result.text.strip(), kind
    lookups = [c for c in result.tool_calls if c["name"] in SPENDING]
    assert lookups == [], (kind, result.tool_calls)
    assert _requests(env) == before, kind
    assert "Traceback" not in result.text and "Error" not in result.text


async def test_bad_input_mid_conversation_keeps_the_conversation_going(agent: Agent, env: ToolsEnv) -> None:
    thread = uuid.uuid4().hex
    await agent.send(thread, "where is order 12345?")
    for kind, text in BAD_INPUTS.items():
        result = await agent.send(thread, text)
        assert result.text.strip(), kind
        spent = [  # a code checked, or an order looked up with an email: attempts a shopper has few of
            c
            for c in result.tool_calls
            if c["name"] in CODE_TOOLS or (c["name"] in SPENDING and c["args"].get("email"))
        ]
        assert spent == [], (kind, result.tool_calls)
    done = await agent.send(thread, "where is order 12345? jane.doe@example.com")
    assert "Order #12345" in done.text
