"""Replaying a recorded conversation: unchanged, then with a tool changed, then accepted."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import httpx

from agent.models.intents import NLU
from agent.replay.compare import compare_turn, facts
from agent.replay.recording import Recording, from_turns, read
from agent.replay.runner import ReplayOptions, replay
from agent.settings import LLMSettings, Settings
from sandbox.app import Sandbox
from sandbox.demo import generate_demo_store
from sandbox.state import SandboxStore
from tests.fakes.openai_server import FakeOpenAIServer


async def test_unchanged_conversation_replays_clean(recording_file: Path, nlu: NLU, tmp_path: Path) -> None:
    result = await replay(read(recording_file), Settings(home=tmp_path / "nohome"), ReplayOptions(), nlu=nlu)
    assert [(d.line(), d.detail) for d in result.divergences] == []
    assert result.sent == 0 and result.answered > 0
    assert [len(g) for g in result.groups] == [1, 1, 1, 1]


async def test_live_replay_never_writes(
    conversation: Recording, nlu: NLU, home: Path, tmp_path: Path
) -> None:
    """Against the connected store: reads go to it, the cancel's PUT is answered from the recording."""
    fresh = Sandbox([SandboxStore.from_data(generate_demo_store(40, seed=0))], quota=10**6)
    seen: list[str] = []

    class Watching(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request.method)
            return await httpx.ASGITransport(app=fresh).handle_async_request(request)

    result = await replay(
        conversation, Settings(home=home), ReplayOptions(against="live"), nlu=nlu, inner=Watching()
    )
    assert seen and set(seen) == {"GET"}  # nothing but reads reached the store
    assert fresh.store.orders[12346]["status_id"] != 5  # the live order is untouched
    assert result.sent == len(seen) and result.answered >= 1
    assert [d.line() for d in result.divergences] == []


async def test_sandbox_replay(conversation: Recording, nlu: NLU, tmp_path: Path) -> None:
    """Against a fresh sandbox demo store (the recording's store data as generated): same conversation."""
    store = Sandbox([SandboxStore.from_data(generate_demo_store(40, seed=0))], quota=10**6)
    result = await replay(
        conversation,
        Settings(home=tmp_path),
        ReplayOptions(against="sandbox"),
        nlu=nlu,
        inner=httpx.ASGITransport(app=store),
    )
    assert result.sent > 0 and store.store.orders[12346]["status_id"] == 5
    assert [d.line() for d in result.divergences] == []


def test_argument_difference_names_the_turn(conversation: Recording) -> None:
    was = conversation.turns[0]
    now = copy.deepcopy(was)
    now.tool_calls[0].args.pop("email")
    lines = [d.line() for d in compare_turn(1, was, now)]
    assert lines == ["turn 1: get_order_information email: recorded jane.doe@example.com, now (missing)"]

    # other words, the same facts: tolerable; another tracking number: not
    reworded = copy.deepcopy(was)
    reworded.replies = [reply.replace("Tracking number:", "Your tracking number is") for reply in was.replies]
    (wording,) = compare_turn(1, was, reworded)
    assert wording.what == "reply" and wording.tolerable and wording.detail
    wrong = copy.deepcopy(was)
    wrong.replies = [reply.replace("1Z999AA10123456784", "1Z999AA10123456799") for reply in was.replies]
    assert [d.what for d in compare_turn(1, was, wrong)] == ["facts", "reply"]
    assert not compare_turn(1, was, wrong)[1].tolerable


def test_facts() -> None:
    found = facts(
        "Order #12345 is Shipped: $1,079.99, tracking 1Z999AA10123456784, code SAVE20 on June 3, 2025."
    )
    assert found == Counter(
        {
            ("order", "12345"): 1,
            ("status", "shipped"): 1,
            ("amount", "$1,079.99"): 1,
            ("tracking", "1Z999AA10123456784"): 1,
            ("code", "SAVE20"): 1,
            ("date", "june 3, 2025"): 1,
        }
    )


async def test_a_replay_with_an_llm_uses_the_configured_llm_settings(
    conversation: Recording, nlu: NLU, tmp_path: Path
) -> None:
    """``--model openai:...`` runs with every configured ``BCAGENT_LLM_*`` setting, as serve and eval do:
    here the safety net is off, so an LLM that answers an order question in words calls no tool."""
    first = from_turns(conversation.turns[:1], scopes=conversation.scopes)
    with FakeOpenAIServer() as fake:
        fake.reply_text("Let me know if there is anything else.")
        settings = Settings(
            home=tmp_path,
            openai_base_url=fake.base_url,
            llm=LLMSettings(safety_net=False, max_retries=0, turn_budget_seconds=600),
        )
        result = await replay(first, settings, ReplayOptions(model="openai:fake-model"), nlu=nlu)
    (turn,) = result.groups[0]
    assert turn.tool_calls == []  # with the default settings, the safety net would have called the tool
    assert len(fake.requests) == 1
    assert turn.model.name == "openai:fake-model" and turn.model.llm_calls == 1
