"""What went wrong with a model call, named for what it is: one kind per failure, one sentence per kind.

``failure_kind(exc)`` sorts any exception a model call raises into a ``FailureKind``;
``describe_model_error(exc)`` says it in one operator-facing sentence, with keys redacted. A 400 or a 500
whose message says a parameter is unsupported or invalid is a request the server *refused*, not a server
failure; a reply that stopped without a ``finish_reason`` is a cut reply, not a whole one.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Final, Literal

import openai
from langchain_core.exceptions import ContextOverflowError, ModelRefusalError, OutputParserException
from pydantic import ValidationError

FailureKind = Literal[
    "timeout",  # the server did not answer in time
    "unreachable",  # connection refused, DNS, reset
    "rate_limited",  # 429
    "auth",  # 401, 403
    "not_found",  # 404: model or endpoint
    "refused",  # the server refused the request (4xx, or a 5xx that says a parameter is unsupported)
    "server_error",  # 5xx
    "overflow",  # the conversation does not fit the model's context window
    "empty",  # a 200 with nothing in it
    "cut",  # the reply stopped without a finish_reason
    "length",  # the reply hit max_tokens (finish_reason "length")
    "budget",  # the turn's time budget ran out before the call
    "invalid",  # an answer that does not have the expected shape
    "other",
]


class ModelError(Exception):
    """A model call failed (provider error, or an answer that does not fit the expected shape).

    ``str(error)`` is one operator-facing sentence; the original exception is ``__cause__``.
    """


class ModelFailure(ModelError):
    """A model call that gave no usable answer, with the kind of failure (for counters and transcripts)."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


_OVERFLOW: Final = re.compile(
    r"context (?:length|window|size)|maximum context|too many tokens|exceeds? (?:the )?(?:context|n_ctx)|"
    r"prompt is too long|requested tokens|input is too long|n_ctx",
    re.IGNORECASE,
)
_REFUSAL: Final = re.compile(
    r"unsupported|not supported|does not support|invalid|validation|input should|unknown (?:parameter|field)|"
    r"extra (?:inputs|fields)|unrecognized|response_format|json_schema|tool_choice|not allowed|must be",
    re.IGNORECASE,
)
_EMPTY_STREAM: Final = re.compile(r"no generations found|no generation chunks", re.IGNORECASE)
_SECRETISH: Final = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_*.\-]{6,}|\bBearer\s+\S+", re.IGNORECASE)


def server_text(exc: BaseException) -> str:
    """The server's own error message, as plainly as it can be had."""
    if isinstance(exc, openai.APIError):
        body = exc.body
        if isinstance(body, dict):
            inner = body.get("error", body)
            if isinstance(inner, dict) and isinstance(inner.get("message"), str):
                return str(inner["message"])
            if isinstance(inner, str):
                return inner
            if isinstance(body.get("message"), str):
                return str(body["message"])
            if isinstance(body.get("detail"), str | list):
                return str(body["detail"])
        return exc.message
    return str(exc)


def failure_kind(exc: BaseException) -> FailureKind:
    """Which kind of failure ``exc`` is (see ``FailureKind``)."""
    if isinstance(exc, ModelFailure):
        return exc.kind
    if isinstance(exc, ModelError) and exc.__cause__ is not None:
        return failure_kind(exc.__cause__)
    text = server_text(exc)
    if isinstance(exc, ContextOverflowError):
        return "overflow"
    if isinstance(exc, openai.APITimeoutError | asyncio.TimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "unreachable"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limited"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return "auth"
    if isinstance(exc, openai.NotFoundError):
        return "not_found"
    if isinstance(exc, openai.APIStatusError):
        if _OVERFLOW.search(text):
            return "overflow"
        if exc.status_code < 500 or _REFUSAL.search(text):
            return "refused"
        return "server_error"
    if isinstance(exc, openai.LengthFinishReasonError):
        return "length"
    if isinstance(exc, ValueError) and _EMPTY_STREAM.search(str(exc)):
        return "empty"
    if isinstance(exc, ValidationError | OutputParserException | ValueError | KeyError):
        return "invalid"
    return "other"


def _redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _SECRETISH.sub("[redacted]", text)


def _server_message(exc: BaseException, secrets: Iterable[str | None], limit: int = 160) -> str:
    message = " ".join(_redact(server_text(exc), secrets).split()).rstrip(".")
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
    if isinstance(exc, ModelFailure):
        return _redact(str(exc), secrets)
    if isinstance(exc, ModelError) and exc.__cause__ is not None:
        exc = exc.__cause__
    secrets = tuple(secrets)
    kind = failure_kind(exc)
    if kind == "timeout":
        return "The model server did not answer in time; check its load, or raise the timeout."
    if kind == "unreachable":
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
    if kind == "overflow":
        return (
            "The conversation is too long for the model's context window; set BCAGENT_LLM_CONTEXT_TOKENS "
            "to the server's context size so older history is trimmed, or start a new conversation."
        )
    if isinstance(exc, openai.APIStatusError):
        if kind == "refused":
            return (
                f"The model server refused the request ({exc.status_code}): {_server_message(exc, secrets)}"
            )
        return (
            f"The model server failed with an internal error ({exc.status_code}); try again later; "
            f"it said: {_server_message(exc, secrets)}"
        )
    if isinstance(exc, openai.APIResponseValidationError):
        return "The model server's response is not valid OpenAI Chat Completions data."
    if isinstance(exc, ModelRefusalError | openai.ContentFilterFinishReasonError):
        return "The model refused to answer, or its answer was filtered."
    if kind == "length":
        return "The model's answer was cut off at its token limit."
    if kind == "empty":
        return (
            "The model server ended its answer before sending anything (an empty stream): the conversation "
            "may exceed its context window, or it cannot stream this request (set BCAGENT_LLM_STREAM=off)."
        )
    if kind == "invalid":
        return "The model's answer did not have the expected structure."
    if isinstance(exc, ModelError):
        return _redact(str(exc), secrets)
    return f"Unexpected model error ({type(exc).__name__})."
