"""call_llm's pieces that need no server: trimming to the context window, the LLM settings."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from agent.models.llm_call import message_tokens, time_left, trim_history, turn_deadline
from agent.settings import LLMSettings, Settings, SettingsError


def history() -> list[object]:
    old = [m for i in range(20) for m in (HumanMessage(f"q{i} " + "a" * 90), AIMessage(f"r{i} " + "b" * 90))]
    fact = [
        AIMessage("", tool_calls=[{"name": "lookup_discount_code", "args": {"code": "SAVE20"}, "id": "c1"}]),
        ToolMessage('{"code":"SAVE20","valid":true}', tool_call_id="c1"),
    ]
    return [SystemMessage("system " * 20), *old[:10], *fact, *old[10:], HumanMessage("now " * 10)]


def test_trim_keeps_the_system_prompt_the_turn_and_the_facts() -> None:
    messages = history()
    trimmed = trim_history(messages, 400)  # type: ignore[arg-type]
    assert trimmed[0] == messages[0] and trimmed[-1] == messages[-1]
    assert any(isinstance(m, ToolMessage) for m in trimmed)
    calls = [m for m in trimmed if isinstance(m, AIMessage) and m.tool_calls]
    assert len(calls) == 1  # the exchange stays whole
    assert sum(message_tokens(m) for m in trimmed) <= 400
    assert len(trimmed) < len(messages)
    texts = [m.text for m in trimmed]
    assert not any(t.startswith("q0 ") for t in texts)  # the oldest went first
    assert any(t.startswith("q19 ") for t in texts)


def test_trim_drops_facts_only_when_the_texts_are_gone() -> None:
    messages = history()
    trimmed = trim_history(messages, 80)  # type: ignore[arg-type]
    assert trimmed == [messages[0], messages[-1]]
    assert trim_history(messages, 100_000) == messages  # type: ignore[arg-type]


def test_turn_deadline_is_scoped() -> None:
    assert time_left() is None
    with turn_deadline(30):
        left = time_left()
        assert left is not None and 0 < left <= 30
    assert time_left() is None


def test_llm_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "BCAGENT_LLM_TOOL_CHOICE": "required",
            "BCAGENT_LLM_STREAM": "off",
            "BCAGENT_LLM_MAX_TOKENS": "256",
            "BCAGENT_LLM_ROUTING": "tool",
            "BCAGENT_LLM_CONTEXT_TOKENS": "4096",
            "BCAGENT_TURN_BUDGET_SECONDS": "20",
            "BCAGENT_LLM_SAFETY_NET": "off",
        }
    )
    llm = settings.llm
    assert (llm.tool_choice, llm.stream, llm.max_tokens, llm.routing) == ("required", "off", 256, "tool")
    assert (llm.context_tokens, llm.turn_budget_seconds, llm.safety_net) == (4096, 20.0, False)
    assert not llm.streams(None) and llm.context_window("http://x") == 4096


def test_llm_setting_defaults_depend_on_the_server() -> None:
    llm = LLMSettings()
    assert llm.streams(None) and not llm.streams("http://127.0.0.1:8080/v1")
    assert llm.context_window(None) == 128000 and llm.context_window("http://127.0.0.1:8080/v1") == 4096


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("BCAGENT_LLM_TOOL_CHOICE", "always", "auto, required, omit"),
        ("BCAGENT_LLM_MAX_TOKENS", "lots", "not a number"),
        ("BCAGENT_LLM_MAX_TOKENS", "3", "at least 16"),
        ("BCAGENT_LLM_SAFETY_NET", "maybe", "on or off"),
    ],
)
def test_bad_llm_settings_say_what_to_use(name: str, value: str, said: str) -> None:
    with pytest.raises(SettingsError, match=said) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value)
