"""A scripted fake of the OpenAI Chat Completions API on loopback, for tests of the OpenAI-compatible model.

openai 3.x talks through ``httpx2``, which respx does not intercept, so tests run this real HTTP server
in a background thread (``with FakeOpenAIServer() as server: ... base_url=server.base_url``).

The test queues what the "model" answers next, one item per request::

    server.reply_text("Hello!")                           # assistant text
    server.reply_tool_call("get_order_information", {"order_id": "100"})
    server.reply_structured({"route": "respond", "reason": "greeting"})
    server.reply_error(429, "Slow down", retry_after=3)

``reply_structured`` adapts to how the client asked: a ``response_format`` (``json_schema`` or
``json_object``, langchain-openai's ``with_structured_output`` default) gets the JSON as message content;
otherwise (``method="function_calling"``) it comes back as a call of the forced or only tool.

Every request is answered as JSON or, when ``"stream": true``, as SSE chunks (text in several deltas,
tool-call arguments in several deltas) ending with ``data: [DONE]``. ``server.requests`` records each
request's JSON body and headers, in order. With the script empty, the server answers 400 saying so.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from itertools import count
from types import TracebackType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from bigcommerce.sandbox.server import LoopbackServer

JSON = dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: JSON | str = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True)
class Text:
    content: str
    delay: float = 0.0  # seconds before answering, to provoke client timeouts


@dataclass(frozen=True)
class ToolCalls:
    calls: tuple[ToolCall, ...]
    content: str = ""


@dataclass(frozen=True)
class Structured:
    data: JSON


@dataclass(frozen=True)
class Error:
    status: int
    message: str
    type: str = "invalid_request_error"
    code: str | None = None
    retry_after: float | None = None


Scripted = Text | ToolCalls | Structured | Error


@dataclass(frozen=True)
class RecordedRequest:
    body: JSON
    headers: dict[str, str]

    @property
    def messages(self) -> list[JSON]:
        return list(self.body.get("messages", []))

    @property
    def tool_names(self) -> list[str]:
        return [t["function"]["name"] for t in self.body.get("tools", []) if t.get("type") == "function"]


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class FakeOpenAIServer:
    """Serve a scripted fake of ``POST /v1/chat/completions`` (and ``GET /v1/models``) on loopback."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, chunk_size: int = 4) -> None:
        self.host = host
        self.chunk_size = chunk_size
        self.requests: list[RecordedRequest] = []
        self._script: deque[Scripted] = deque()
        self._lock = threading.Lock()
        self._ids = count(1)
        self._server = LoopbackServer(self._app(), host, port)
        self.port: int = self._server.port

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in ``/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    # -- the script -------------------------------------------------------------------------------

    def queue(self, *items: Scripted) -> None:
        with self._lock:
            self._script.extend(items)

    def reply_text(self, content: str, *, delay: float = 0.0) -> None:
        self.queue(Text(content, delay))

    def reply_tool_call(
        self, name: str, arguments: JSON | str | None = None, *, id: str | None = None
    ) -> None:
        self.queue(ToolCalls((ToolCall(name, {} if arguments is None else arguments, id),)))

    def reply_structured(self, data: JSON) -> None:
        self.queue(Structured(data))

    def reply_error(
        self,
        status: int,
        message: str = "error",
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.queue(Error(status, message, type, code, retry_after))

    def reset(self) -> None:
        """Forget the script and the recorded requests (between tests sharing one server)."""
        with self._lock:
            self._script.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def _next(self) -> Scripted:
        with self._lock:
            if self._script:
                return self._script.popleft()
        return Error(400, "fake OpenAI server: no scripted response left for this request")

    # -- the app ----------------------------------------------------------------------------------

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/models")
        async def models() -> JSON:
            return {"object": "list", "data": [{"id": "fake-model", "object": "model", "owned_by": "tests"}]}

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> Response:
            body: JSON = await request.json()
            self.requests.append(RecordedRequest(body, dict(request.headers)))
            item = self._next()
            if isinstance(item, Error):
                return self._error(item)
            if isinstance(item, Text) and item.delay:
                await asyncio.sleep(item.delay)
            try:
                message = self._message(item, body)
            except ValueError as exc:
                return self._error(Error(400, f"fake OpenAI server: {exc}"))
            if body.get("stream"):
                return StreamingResponse(self._sse(body, message), media_type="text/event-stream")
            return JSONResponse(self._completion(body, message))

        return app

    def _error(self, error: Error) -> Response:
        headers = {} if error.retry_after is None else {"retry-after": f"{error.retry_after:g}"}
        content = {"error": {"message": error.message, "type": error.type, "param": None, "code": error.code}}
        return JSONResponse(content, status_code=error.status, headers=headers)

    def _message(self, item: Text | ToolCalls | Structured, body: JSON) -> JSON:
        """The assistant message (content and tool calls) to send for ``item``."""
        if isinstance(item, Text):
            return {"content": item.content, "tool_calls": []}
        if isinstance(item, ToolCalls):
            return {"content": item.content, "tool_calls": [self._call(c) for c in item.calls]}
        format_type = (body.get("response_format") or {}).get("type")
        if format_type in ("json_schema", "json_object"):
            return {"content": json.dumps(item.data), "tool_calls": []}
        choice = body.get("tool_choice")
        tools = body.get("tools") or []
        if isinstance(choice, dict):
            name = choice["function"]["name"]
        elif len(tools) == 1:
            name = tools[0]["function"]["name"]
        else:
            raise ValueError("a structured reply needs a response_format, a forced tool or a single tool")
        return {"content": "", "tool_calls": [self._call(ToolCall(name, item.data))]}

    def _call(self, call: ToolCall) -> JSON:
        arguments = call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)
        return {
            "id": call.id or f"call_{next(self._ids)}",
            "type": "function",
            "function": {"name": call.name, "arguments": arguments},
        }

    def _envelope(self, body: JSON, obj: str) -> JSON:
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": obj,
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "system_fingerprint": None,
        }

    @staticmethod
    def _usage(message: JSON) -> JSON:
        completion = max(1, len(message["content"]) // 4)
        return {"prompt_tokens": 10, "completion_tokens": completion, "total_tokens": 10 + completion}

    def _completion(self, body: JSON, message: JSON) -> JSON:
        calls = message["tool_calls"]
        return {
            **self._envelope(body, "chat.completion"),
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": message["content"] if message["content"] or not calls else None,
                        "refusal": None,
                        **({"tool_calls": calls} if calls else {}),
                    },
                    "finish_reason": "tool_calls" if calls else "stop",
                    "logprobs": None,
                }
            ],
            "usage": self._usage(message),
        }

    def _deltas(self, message: JSON) -> Iterator[JSON]:
        yield {"role": "assistant", "content": ""}
        if message["content"]:
            for piece in _pieces(message["content"], self.chunk_size):
                yield {"content": piece}
        for index, call in enumerate(message["tool_calls"]):
            function = call["function"]
            yield {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": function["name"], "arguments": ""},
                    }
                ]
            }
            for piece in _pieces(function["arguments"], self.chunk_size):
                yield {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}

    async def _sse(self, body: JSON, message: JSON) -> AsyncIterator[str]:
        envelope = self._envelope(body, "chat.completion.chunk")

        def chunk(choices: list[JSON], **extra: Any) -> str:
            return f"data: {json.dumps({**envelope, 'choices': choices, **extra})}\n\n"

        for delta in self._deltas(message):
            yield chunk([{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}])
        finish = "tool_calls" if message["tool_calls"] else "stop"
        yield chunk([{"index": 0, "delta": {}, "finish_reason": finish, "logprobs": None}])
        if (body.get("stream_options") or {}).get("include_usage"):
            yield chunk([], usage=self._usage(message))
        yield "data: [DONE]\n\n"

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
