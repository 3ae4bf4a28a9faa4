"""The OpenAI-compatible chat model: OpenAI itself, or any server speaking its Chat Completions API.

``BCAGENT_MODEL=openai:<model>`` selects it (``parse_model_setting``); ``make_openai_model`` builds a
``CompatChatOpenAI`` whose key and base URL come from ``Settings`` only (both are passed explicitly, so
langchain and the openai client never fall back to their own ``OPENAI_*`` variables for them), so vLLM,
Ollama or llama.cpp work by setting ``OPENAI_BASE_URL`` and no key.

Requests are shaped so that real servers accept them (see ``LLMSettings``): ``tool_choice`` is sent
whenever tools are offered (llama.cpp ignores tools without it), ``max_tokens`` on every call (a small
model otherwise writes until its context is full), an assistant message with tool calls carries
``content: ""`` rather than ``null`` (which llama.cpp refuses), and replies are streamed only where
that works (OpenAI itself, by default).

Routing by the LLM is in ``llm_router.py``; errors are named in ``model_errors.py`` (both re-exported
here). The API key is held as a ``SecretStr`` by ChatOpenAI and never written into a message, log or
error produced here.

Build the model in the event loop that will use it: each model owns its async connection pool, and
pooled connections belong to the loop that opened them.
"""

from __future__ import annotations

import logging
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import openai
from langchain_core.language_models import LanguageModelInput
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from ..settings import Settings
from .llm_router import ROUTER_HISTORY_MESSAGES, RouteDecision, RoutingMemory, llm_route
from .model_errors import ModelError, ModelFailure, describe_model_error, failure_kind

__all__ = [
    "OPENAI_BASE_URL",
    "PLACEHOLDER_API_KEY",
    "ROUTER_HISTORY_MESSAGES",
    "CompatChatOpenAI",
    "ModelError",
    "ModelFailure",
    "RouteDecision",
    "RoutingMemory",
    "describe_model_error",
    "failure_kind",
    "llm_route",
    "make_openai_model",
    "parse_model_setting",
]

logger = logging.getLogger(__name__)

OPENAI_BASE_URL: Final = "https://api.openai.com/v1"
# Local servers ignore the key, but the openai client refuses to start without one.
PLACEHOLDER_API_KEY: Final = "not-needed"

_ACCEPTED_FORMS: Final = (
    "'offline' (the default, no LLM) or 'openai:<model>' (e.g. 'openai:gpt-4o-mini', or a model "
    "served by vLLM, Ollama or llama.cpp at OPENAI_BASE_URL)"
)


def parse_model_setting(value: str) -> tuple[str, str | None]:
    """``"offline"`` -> ``("offline", None)``; ``"openai:gpt-4o-mini"`` -> ``("openai", "gpt-4o-mini")``.

    Only the first colon separates the provider, so Ollama tags survive (``openai:llama3.1:8b``).
    """
    text = value.strip()
    if text.lower() == "offline":
        return ("offline", None)
    provider, colon, name = text.partition(":")
    if colon and provider.strip().lower() == "openai" and name.strip():
        return ("openai", name.strip())
    raise ValueError(f"unsupported model setting {value!r}: use {_ACCEPTED_FORMS}")


class CompatChatOpenAI(ChatOpenAI):
    """ChatOpenAI whose requests the common OpenAI-compatible servers accept as well as OpenAI does."""

    default_tool_choice: str | None = "auto"  # sent when tools are offered and the caller chose none
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
        for message in payload.get("messages", []):
            if message.get("role") == "assistant" and message.get("content") is None:
                message["content"] = ""  # llama.cpp: "Input should be a valid string"
        if payload.get("tools") and "tool_choice" not in payload and self.default_tool_choice:
            payload["tool_choice"] = self.default_tool_choice
        cap = payload.pop("max_completion_tokens", None) or payload.pop("max_tokens", None)
        if cap:
            payload[self.max_tokens_field] = cap
        return payload


def make_openai_model(
    model: str,
    settings: Settings,
    *,
    timeout: float | None = None,
    max_retries: int | None = None,
    streaming: bool | None = None,
) -> CompatChatOpenAI:
    """A chat model for ``model`` against OpenAI, or against ``settings.openai_base_url`` when set.

    ``timeout``, ``max_retries`` and ``streaming`` default to ``settings.llm``.
    """
    name = model.strip()
    if not name:
        raise ValueError(f"no model name given: use {_ACCEPTED_FORMS}")
    base_url = settings.openai_base_url or None
    key = settings.openai_api_key or None
    if key is None and base_url is None:
        raise ValueError("set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server")
    llm = settings.llm
    timeout = llm.timeout_seconds if timeout is None else timeout
    max_retries = llm.max_retries if max_retries is None else max_retries
    streaming = llm.streams(base_url) if streaming is None else streaming
    logger.info(
        "chat model %s at %s (%s; %s, tool_choice %s, max_tokens %d)",
        name,
        _host_of(base_url or OPENAI_BASE_URL),
        "API key set" if key else "no API key: placeholder for a local server",
        "streamed" if streaming else "not streamed",
        llm.tool_choice,
        llm.max_tokens,
    )
    return CompatChatOpenAI(
        model=name,
        api_key=SecretStr(key or PLACEHOLDER_API_KEY),
        # Explicit, so neither langchain nor the openai client reads OPENAI_API_BASE / OPENAI_BASE_URL.
        base_url=base_url or OPENAI_BASE_URL,
        timeout=timeout,
        max_retries=max_retries,
        streaming=streaming,
        max_tokens=llm.max_tokens,
        default_tool_choice=None if llm.tool_choice == "omit" else llm.tool_choice,
        # OpenAI deprecated max_tokens (o-series models refuse it); other servers know only max_tokens.
        max_tokens_field="max_tokens" if base_url else "max_completion_tokens",
        # langchain-openai otherwise shares one async connection pool per (base URL, timeout) across the
        # whole process, and a pooled connection made in one event loop fails in the next one.
        http_async_client=openai.DefaultAsyncHttpxClient(timeout=timeout),
        # Token usage in streams is an OpenAI extension that some compatible servers reject; where it is
        # missing the product estimates it (``llm_call.py``).
        stream_usage=base_url is None,
    )


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{host}:{parts.port}" if parts.port else host
