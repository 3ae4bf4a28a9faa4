"""The client's exception tree, and the one function that maps an HTTP error response onto it.

``str()`` of every error is one sentence a merchant or developer can act on. No error ever holds the
access token: messages are built only from the method, the API path, the status and the response body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from .scopes import accepted_scopes

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BigCommerceError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "make_status_error",
]

API_ACCOUNTS_HINT = "in the control panel under Settings > API > API Accounts"
_MAX_TEXT = 300


class BigCommerceError(Exception):
    """Base class of every error raised by the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class APIConnectionError(BigCommerceError):
    """BigCommerce could not be reached (DNS, refused connection, TLS, broken connection)."""

    def __init__(self, method: str, path: str, detail: str = "", message: str | None = None) -> None:
        self.method = method
        self.path = path
        reason = f" ({detail})" if detail else ""
        super().__init__(
            message
            or f"Could not connect to BigCommerce for {method} {path}{reason}; "
            "check the network and the base URL."
        )


class APITimeoutError(APIConnectionError):
    """The request timed out before BigCommerce answered."""

    def __init__(self, method: str, path: str, detail: str = "") -> None:
        reason = f" ({detail})" if detail else ""
        super().__init__(
            method,
            path,
            detail,
            message=f"BigCommerce did not answer {method} {path} in time{reason}; try again later.",
        )


class APIResponseValidationError(BigCommerceError):
    """A successful response whose body is not the JSON shape the endpoint documents."""

    def __init__(self, method: str, path: str, problem: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"BigCommerce sent an unexpected response to {method} {path}: {problem}.")


class APIStatusError(BigCommerceError):
    """BigCommerce answered with an error status.

    Attributes: ``status_code``, ``method``, ``path`` (API path such as ``/v2/orders/5``),
    ``api_message`` (BigCommerce's own text: the v3 ``title`` with its ``errors`` details, or the
    v2 messages), ``title``, ``errors`` (v3 field details), ``body`` (parsed JSON or None),
    ``accepted_scopes`` (scopes that allow this endpoint, when known).
    """

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        api_message: str,
        title: str | None = None,
        errors: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.api_message = api_message
        self.title = title
        self.errors: dict[str, Any] = dict(errors or {})
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})
        self.accepted_scopes = accepted_scopes(method, path)
        super().__init__(self._describe())

    @property
    def status(self) -> int:
        return self.status_code

    @property
    def required_scope(self) -> str | None:
        """The least-privileged scope that allows this endpoint, when the client knows it."""
        return self.accepted_scopes[0] if self.accepted_scopes else None

    def _status_text(self) -> str:
        return f"{self.status_code} {httpx.codes.get_reason_phrase(self.status_code)}".strip()

    def _describe(self) -> str:
        return (
            f"BigCommerce returned {self._status_text()} for {self.method} {self.path}: {self.api_message}."
        )


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """401: the access token is missing, invalid, or belongs to another store."""

    def _describe(self) -> str:
        return (
            f"Invalid access token: BigCommerce refused {self.method} {self.path} ({self._status_text()}); "
            "use a store-level API account token created for this store, or create a new API account "
            f"{API_ACCOUNTS_HINT} and use its access token."
        )


class PermissionDeniedError(APIStatusError):
    """403: usually the API account lacks the endpoint's OAuth scope (or the store hash is wrong)."""

    def _describe(self) -> str:
        said = f" (BigCommerce said: {self.api_message})" if self.api_message else ""
        if self.accepted_scopes:
            need = self.accepted_scopes[0]
            if len(self.accepted_scopes) > 1:
                need += f" (or {', '.join(self.accepted_scopes[1:])})"
            return (
                f"Access forbidden: {self.method} {self.path} needs the {need} scope{said}; edit the API "
                f"account's scopes {API_ACCOUNTS_HINT}, or create a new API account with that scope, "
                "and check that the store hash is right."
            )
        return (
            f"Access forbidden: BigCommerce refused {self.method} {self.path}{said}; check the store "
            "hash, and that the API account has the scope this endpoint needs (edit its scopes "
            f"{API_ACCOUNTS_HINT} or create a new API account)."
        )


class NotFoundError(APIStatusError):
    """404: the object does not exist."""


class ConflictError(APIStatusError):
    """409: e.g. a duplicate."""


class PayloadTooLargeError(APIStatusError):
    """413: too many objects requested (e.g. ``limit`` over 250)."""


class UnprocessableEntityError(APIStatusError):
    """422: missing or invalid data."""


class RateLimitError(APIStatusError):
    """429: the store's request quota is used up; ``retry_after_ms`` says when it refills."""

    @property
    def retry_after_ms(self) -> int | None:
        return retry_after_ms(self.headers)

    def _describe(self) -> str:
        wait = self.retry_after_ms
        when = f"retry in {wait} ms" if wait is not None else "retry later"
        return (
            f"BigCommerce rate limit reached on {self.method} {self.path} ({self._status_text()}); "
            f"{when} (the quota is shared by every app using this store)."
        )


class InternalServerError(APIStatusError):
    """5xx: BigCommerce failed, or the store is down or suspended (503) or over a plan limit (507)."""

    def _describe(self) -> str:
        return (
            f"BigCommerce had a server error ({self._status_text()}) on {self.method} {self.path}: "
            f"{self.api_message}; try again later."
        )


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def retry_after_ms(headers: Mapping[str, str]) -> int | None:
    """Milliseconds until the quota refills: ``X-Rate-Limit-Time-Reset-Ms``, else ``X-Retry-After`` (s)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    for name, factor in (("x-rate-limit-time-reset-ms", 1), ("x-retry-after", 1000)):
        raw = lowered.get(name)
        if raw is None:
            continue
        try:
            return max(0, int(float(raw) * factor))
        except ValueError:
            continue
    return None


def _clip(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _format_details(errors: Mapping[str, Any], title: str | None) -> str:
    parts: list[str] = []
    for field, detail in list(errors.items())[:5]:
        text = "; ".join(map(str, detail)) if isinstance(detail, list) else str(detail)
        text = text.strip().rstrip(".")
        if text and text != (title or "").rstrip("."):
            parts.append(f"{field}: {text}")
    return "; ".join(parts)


def _parse_body(content: bytes) -> Any:
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None


def _item_texts(items: list[Any]) -> list[str]:
    """The texts of a list of errors: each item's ``message`` (v2) or ``title`` (promotions), or a string."""
    texts: list[str] = []
    for item in items:
        text = (item.get("message") or item.get("title")) if isinstance(item, dict) else item
        if isinstance(text, str) and text.strip():
            texts.append(text.strip().rstrip("."))
    return list(dict.fromkeys(texts))


def extract_message(
    body: Any, fallback_text: str, status_code: int
) -> tuple[str, str | None, dict[str, Any]]:
    """Pull ``(message, title, errors)`` out of any of BigCommerce's error bodies.

    The shapes: the v3 envelope ``{"status", "title", "type", "errors": {field: text}}``; that envelope
    nested under ``"errors"`` (category trees' 422); a list of errors under ``"errors"`` (promotions:
    ``{"errors": [{"status", "title"}]}``); the v2 array ``[{"status", "message"}]``; anything else.
    """
    if isinstance(body, dict):
        nested = body.get("errors")
        if not body.get("title") and isinstance(nested, dict) and nested.get("title"):
            body, nested = nested, nested.get("errors")
        if isinstance(nested, list) and not body.get("title"):
            texts = _item_texts(nested)
            if texts:
                message = _clip("; ".join(texts))
                return message, message, {}
        title = body.get("title") or body.get("message") or body.get("detail")
        title = str(title) if title else None
        errors = dict(nested) if isinstance(nested, dict) else {}
        details = _format_details(errors, title)
        message = " — ".join(part.rstrip(".") for part in (title, details) if part)
        if message:
            return _clip(message), title, errors
    elif isinstance(body, list):
        texts = _item_texts(body)
        if texts:
            return _clip("; ".join(texts)), None, {}
    text = fallback_text.strip()
    if text and not text.startswith("<"):
        return _clip(text), None, {}
    return httpx.codes.get_reason_phrase(status_code) or "no details given", None, {}


def make_status_error(method: str, path: str, response: httpx.Response) -> APIStatusError:
    """Map an error response to the matching :class:`APIStatusError` subclass (the only such mapping)."""
    status = response.status_code
    body = _parse_body(response.content)
    text = "" if body is not None else response.content.decode("utf-8", errors="replace")
    api_message, title, errors = extract_message(body, text, status)
    cls = _STATUS_CLASSES.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(
        status_code=status,
        method=method,
        path=path,
        api_message=api_message,
        title=title,
        errors=errors,
        body=body,
        headers=dict(response.headers),
    )
