"""Tool results: small JSON-able dicts with a ``status`` and a ``message`` a shopper can be told.

Statuses: ``ok``; ``needs_info`` (ask the shopper for something); ``not_found``; ``refused`` (policy says
no, with the reason and the next step); ``locked``; ``invalid`` (the input cannot be right);
``ambiguous`` (several products match: ask which, from ``candidates``); ``disabled`` (the merchant's
scopes or switches turn the tool off); ``unavailable`` (the store cannot be reached right now);
``confirm`` (a write waits for the shopper's confirmation).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

from bigcommerce import APIConnectionError, InternalServerError, RateLimitError

log = logging.getLogger(__name__)

ToolResult = dict[str, Any]
UNAVAILABLE = "I can't reach the store right now, please try again in a minute."
P = ParamSpec("P")


def result(status: str, message: str, /, **data: Any) -> ToolResult:
    extra = {k: v for k, v in data.items() if v is not None and k not in ("status", "message")}
    return {"status": status, "message": message, **extra}


def ok(message: str, /, **data: Any) -> ToolResult:
    return result("ok", message, **data)


def to_text(outcome: ToolResult) -> str:
    """The tool message content: compact JSON the model reads and the graders check."""
    return json.dumps(outcome, ensure_ascii=False, separators=(",", ":"), default=str)


def store_call(tool: Callable[P, Awaitable[ToolResult]]) -> Callable[P, Awaitable[ToolResult]]:
    """Turn "the store is unreachable / rate limited / failing" into the one short answer, and log it.

    Configuration errors (a revoked token, a missing scope) are not caught: they must be seen and fixed."""

    @functools.wraps(tool)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> ToolResult:
        try:
            return await tool(*args, **kwargs)
        except (APIConnectionError, RateLimitError, InternalServerError) as exc:
            log.warning("%s: store unavailable: %s", tool.__name__, exc)
            return result("unavailable", UNAVAILABLE)

    return wrapper
