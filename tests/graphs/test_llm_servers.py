"""The product on a fake server that behaves like real OpenAI-compatible servers (llama.cpp's ways, one
at a time): every behaviour ends in a whole, grounded answer, never a crash or a half reply."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.assembly import model_fields
from agent.graphs import router
from agent.models.intents import NLU
from agent.runtime import Agent
from agent.settings import LLMSettings, Settings
from tests.fakes.openai_server import Behaviour, FakeOpenAIServer
from tests.tools.conftest import ToolsEnv

ORDER_QUESTION = "Where is my order 12345? My email is jane.doe@example.com"
TRACKING = "1Z999AA10123456784"
Make = Callable[..., Any]


@pytest.fixture
def servers() -> Iterator[list[FakeOpenAIServer]]:
    started: list[FakeOpenAIServer] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
async def make_agent(
    env: ToolsEnv, nlu: NLU, tmp_path: Path, servers: list[FakeOpenAIServer]
) -> AsyncIterator[Make]:
    """``await make_agent(behaviour, **llm_settings)`` -> (agent, fake server)."""
    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "c.sqlite")) as saver:

        async def make(behaviour: Behaviour | None = None, **llm: Any) -> tuple[Agent, FakeOpenAIServer]:
            fake = FakeOpenAIServer(behaviour=behaviour).start()
            servers.append(fake)
            llm.setdefault("turn_budget_seconds", 600)  # the first turn also warms up the NLU
            llm.setdefault("max_retries", 0)
            llm.setdefault("timeout_seconds", 20)
            settings = Settings(
                home=tmp_path,
                model="openai:fake-model",
                openai_base_url=fake.base_url,
                llm=dataclasses.replace(LLMSettings(), **llm),
            )
            context = dataclasses.replace(env.context, **model_fields(settings, nlu))
            return Agent(router.build(saver), context), fake

        yield make


def thread() -> str:
    return uuid.uuid4().hex


def notes(result: Any, key: str) -> list[Any]:
    return [n[key] for n in result.notes if key in n]


# -- requests real servers accept --------------------------------------------------------------------


async def test_tools_ignored_without_tool_choice_are_called_with_it(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(tools_need_tool_choice=True))
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text(f"Order #12345 has shipped with UPS. Tracking number: {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert fake.requests[0].body["tool_choice"] == "auto"
    assert fake.requests[0].body["max_tokens"] == 400
    assert [c["name"] for c in result.tool_calls] == ["get_order_information"]
    assert TRACKING in result.text
    assert result.counters.safety_net_calls == 0


async def test_without_tool_choice_the_safety_net_makes_the_call(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(tools_need_tool_choice=True), tool_choice="omit")
    fake.reply_tool_call("get_order_information", {"order_id": "12345"})  # ignored: answered in text
    fake.reply_text(f"Your order #12345 shipped with UPS, tracking {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert "tool_choice" not in fake.requests[0].body
    assert result.counters.safety_net_calls == 1
    assert notes(result, "safety_net") == [True]
    assert result.tool_calls[0]["args"] == {"order_id": "12345", "email": "jane.doe@example.com"}
    assert TRACKING in result.text


async def test_content_null_is_never_sent(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(refuse_null_content=True))
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text(f"It shipped with UPS. Tracking number: {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    follow_up = fake.requests[1].messages
    assistant = [m for m in follow_up if m["role"] == "assistant"]
    assert assistant and assistant[0]["content"] == "" and assistant[0]["tool_calls"]
    assert TRACKING in result.text and not notes(result, "model_error")


async def test_streamed_tool_choice_that_answers_an_empty_stream_is_retried_unstreamed(
    make_agent: Make,
) -> None:
    agent, fake = await make_agent(Behaviour(no_streamed_tool_choice=True), stream="on")
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text(f"Tracking number: {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert fake.requests[0].body["stream"] is True
    assert not fake.requests[1].body.get("stream")  # the retry
    assert TRACKING in result.text


# -- routing without json_schema ---------------------------------------------------------------------


async def test_json_schema_refused_routing_falls_back_and_remembers(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(refuse_json_schema=True))
    fake.reply_structured({"route": "respond", "reason": "small talk"})
    fake.reply_structured({"route": "respond", "reason": "small talk"})

    first = await agent.send(thread(), "can you check something for me")
    second = await agent.send(thread(), "can you check something for me")

    formats = [(r.body.get("response_format") or {}).get("type") for r in fake.requests]
    assert formats == ["json_schema", "json_object", "json_object"]  # probed once, then remembered
    assert agent.context.routing.mode == "json_object" and agent.context.routing.learned
    assert first.routes == second.routes == ["respond"]
    assert first.counters.model_failures == second.counters.model_failures == {}


async def test_routing_by_a_forced_tool_call(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(refuse_json_schema=True), routing="tool")
    fake.reply_structured({"route": "respond", "reason": "small talk"})

    result = await agent.send(thread(), "can you check something for me")

    body = fake.requests[0].body
    assert body["tool_choice"] == {"type": "function", "function": {"name": "RouteDecision"}}
    assert "response_format" not in body
    assert result.routes == ["respond"]


# -- failures are answers ----------------------------------------------------------------------------


async def test_cut_streams_are_not_shown_as_whole(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(cut_streams=True), stream="on")
    long_reply = "Sure! I can look that up for you once you tell me your order number and email address."
    fake.reply_text(long_reply)
    fake.reply_text(long_reply)  # the one retry is cut as well

    result = await agent.send(thread(), "Where is my order?")

    assert long_reply not in result.text and long_reply[:20] not in result.text
    assert "cut off" in result.text and "person" in result.text
    assert notes(result, "model_error") == ["cut"]
    assert result.counters.model_failures["cut"] == 1


async def test_a_cut_tool_call_falls_to_the_net_and_the_reply_to_the_tool_results(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(cut_streams=True), stream="on")
    for _ in range(2):
        fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    for _ in range(2):
        fake.reply_text(f"Your order #12345 shipped with UPS, tracking {TRACKING}, and it will arrive soon.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert result.counters.safety_net_calls == 1
    assert TRACKING in result.text and result.text.rstrip().endswith((".", "?", "!"))
    assert notes(result, "composed") == [True]  # the answer composed from the tool result


async def test_context_overflow_after_a_200_is_an_answer_and_the_next_turn_works(make_agent: Make) -> None:
    # The product believes in a large window, the server has a small one: the server overflows.
    agent, fake = await make_agent(Behaviour(context_tokens=1200), stream="on", context_tokens=32000)
    config: Any = {"configurable": {"thread_id": "long"}}
    old = [
        m for i in range(30) for m in (HumanMessage(f"question {i} " + "x" * 300), AIMessage("answer " * 40))
    ]
    await agent.graph.aupdate_state(config, {"messages": old, "active": "order_management"})
    fake.reply_text("This will never be generated.")
    fake.reply_text("Nor this.")

    result = await agent.send("long", "Where is my order?")

    assert fake.requests[0].body["stream"] is True and not fake.requests[1].body.get("stream")
    assert len(fake.requests[1].messages) < len(fake.requests[0].messages)  # trimmed for the retry
    assert notes(result, "model_error") == ["overflow"]
    assert "too long" in result.text
    fake.reply_text("Hello again! How can I help?")
    again = await agent.send("long", "hello")
    assert again.text


async def test_history_is_trimmed_to_the_window_keeping_the_tool_facts(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(context_tokens=5000), context_tokens=5000)
    config: Any = {"configurable": {"thread_id": "long"}}
    fact = ToolMessage('{"status":"ok","code":"SAVE20","valid":true}', tool_call_id="c0", name="x")
    old: list[Any] = [
        HumanMessage("is SAVE20 valid?"),
        AIMessage("", tool_calls=[{"name": "lookup_discount_code", "args": {"code": "SAVE20"}, "id": "c0"}]),
        fact,
        AIMessage("SAVE20 is valid."),
    ]
    old += [m for i in range(40) for m in (HumanMessage(f"chat {i} " + "y" * 200), AIMessage("ok " * 30))]
    await agent.graph.aupdate_state(config, {"messages": old, "active": "order_management"})
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text(f"It shipped with UPS. Tracking number: {TRACKING}.")

    result = await agent.send("long", ORDER_QUESTION)

    sent = fake.requests[0].messages
    assert any(m["role"] == "tool" and "SAVE20" in m["content"] for m in sent)  # the fact stayed
    assert not any("chat 0 " in str(m.get("content")) for m in sent)  # the oldest chatter went
    assert TRACKING in result.text and not notes(result, "model_error")
    assert notes(result, "trimmed_messages")


async def test_runaway_output_is_capped_and_not_shown(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(runaway=True), max_tokens=120)
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text("(runs on)")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert fake.requests[1].body["max_tokens"] == 120
    assert "555-123-4567" not in result.text
    assert notes(result, "model_error") == ["length"]
    assert TRACKING in result.text  # composed from the tool result instead


async def test_no_usage_in_streams_is_estimated(make_agent: Make) -> None:
    agent, fake = await make_agent(Behaviour(stream_usage=False), stream="on")
    fake.reply_tool_call("get_order_information", {"order_id": "12345", "email": "jane.doe@example.com"})
    fake.reply_text(f"It shipped with UPS. Tracking number: {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert fake.requests[0].body["stream"] is True
    assert result.input_tokens > 0 and result.output_tokens > 0
    assert notes(result, "usage_estimated") == [True, True]


async def test_an_unreachable_server_is_an_answer(make_agent: Make) -> None:
    agent, fake = await make_agent()
    fake.stop()

    failed = await agent.send(thread(), "Where is my order?")
    netted = await agent.send(thread(), ORDER_QUESTION)

    assert "not responding" in failed.text and "person" in failed.text
    assert notes(failed, "model_error") == ["unreachable"]
    assert TRACKING in netted.text  # the net called the tool; its result composed the reply


async def test_a_refused_request_is_named_as_refused(make_agent: Make) -> None:
    agent, fake = await make_agent()
    fake.reply_error(500, "Unsupported param: parallel_tool_calls", type="server_error")

    result = await agent.send(thread(), "Where is my order?")

    details = notes(result, "detail")
    assert details and "refused the request (500)" in details[0]
    assert result.counters.model_failures["refused"] == 1


# -- what the model invents --------------------------------------------------------------------------


async def test_invented_tool_arguments_are_refused_without_touching_the_store(
    make_agent: Make, env: ToolsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent, fake = await make_agent()
    fake.reply_invented_call("check_gift_card_balance")  # code = the tool's name
    fake.reply_text("Please tell me your gift card code.")
    touched: list[Any] = []

    async def spy(*args: Any, **kwargs: Any) -> Any:
        touched.append(args)
        raise AssertionError("the store was asked about an invented code")

    monkeypatch.setattr(env.ctx.client.gift_certificates, "find_by_code", spy)
    talk = thread()

    result = await agent.send(talk, "What's the balance on my gift card?")

    refused = [r for r in result.tool_results if '"unproven_argument"' in r["content"]]
    assert refused and result.counters.provenance_refusals == 1
    assert touched == []
    assert (await env.ctx.records.load(talk)).wrong_gift_codes == 0  # no attempt counted
    assert result.text == "Please tell me your gift card code."


async def test_an_invented_order_lookup_is_refused(make_agent: Make, env: ToolsEnv) -> None:
    agent, fake = await make_agent()
    fake.reply_invented_call("get_order_information")  # order 12345, an email that is a URL
    fake.reply_text("Could you give me your order number and email?")
    talk = thread()

    result = await agent.send(talk, "Where is my order?")

    assert '"unproven_argument"' in result.tool_results[0]["content"]
    assert (await env.ctx.records.load(talk)).failed_lookups == 0
    assert TRACKING not in result.text


async def test_handoff_summary_is_the_shoppers_words(make_agent: Make, env: ToolsEnv) -> None:
    agent, fake = await make_agent(safety_net=False)  # the net would look the order up instead
    fake.reply_tool_call("transfer_to_human", {"summary": "Customer wants a refund for a yacht."})
    fake.reply_text("I've passed this to our team.")

    result = await agent.send(thread(), "My order 12345 arrived with the gloves torn, jane.doe@example.com")

    assert [c["name"] for c in result.tool_calls] == ["transfer_to_human"]
    handoff = (await env.ctx.records.handoffs())[-1]
    assert "gloves torn" in handoff.summary and "yacht" not in handoff.summary


async def test_invented_arguments_for_a_clear_request_are_replaced_by_the_nets(make_agent: Make) -> None:
    agent, fake = await make_agent()
    fake.reply_invented_call("get_order_information")  # order 12345, and a URL for the email
    fake.reply_text(f"Order #12345 shipped with UPS. Tracking number: {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert result.tool_calls == [
        {"name": "get_order_information", "args": {"order_id": "12345", "email": "jane.doe@example.com"}}
    ]
    assert notes(result, "replaced_calls") == [["get_order_information"]]
    assert TRACKING in result.text


async def test_no_tool_call_at_all_is_caught_by_the_net(make_agent: Make) -> None:
    agent, fake = await make_agent()
    fake.reply_text("Your order is on its way and will arrive tomorrow!")
    fake.reply_text(f"Order #12345 shipped with UPS. Tracking number: {TRACKING}.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert result.counters.safety_net_calls == 1
    assert [c["name"] for c in result.tool_calls] == ["get_order_information"]
    assert TRACKING in result.text and "tomorrow" not in result.text


async def test_without_the_net_an_invented_status_is_replaced(make_agent: Make) -> None:
    agent, fake = await make_agent(safety_net=False)
    fake.reply_text("Your order is on its way! Call 555-123-4567 with questions.")

    result = await agent.send(thread(), ORDER_QUESTION)

    assert not result.tool_calls and result.counters.safety_net_calls == 0
    assert "on its way" not in result.text and "555-123-4567" not in result.text
    assert result.counters.grounding_replacements == 1
    replaced = notes(result, "grounding_replaced")
    assert replaced and any("on its way" in fact for fact in replaced[0])


async def test_the_turn_budget_bounds_the_turn(make_agent: Make) -> None:
    agent, fake = await make_agent(turn_budget_seconds=1.5, timeout_seconds=20)
    await agent.send(thread(), "hello")  # warm the NLU outside the measured turn
    fake.reply_text("too late", delay=5)

    result = await agent.send(thread(), "Where is my order?")

    assert notes(result, "model_error") in (["timeout"], ["budget"])
    assert "try again" in result.text
