"""The OpenAI-compatible model against a scripted fake server on loopback: tool calls, streaming, routing,
errors, settings, and the API key kept out of reprs, logs and errors."""

from __future__ import annotations

import logging
import re
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage
from langchain_openai import ChatOpenAI

from agent.models.openai_model import (
    PLACEHOLDER_API_KEY,
    ModelError,
    RouteDecision,
    describe_model_error,
    llm_route,
    make_openai_model,
    parse_model_setting,
)
from agent.models.prompts import PROMPT_KINDS, system_prompt
from agent.settings import Settings
from agent.store.capabilities import TOOL_NAMES
from agent.tools.registry import build_tools
from tests.fakes.openai_server import FakeOpenAIServer, RecordedRequest

KEY = "sk-test-0123456789abcdefSECRETkey"


@pytest.fixture(autouse=True)
def _no_openai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_ORG_ID", "OPENAI_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def server(fake_openai: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    fake_openai.reset()
    yield fake_openai
    assert fake_openai.pending == 0, "the test left scripted replies unused"


def settings(tmp_path: Path, key: str | None = KEY, base_url: str | None = None) -> Settings:
    return Settings(home=tmp_path, model="openai:gpt-4o-mini", openai_api_key=key, openai_base_url=base_url)


def model_for(server: FakeOpenAIServer, tmp_path: Path, **kwargs: Any) -> ChatOpenAI:
    kwargs.setdefault("timeout", 10)
    return make_openai_model("gpt-4o-mini", settings(tmp_path, base_url=server.base_url), **kwargs)


def last(server: FakeOpenAIServer) -> RecordedRequest:
    return server.requests[-1]


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("offline", ("offline", None)),
        (" Offline ", ("offline", None)),
        ("openai:gpt-4o-mini", ("openai", "gpt-4o-mini")),
        ("OpenAI:gpt-4o", ("openai", "gpt-4o")),
        ("openai:llama3.1:8b", ("openai", "llama3.1:8b")),
    ],
)
def test_parse_model_setting_accepts(value: str, expected: tuple[str, str | None]) -> None:
    assert parse_model_setting(value) == expected


@pytest.mark.parametrize("value", ["", "gpt-4o-mini", "openai", "openai:", "openai: ", "anthropic:claude"])
def test_parse_model_setting_refuses_with_the_accepted_forms(value: str) -> None:
    with pytest.raises(ValueError, match=r"'offline'.*'openai:<model>'"):
        parse_model_setting(value)


def test_make_openai_model_needs_a_key_or_a_base_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="set OPENAI_API_KEY, or OPENAI_BASE_URL"):
        make_openai_model("gpt-4o-mini", settings(tmp_path, key=None))


def test_make_openai_model_for_openai_itself(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="agent.models.openai_model"):
        model = make_openai_model("gpt-4o-mini", settings(tmp_path), timeout=7, max_retries=1)
    assert model.model_name == "gpt-4o-mini"
    assert model.openai_api_base == "https://api.openai.com/v1"
    assert (model.request_timeout, model.max_retries) == (7, 1)
    assert model.streaming and model.stream_usage
    assert KEY not in repr(model) and KEY not in str(model)
    assert KEY not in caplog.text and "api.openai.com" in caplog.text


# -- tools ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("streaming", [True, False])
async def test_tool_call_round_trip(server: FakeOpenAIServer, tmp_path: Path, streaming: bool) -> None:
    model = model_for(server, tmp_path, streaming=streaming).bind_tools(build_tools())
    server.reply_tool_call(
        "get_order_information", {"order_id": "100", "email": "jane@example.com"}, id="call_abc"
    )
    messages: list[Any] = [
        SystemMessage("You help shoppers."),
        HumanMessage("Where is #100? jane@example.com"),
    ]

    ai = await model.ainvoke(messages)

    assert isinstance(ai, AIMessage)
    assert [(c["name"], c["args"], c["id"]) for c in ai.tool_calls] == [
        ("get_order_information", {"order_id": "100", "email": "jane@example.com"}, "call_abc")
    ]
    sent = last(server)
    assert sent.tool_names == list(TOOL_NAMES)
    assert sent.body["model"] == "gpt-4o-mini" and bool(sent.body.get("stream")) is streaming
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert "stream_options" not in sent.body  # no usage in streams for compatible servers

    server.reply_text("Order #100 has shipped.")
    tool_result = ToolMessage('{"status": "ok", "order": {"order_id": 100}}', tool_call_id="call_abc")
    reply = await model.ainvoke([*messages, ai, tool_result])

    assert reply.text == "Order #100 has shipped."
    history = last(server).messages
    assert history[-2]["role"] == "assistant"
    assert history[-2]["tool_calls"][0]["id"] == "call_abc"
    assert history[-2]["tool_calls"][0]["function"]["name"] == "get_order_information"
    assert history[-1] == {
        "role": "tool",
        "tool_call_id": "call_abc",
        "content": '{"status": "ok", "order": {"order_id": 100}}',
    }


async def test_streaming_yields_several_chunks(server: FakeOpenAIServer, tmp_path: Path) -> None:
    model = model_for(server, tmp_path, streaming=True)
    text = "Your order shipped yesterday with UPS."
    server.reply_text(text)

    chunks = [chunk async for chunk in model.astream([HumanMessage("where is it?")])]

    pieces = [c.text for c in chunks if c.text]
    assert len(pieces) >= 5
    assert "".join(pieces) == text
    assert all(isinstance(c, AIMessageChunk) for c in chunks)


async def test_streamed_tool_call_arguments_are_joined(server: FakeOpenAIServer, tmp_path: Path) -> None:
    model = model_for(server, tmp_path, streaming=True).bind_tools(build_tools())
    server.reply_tool_call("get_product_information", {"product": "Premium Boxing Gloves"})

    chunks = [chunk async for chunk in model.astream([HumanMessage("gloves sizes?")])]

    assert len(chunks) > 3
    merged: Any = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert isinstance(merged, AIMessageChunk)
    assert merged.tool_calls[0]["name"] == "get_product_information"
    assert merged.tool_calls[0]["args"] == {"product": "Premium Boxing Gloves"}


# -- routing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("streaming", [True, False])
async def test_llm_route_returns_a_route_decision(
    server: FakeOpenAIServer, tmp_path: Path, streaming: bool
) -> None:
    model = model_for(server, tmp_path, streaming=streaming)
    server.reply_structured({"route": "order_management", "reason": "asks where an order is"})
    history = [HumanMessage("hi"), AIMessage("Hello! How can I help?"), HumanMessage("Where is my order?")]

    decision = await llm_route(model, "Where is my order?", history, store_name="Acme Boxing")

    assert decision == RouteDecision(route="order_management", reason="asks where an order is")
    sent = last(server).body
    assert not sent.get("stream")  # the router never streams
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["name"] == "RouteDecision"
    assert "tools" not in sent
    roles = [m["role"] for m in sent["messages"]]
    assert roles == ["system", "user", "assistant", "user"]  # the latest message is sent once
    assert "Acme Boxing" in sent["messages"][0]["content"]
    assert sent["messages"][-1]["content"] == "Where is my order?"


async def test_router_transcript_leaves_tool_traffic_out(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.reply_structured({"route": "product_expert", "reason": "product question"})
    history = [
        HumanMessage("Where is #100?"),
        AIMessage("", tool_calls=[{"name": "get_order_information", "args": {}, "id": "c1"}]),
        ToolMessage("secret order data", tool_call_id="c1"),
        AIMessage("It shipped."),
    ]

    await llm_route(model_for(server, tmp_path), "Do you sell gloves?", history)

    sent = last(server).body["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert "secret order data" not in str(sent)


async def test_fake_streams_json_schema_structured_output(server: FakeOpenAIServer, tmp_path: Path) -> None:
    structured = model_for(server, tmp_path, streaming=True).with_structured_output(RouteDecision)
    server.reply_structured({"route": "respond", "reason": "thanks"})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # langchain-openai's pydantic dump of `parsed`
        decision = await structured.ainvoke([HumanMessage("thanks!")])

    assert decision == RouteDecision(route="respond", reason="thanks")
    assert last(server).body["stream"] is True


async def test_fake_serves_function_calling_structured_output(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    structured = model_for(server, tmp_path).with_structured_output(RouteDecision, method="function_calling")
    server.reply_structured({"route": "respond", "reason": "greeting"})

    decision = await structured.ainvoke([HumanMessage("hello")])

    assert decision == RouteDecision(route="respond", reason="greeting")
    assert last(server).tool_names == ["RouteDecision"]


@pytest.mark.parametrize(
    "answer", [{"route": "weather", "reason": "x"}, {"reason": "no route"}], ids=["bad-route", "missing"]
)
async def test_llm_route_refuses_an_invalid_answer(
    server: FakeOpenAIServer, tmp_path: Path, answer: dict[str, Any]
) -> None:
    server.reply_structured(answer)

    with pytest.raises(ModelError, match="expected structure") as caught:
        await llm_route(model_for(server, tmp_path), "hello")

    assert caught.value.__cause__ is not None


async def test_llm_route_refuses_plain_text(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.reply_text("I think this is about an order.")

    with pytest.raises(ModelError):
        await llm_route(model_for(server, tmp_path, streaming=False), "hello")


# -- errors ---------------------------------------------------------------------------------------


def one_sentence(text: str) -> bool:
    return bool(text) and "\n" not in text and text.endswith(".") and len(text) < 240


@pytest.mark.parametrize(
    ("status", "options", "error", "expected"),
    [
        (
            401,
            {"message": f"Incorrect API key provided: {KEY[:7]}***{KEY[-4:]}.", "code": "invalid_api_key"},
            openai.AuthenticationError,
            r"rejected the API key \(401\); check OPENAI_API_KEY",
        ),
        (429, {"message": "Rate limit reached", "retry_after": 3}, openai.RateLimitError, "retry after 3 s"),
        (
            429,
            {"message": "You exceeded your current quota", "code": "insufficient_quota"},
            openai.RateLimitError,
            "out of quota",
        ),
        (500, {"message": "The server had an error"}, openai.InternalServerError, r"internal error \(500\)"),
        (
            400,
            {"message": f"this model does not support tools (key {KEY})"},
            openai.BadRequestError,
            r"refused the request \(400\): this model does not support tools",
        ),
        (404, {"message": "model 'gpt-9' not found"}, openai.NotFoundError, "BCAGENT_MODEL"),
    ],
    ids=["401", "429", "429-quota", "500", "400", "404"],
)
async def test_provider_errors_are_described_in_one_sentence_without_the_key(
    server: FakeOpenAIServer,
    tmp_path: Path,
    status: int,
    options: dict[str, Any],
    error: type[Exception],
    expected: str,
) -> None:
    model = model_for(server, tmp_path, max_retries=0, timeout=5)
    server.reply_error(status, **options)

    with pytest.raises(error) as caught:
        await model.ainvoke([HumanMessage("hi")])

    description = describe_model_error(caught.value)
    assert re.search(expected, description), description
    assert one_sentence(description), description
    assert KEY not in description
    if status != 400:  # the 400 case has the server echo the key; the description still redacts it
        assert KEY not in str(caught.value)
    assert KEY not in describe_model_error(caught.value, secrets=[KEY])
    assert len(server.requests) == 1  # max_retries=0: no retry

    server.reply_error(status, **options)
    with pytest.raises(ModelError) as routed:
        await llm_route(model, "hi")
    assert description in str(routed.value) and KEY not in str(routed.value)


async def test_rate_limit_is_retried_after_the_servers_delay(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    model = model_for(server, tmp_path, max_retries=1, streaming=False)
    server.reply_error(429, "Rate limit reached", retry_after=0.1)
    server.reply_text("ok")

    reply = await model.ainvoke([HumanMessage("hi")])

    assert reply.text == "ok" and len(server.requests) == 2


async def test_timeout_is_described(server: FakeOpenAIServer, tmp_path: Path) -> None:
    model = model_for(server, tmp_path, max_retries=0, timeout=0.3, streaming=False)
    server.reply_text("too late", delay=5.0)  # far past the timeout, so a stalled process still times out

    with pytest.raises(openai.APITimeoutError) as caught:
        await model.ainvoke([HumanMessage("hi")])

    assert describe_model_error(caught.value).startswith("The model server did not answer in time")


async def test_unreachable_server_is_described(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = make_openai_model(
        "gpt-4o-mini", settings(tmp_path, base_url=f"http://127.0.0.1:{port}/v1"), timeout=2, max_retries=0
    )

    with pytest.raises(openai.APIConnectionError) as caught:
        await model.ainvoke([HumanMessage("hi")])

    description = describe_model_error(caught.value)
    assert "Could not reach the model server" in description and one_sentence(description)
    assert KEY not in str(caught.value)


# -- local servers: no key ------------------------------------------------------------------------


async def test_placeholder_key_against_a_local_server(server: FakeOpenAIServer, tmp_path: Path) -> None:
    model = make_openai_model("llama3.1:8b", settings(tmp_path, key=None, base_url=server.base_url))
    server.reply_text("Hi there!")

    reply = await model.ainvoke([HumanMessage("hello")])

    assert reply.text == "Hi there!"
    assert last(server).headers["authorization"] == f"Bearer {PLACEHOLDER_API_KEY}"
    assert last(server).body["model"] == "llama3.1:8b"


def test_key_never_in_repr(server: FakeOpenAIServer, tmp_path: Path) -> None:
    model = model_for(server, tmp_path)
    assert KEY not in repr(model) and KEY not in str(model)
    assert KEY not in repr(model.bind_tools(build_tools()))
    assert KEY not in repr(settings(tmp_path))


# -- prompts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PROMPT_KINDS)
def test_prompts_name_the_store_and_only_real_tools(kind: str) -> None:
    prompt = system_prompt(kind, "Acme Boxing")
    assert "Acme Boxing" in prompt and "{" not in prompt and "}" not in prompt
    mentioned = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", prompt)) - {"order_management", "product_expert"}
    assert mentioned <= set(TOOL_NAMES), mentioned - set(TOOL_NAMES)


@pytest.mark.parametrize("kind", ["order_management", "product_expert", "respond"])
def test_shopper_facing_prompts_carry_the_rules(kind: str) -> None:
    prompt = system_prompt(kind, "Acme")
    for phrase in ("only from tool results", "Never invent", "Never reveal", "in English", "short"):
        assert phrase in prompt, phrase


def test_order_prompt_asks_for_number_and_email_and_leaves_confirmation_to_the_tool() -> None:
    prompt = system_prompt("order_management", "Acme")
    assert "order number and the email address used at checkout" in prompt
    assert "The tool itself asks the shopper to confirm" in prompt


def test_unknown_prompt_kind() -> None:
    with pytest.raises(ValueError, match="order_management"):
        system_prompt("billing", "Acme")
