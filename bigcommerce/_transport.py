"""The one request path of the client: concurrency slot, proactive throttling, the HTTP call, and the
retry loop.

Retry rules:

* 429 is retried for every method (BigCommerce rejected it before doing anything). The wait is
  ``X-Rate-Limit-Time-Reset-Ms`` capped at ``max_rate_limit_wait``; repeated 429s add backoff; a 429
  without the header (platform overload) backs off exponentially.
* 5xx (except 501 and 507, which retrying cannot fix), timeouts and broken connections are retried,
  with exponential backoff and jitter, for GET/HEAD only: a write that may have reached the server is
  never repeated.
* Failures that surely never reached the server (connection refused, connect timeout, no free
  connection in the pool) are retried for every method.

All waiting goes through the injected ``sleep`` so tests are fast and can assert the durations.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx

from ._limits import ConcurrencyLimiter, Priority, RateLimitTracker
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    make_status_error,
    retry_after_ms,
)

__all__ = ["ClientStats", "Requester", "RetryPolicy", "SharedState", "decode_json"]

logger = logging.getLogger("bigcommerce")

SleepFn = Callable[[float], Awaitable[None]]
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_RETRYABLE_FOR_READS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_PERMANENT_5XX = frozenset({501, 507})  # not implemented; plan limit reached: retrying cannot help


@dataclass
class ClientStats:
    """Counters for benchmarks: HTTP attempts sent, retries, 429s received, proactive waits."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    throttled: int = 0
    slept_seconds: float = 0.0

    def reset(self) -> None:
        self.requests = self.retries = self.rate_limited = self.throttled = 0
        self.slept_seconds = 0.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``backoff(n)`` = ``initial * 2**n`` capped, minus up to ``jitter``."""

    max_retries: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    jitter: float = 0.25
    max_rate_limit_wait: float = 30.0

    def backoff(self, retry_index: int, rand: float) -> float:
        base = min(self.backoff_max, self.backoff_initial * 2.0 ** max(0, retry_index))
        return float(base * (1 - self.jitter * rand))


class _Secret:
    """Holds the access token so it is never shown by repr()."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<redacted>"


@dataclass
class SharedState:
    """Everything the views of one client share: the HTTP client, limits, stats and clocks."""

    http: httpx.AsyncClient
    limiter: ConcurrencyLimiter
    tracker: RateLimitTracker
    stats: ClientStats
    sleep: SleepFn
    rand: Callable[[], float]
    token: _Secret

    @classmethod
    def secret(cls, token: str) -> _Secret:
        return _Secret(token)


def decode_json(response: httpx.Response, method: str, path: str) -> Any:
    """The JSON body, or None for 204 / an empty body."""
    if response.status_code == 204 or not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise APIResponseValidationError(method, path, "the body is not JSON") from exc


class Requester:
    """Sends API requests for one client view (a priority, a retry policy and a timeout)."""

    def __init__(
        self,
        shared: SharedState,
        *,
        priority: Priority = "interactive",
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        if priority not in ("interactive", "bulk"):
            raise ValueError("priority must be 'interactive' or 'bulk'")
        self.shared = shared
        self.priority: Priority = priority
        self.retry = retry or RetryPolicy()
        self.timeout = timeout

    def with_options(
        self,
        *,
        priority: Priority | None = None,
        max_retries: int | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> Requester:
        retry = self.retry if max_retries is None else replace(self.retry, max_retries=max_retries)
        return Requester(
            self.shared,
            priority=priority or self.priority,
            retry=retry,
            timeout=self.timeout if timeout is None else timeout,
        )

    async def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``path`` and return the decoded JSON (None for 204 / empty body)."""
        return decode_json(await self.request("GET", path, params=params), "GET", path)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send one API request, retrying as the module docstring says; raise on an error status."""
        method = method.upper()
        retries = 0
        rate_limited_in_a_row = 0
        while True:
            try:
                response = await self._send(method, path, params, json)
            except httpx.TransportError as exc:
                error = self._wrap(exc, method, path)
                if retries < self.retry.max_retries and _may_retry_exception(method, exc):
                    delay = self.retry.backoff(retries, self.shared.rand())
                    retries += 1
                    await self._wait_to_retry(method, path, delay, type(exc).__name__, retries)
                    continue
                if self.shared.token.value in str(exc):
                    raise error from None  # the cause's message would show the token
                raise error from exc
            if response.is_success:
                return response
            status = response.status_code
            if status == 429:
                self.shared.stats.rate_limited += 1
                rate_limited_in_a_row += 1
            else:
                rate_limited_in_a_row = 0
            if retries < self.retry.max_retries and _may_retry_status(method, status):
                delay = self._delay_for_status(response, retries, rate_limited_in_a_row)
                retries += 1
                await self._wait_to_retry(method, path, delay, f"status {status}", retries)
                if status == 429:
                    self.shared.tracker.window_refilled()
                continue
            raise make_status_error(method, path, response)

    async def _send(
        self, method: str, path: str, params: Mapping[str, str] | None, body: Any
    ) -> httpx.Response:
        shared = self.shared
        async with shared.limiter.slot(self.priority):
            while (delay := shared.tracker.delay_before_request(self.priority)) > 0:
                shared.stats.throttled += 1
                shared.stats.slept_seconds += delay
                logger.info(
                    "Throttling %s %s for %.2fs: about %s requests left in this rate-limit window (%s)",
                    method,
                    path,
                    delay,
                    shared.tracker.remaining,
                    self.priority,
                )
                await shared.sleep(delay)
                shared.tracker.window_refilled()
            shared.tracker.request_started()
            shared.stats.requests += 1
            started = time.perf_counter()
            headers = {"Content-Type": "application/json"} if body is not None else None
            try:
                response = await shared.http.request(
                    method,
                    path,
                    params=params,
                    json=body,
                    headers=headers,
                    timeout=self.timeout if self.timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except BaseException:
                shared.tracker.request_finished(None)
                raise
            shared.tracker.request_finished(response.headers)
        logger.debug(
            "%s %s -> %d in %.0f ms",
            method,
            path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _delay_for_status(self, response: httpx.Response, retries: int, rate_limited_in_a_row: int) -> float:
        if response.status_code == 429:
            wait_ms = retry_after_ms(response.headers)
            if wait_ms is not None:
                extra = (
                    self.retry.backoff(rate_limited_in_a_row - 2, self.shared.rand())
                    if rate_limited_in_a_row > 1
                    else 0
                )
                return min(wait_ms / 1000 + extra, self.retry.max_rate_limit_wait)
        return self.retry.backoff(retries, self.shared.rand())

    async def _wait_to_retry(
        self, method: str, path: str, delay: float, reason: str, retry_number: int
    ) -> None:
        self.shared.stats.retries += 1
        self.shared.stats.slept_seconds += delay
        logger.info(
            "Retrying %s %s in %.2fs after %s (retry %d of %d)",
            method,
            path,
            delay,
            reason,
            retry_number,
            self.retry.max_retries,
        )
        await self.shared.sleep(delay)

    def _wrap(self, exc: httpx.TransportError, method: str, path: str) -> APIConnectionError:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        token = self.shared.token.value
        if token:
            detail = detail.replace(token, "<redacted>")
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(method, path, detail)
        return APIConnectionError(method, path, detail)


def _may_retry_exception(method: str, exc: httpx.TransportError) -> bool:
    if isinstance(exc, _NEVER_SENT):
        return True
    return method in _SAFE_METHODS and isinstance(exc, _RETRYABLE_FOR_READS)


def _may_retry_status(method: str, status: int) -> bool:
    if status == 429:
        return True
    return status >= 500 and status not in _PERMANENT_5XX and method in _SAFE_METHODS
