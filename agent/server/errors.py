"""The API's errors: one JSON shape everywhere, ``{"error": {"code", "message"}}``, with a stable code
and one sentence saying what to do; never a stack trace (bugs are logged and answered ``internal_error``)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Send

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An expected failure of a request, answered as ``status`` + the error body."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    """The error answer from a plain ASGI middleware (outside FastAPI's handlers)."""
    payload = json.dumps(error_body(code, message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def unknown_store(store_hash: str) -> ApiError:
    return ApiError(404, "unknown_store", f"This server does not serve a store {store_hash!r}.")


def unknown_thread() -> ApiError:
    return ApiError(
        404,
        "unknown_thread",
        "No such conversation (or a wrong X-Thread-Secret): start a new one with POST .../threads.",
    )


HTTP_CODES = {
    404: ("not_found", "There is nothing at this address; see /docs for the API."),
    405: ("method_not_allowed", "This address does not accept that method; see /docs for the API."),
}


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body",)]
    return ".".join(parts) or "the body"


def _validation(exc: RequestValidationError) -> Response:
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return error_response(400, "invalid_json", "The body is not valid JSON: send one JSON object.")
    first = problems[0] if problems else {}
    where = _field(tuple(first.get("loc", ())))
    what = str(first.get("msg", "is not valid")).rstrip(".")
    if first.get("type") == "missing" and where == "the body":
        return error_response(422, "invalid_request", "The body is missing: send a JSON object.")
    return error_response(422, "invalid_request", f"{where}: {what}.")


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _validation(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code, message = HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
        return error_response(exc.status_code, code, message, dict(exc.headers or {}))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "Something went wrong on our side; please try again.")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
