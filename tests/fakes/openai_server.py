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

``Behaviour`` makes the fake behave like real OpenAI-compatible servers do (``Behaviour.llama_cpp()``:
all of llama.cpp's differences at once, see ../shared/llm-servers.md), one switch per behaviour:
tools ignored without ``tool_choice``; ``json_schema`` refused with a 500; streams cut without a
``finish_reason``; a context overflow answered after the 200 (an empty stream); runaway output up to
``max_tokens`` (``finish_reason: length``) or on and on without one; no usage in streams; ``content:
null`` refused; an empty stream for streamed ``tool_choice: auto``. ``reply_invented_call`` answers
with a call whose arguments the model made up, as a small model does.
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

from sandbox.server import LoopbackServer

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


@dataclass(frozen=True)
class Invented:
    """A call of ``name`` (default: the first tool offered) with made-up arguments."""

    name: str | None = None


Scripted = Text | ToolCalls | Structured | Error | Invented
RUNAWAY = "Thank you for contacting us! Call us at 555-123-4567 for help with your order. "


@dataclass(frozen=True)
class Behaviour:
    """How far the fake departs from OpenAI, like real compatible servers do."""

    tools_need_tool_choice: bool = False  # tools without tool_choice are ignored: the model writes text
    refuse_json_schema: bool = False  # response_format json_schema answers 500
    cut_streams: bool = False  # streams stop halfway and end with [DONE], no finish_reason
    context_tokens: int | None = None  # prompt + max_tokens beyond this: 200, then an empty stream
    runaway: bool = False  # text runs to max_tokens (finish_reason length), or ~3,500 tokens without
    stream_usage: bool = True  # False: no usage in streams, even when asked
    refuse_null_content: bool = False  # an assistant message with content null answers 422
    no_streamed_tool_choice: bool = False  # tool_choice + stream: an empty 200 stream

    @classmethod
    def llama_cpp(cls, context_tokens: int | None = None) -> Behaviour:
        return cls(
            tools_need_tool_choice=True,
            refuse_json_schema=True,
            context_tokens=context_tokens,
            runaway=True,
            stream_usage=False,
            refuse_null_content=True,
            no_streamed_tool_choice=True,
        )


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

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        chunk_size: int = 4,
        behaviour: Behaviour | None = None,
    ) -> None:
        self.host = host
        self.chunk_size = chunk_size
        self.behaviour = behaviour or Behaviour()
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

    def reply_invented_call(self, name: str | None = None) -> None:
        self.queue(Invented(name))

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
            refusal = self._refusal(body)
            if refusal is not None:
                return self._error(refusal)
            item = self._next()
            if isinstance(item, Error):
                return self._error(item)
            if self._overflows(body):
                if body.get("stream"):
                    return StreamingResponse(self._empty_stream(), media_type="text/event-stream")
                return self._error(
                    Error(
                        400,
                        "This model's maximum context length is "
                        f"{self.behaviour.context_tokens} tokens. Please reduce the length of the messages.",
                        code="context_length_exceeded",
                    )
                )
            if body.get("stream") and self.behaviour.no_streamed_tool_choice and body.get("tool_choice"):
                return StreamingResponse(self._empty_stream(), media_type="text/event-stream")
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

    # -- real servers' ways ----------------------------------------------------------------------

    def _refusal(self, body: JSON) -> Error | None:
        """What a real server refuses before generating anything."""
        behaviour = self.behaviour
        format_type = (body.get("response_format") or {}).get("type")
        if behaviour.refuse_json_schema and format_type == "json_schema":
            return Error(  # what llama-cpp-python's server says
                500,
                "1 validation error: ('body', 'response_format', 'type') Input should be 'text' or 'json_object'",
                "internal_server_error",
            )
        if behaviour.refuse_null_content:
            for message in body.get("messages", []):
                if message.get("role") == "assistant" and message.get("content") is None:
                    return Error(422, "messages.assistant.content: Input should be a valid string")
        return None

    def _overflows(self, body: JSON) -> bool:
        limit = self.behaviour.context_tokens
        if limit is None:
            return False
        prompt = len(json.dumps(body.get("messages", [])) + json.dumps(body.get("tools", []))) // 4
        return prompt + int(body.get("max_tokens") or body.get("max_completion_tokens") or 0) > limit

    async def _empty_stream(self) -> AsyncIterator[str]:
        yield "data: [DONE]\n\n"

    def _invented(self, item: Invented, body: JSON) -> JSON:
        tools = [t["function"] for t in body.get("tools") or []]
        chosen = next((t for t in tools if item.name in (None, t["name"])), None)
        name = item.name or (chosen["name"] if chosen else "get_order_information")
        properties = (chosen or {}).get("parameters", {}).get("properties", {}) or {
            "order_id": {},
            "email": {},
        }
        made_up = {"order_id": "12345", "email": "https://www.example.com", "code": name}
        arguments = {key: made_up.get(key, "the shopper's request") for key in properties}
        return {"content": "", "tool_calls": [self._call(ToolCall(name, arguments))]}

    def _message(self, item: Text | ToolCalls | Structured | Invented, body: JSON) -> JSON:
        """The assistant message (content and tool calls) to send for ``item``."""
        behaviour = self.behaviour
        ignored = behaviour.tools_need_tool_choice and body.get("tools") and not body.get("tool_choice")
        if isinstance(item, ToolCalls | Invented) and ignored:
            return {"content": "I can help you with that. Please hold on.", "tool_calls": []}
        if isinstance(item, Invented):
            return self._invented(item, body)
        if isinstance(item, Text):
            if behaviour.runaway:
                cap = int(body.get("max_tokens") or body.get("max_completion_tokens") or 3500)
                return {
                    "content": (RUNAWAY * (cap // 10 + 1))[: cap * 4],
                    "tool_calls": [],
                    "finish": "length",
                }
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
                    "finish_reason": message.get("finish") or ("tool_calls" if calls else "stop"),
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

        deltas = list(self._deltas(message))
        if self.behaviour.cut_streams:  # the single-slot server gave the slot to another request
            for delta in deltas[: max(1, len(deltas) // 2)]:
                yield chunk([{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}])
            yield "data: [DONE]\n\n"
            return
        for delta in deltas:
            yield chunk([{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}])
        finish = message.get("finish") or ("tool_calls" if message["tool_calls"] else "stop")
        yield chunk([{"index": 0, "delta": {}, "finish_reason": finish, "logprobs": None}])
        if self.behaviour.stream_usage and (body.get("stream_options") or {}).get("include_usage"):
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
