"""The OpenAI-compatible chat model: OpenAI itself, or any server speaking its Chat Completions API.

``BCAGENT_MODEL=openai:<model>`` selects it (``parse_model_setting``); ``make_openai_model`` builds a
``ChatOpenAI`` whose key and base URL come from ``Settings`` only (both are passed explicitly, so
langchain and the openai client never fall back to their own ``OPENAI_*`` variables for them), so vLLM,
Ollama or llama.cpp work by setting ``OPENAI_BASE_URL`` and no key. ``llm_route`` asks the
model to pick a route with structured output (langchain-openai's default method, ``json_schema``: a
``response_format`` the server fills with JSON). ``describe_model_error`` turns provider failures into
one sentence for operators.

The API key is held as a ``SecretStr`` by ChatOpenAI and never written into a message, log or error
produced here.

Build the model in the event loop that will use it: each model owns its async connection pool, and
pooled connections belong to the loop that opened them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import openai
from langchain_core.exceptions import ContextOverflowError, ModelRefusalError, OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field, SecretStr, ValidationError

from ..settings import Settings
from .prompts import system_prompt

logger = logging.getLogger(__name__)

OPENAI_BASE_URL: Final = "https://api.openai.com/v1"
# Local servers ignore the key, but the openai client refuses to start without one.
PLACEHOLDER_API_KEY: Final = "not-needed"
# How much of the conversation the router sees besides the latest message.
ROUTER_HISTORY_MESSAGES: Final = 8

_ACCEPTED_FORMS: Final = (
    "'offline' (the default, no LLM) or 'openai:<model>' (e.g. 'openai:gpt-4o-mini', or a model "
    "served by vLLM, Ollama or llama.cpp at OPENAI_BASE_URL)"
)


class ModelError(Exception):
    """A model call failed (provider error, or an answer that does not fit the expected shape).

    ``str(error)`` is one operator-facing sentence; the original exception is ``__cause__``.
    """


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


def make_openai_model(
    model: str,
    settings: Settings,
    *,
    timeout: float = 60,
    max_retries: int = 2,
    streaming: bool = True,
) -> ChatOpenAI:
    """A ChatOpenAI for ``model`` against OpenAI, or against ``settings.openai_base_url`` when set."""
    name = model.strip()
    if not name:
        raise ValueError(f"no model name given: use {_ACCEPTED_FORMS}")
    base_url = settings.openai_base_url or None
    key = settings.openai_api_key or None
    if key is None and base_url is None:
        raise ValueError("set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server")
    logger.info(
        "chat model %s at %s (%s)",
        name,
        _host_of(base_url or OPENAI_BASE_URL),
        "API key set" if key else "no API key: placeholder for a local server",
    )
    return ChatOpenAI(
        model=name,
        api_key=SecretStr(key or PLACEHOLDER_API_KEY),
        # Explicit, so neither langchain nor the openai client reads OPENAI_API_BASE / OPENAI_BASE_URL.
        base_url=base_url or OPENAI_BASE_URL,
        timeout=timeout,
        max_retries=max_retries,
        streaming=streaming,
        # langchain-openai otherwise shares one async connection pool per (base URL, timeout) across the
        # whole process, and a pooled connection made in one event loop fails in the next one.
        http_async_client=openai.DefaultAsyncHttpxClient(timeout=timeout),
        # Token usage in streams is an OpenAI extension that some compatible servers reject.
        stream_usage=base_url is None,
    )


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{host}:{parts.port}" if parts.port else host


class RouteDecision(BaseModel):
    """Where the router sends the shopper's latest message."""

    route: Literal["order_management", "product_expert", "respond"] = Field(
        description="order_management, product_expert, or respond"
    )
    reason: str = Field(description="A few words on why, for operators")


async def llm_route(
    model: BaseChatModel,
    text: str,
    history: Sequence[BaseMessage] = (),
    *,
    store_name: str = "this store",
) -> RouteDecision:
    """Ask ``model`` where ``text`` (the shopper's latest message) goes, given the conversation so far.

    Raises ``ModelError`` on any failure: provider errors, refusals, or an answer that is not a valid
    ``RouteDecision``.
    """
    messages: list[BaseMessage] = [
        SystemMessage(system_prompt("router", store_name)),
        *_router_transcript(history, text),
        HumanMessage(text),
    ]
    try:
        # One JSON answer, never streamed: nothing to show the shopper token by token, and the "nostream"
        # tag keeps it out of LangGraph's messages stream.
        quiet = model.model_copy(update={"disable_streaming": True})
        structured = quiet.with_structured_output(RouteDecision).with_config(
            tags=["nostream"], run_name="llm_route"
        )
        answer: Any = await structured.ainvoke(messages)
        decision = answer if isinstance(answer, RouteDecision) else RouteDecision.model_validate(answer)
    except Exception as exc:
        raise ModelError(f"The router model failed: {describe_model_error(exc)}") from exc
    return decision


def _router_transcript(history: Sequence[BaseMessage], text: str) -> list[BaseMessage]:
    """The recent shopper and assistant texts, without tool calls or tool results.

    Tool traffic is left out on purpose: it is long, may hold shopper data the router does not need,
    and a window that starts mid tool exchange is a request the API refuses.
    """
    turns: list[BaseMessage] = []
    for message in history:
        said = message.text.strip()
        if not said:
            continue
        if isinstance(message, HumanMessage):
            turns.append(HumanMessage(said))
        elif isinstance(message, AIMessage):
            turns.append(AIMessage(said))
    if turns and isinstance(turns[-1], HumanMessage) and turns[-1].text == text.strip():
        turns.pop()  # the caller passed the whole thread, latest message included
    return turns[-ROUTER_HISTORY_MESSAGES:]


_SECRETISH: Final = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_*.\-]{6,}|\bBearer\s+\S+", re.IGNORECASE)


def _redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _SECRETISH.sub("[redacted]", text)


def _server_message(exc: openai.APIError, secrets: Iterable[str | None], limit: int = 160) -> str:
    message = exc.message
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            message = inner["message"]
        elif isinstance(body.get("message"), str):
            message = body["message"]
    message = " ".join(_redact(message, secrets).split()).rstrip(".")
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return message + "." if message else "no details given."


def _retry_after(exc: openai.APIStatusError) -> str | None:
    headers = exc.response.headers
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return f"{float(ms) / 1000:g} s"
        except ValueError:
            pass
    if (seconds := headers.get("retry-after")) is not None:
        return f"{seconds} s" if seconds.strip().replace(".", "", 1).isdigit() else seconds
    return None


def describe_model_error(exc: BaseException, *, secrets: Iterable[str | None] = ()) -> str:
    """One sentence for operators on why a model call failed; keys (and ``secrets``) are redacted."""
    if isinstance(exc, ModelError) and exc.__cause__ is not None:
        exc = exc.__cause__
    secrets = tuple(secrets)
    if isinstance(exc, openai.APITimeoutError):
        return "The model server did not answer in time; check its load, or raise the timeout."
    if isinstance(exc, openai.APIConnectionError):
        return "Could not reach the model server; check OPENAI_BASE_URL and that the server is running."
    if isinstance(exc, openai.AuthenticationError):
        return "The model provider rejected the API key (401); check OPENAI_API_KEY."
    if isinstance(exc, openai.PermissionDeniedError):
        return "The API key may not use this model or project (403); check the key's permissions."
    if isinstance(exc, openai.NotFoundError):
        return (
            "The model server does not know this model or endpoint (404); check the model name in "
            "BCAGENT_MODEL and that OPENAI_BASE_URL ends in /v1."
        )
    if isinstance(exc, openai.RateLimitError):
        if exc.code == "insufficient_quota":
            return "The OpenAI account is out of quota (429 insufficient_quota); check its plan and billing."
        wait = _retry_after(exc)
        when = f"retry after {wait}" if wait else "retry later"
        return f"The model provider is rate limiting requests (429); {when} or lower the load."
    if isinstance(exc, ContextOverflowError):
        return "The conversation is too long for the model's context window; start a new conversation."
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return f"The model server refused the request ({exc.status_code}): {_server_message(exc, secrets)}"
    if isinstance(exc, openai.InternalServerError):
        return f"The model server failed with an internal error ({exc.status_code}); try again later."
    if isinstance(exc, openai.APIStatusError):
        return f"The model server answered HTTP {exc.status_code}: {_server_message(exc, secrets)}"
    if isinstance(exc, openai.APIResponseValidationError):
        return "The model server's response is not valid OpenAI Chat Completions data."
    if isinstance(exc, ModelRefusalError | openai.ContentFilterFinishReasonError):
        return "The model refused to answer, or its answer was filtered."
    if isinstance(exc, openai.LengthFinishReasonError):
        return "The model's answer was cut off at its token limit."
    if isinstance(exc, ValidationError | OutputParserException | ValueError):
        return "The model's answer did not have the expected structure."
    if isinstance(exc, ModelError):
        return _redact(str(exc), secrets)
    return f"Unexpected model error ({type(exc).__name__})."
