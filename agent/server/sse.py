"""Server-Sent Events for a turn: progress (``route``, ``tool``) the moment the graph reports it, then the
checked reply text (``delta``, ``reply``), ``confirmation``, ``links``, and ``done`` always last (after an
``error`` when the turn failed).

If the client goes away, Starlette cancels this generator, never the turn: it runs in its own task."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from ..blocks import BLOCKS_VERSION
from .turns import Turn, answer_of, failure

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def stream(turn: Turn) -> AsyncIterator[bytes]:
    assert turn.task is not None, "start the turn with turns.in_background first"
    while (item := await turn.events.get()) is not None:
        yield event(*item)
    await asyncio.wait([turn.task])  # the queue closes just before the task ends
    error = turn.task.exception()
    if error is not None:
        problem = failure(error)
        yield event("error", {"code": problem.code, "message": problem.message})
        yield event("done", {"timings": dict(turn.timings)})
        return
    answer = answer_of(turn.task.result(), turn)
    for reply, blocks in zip(answer.replies, answer.blocks, strict=True):
        yield event("delta", {"text": reply})
        yield event(
            "reply",
            {
                "text": reply,
                "blocks": [block.model_dump() for block in blocks],
                "blocks_version": BLOCKS_VERSION,
            },
        )
    if answer.confirmation is not None:
        yield event("confirmation", answer.confirmation.model_dump())
    yield event("links", answer.links.model_dump())
    yield event(
        "done",
        {"timings": answer.timings, "retryable": answer.retryable, "quick_replies": answer.quick_replies},
    )
