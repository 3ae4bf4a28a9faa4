"""Signed webhooks, the Standard Webhooks way (standardwebhooks.com): headers ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, the key
being the base64 after ``whsec_`` (or, for a secret without that prefix, its UTF-8 bytes).

``WebhookSender.send`` POSTs the JSON body once; anything but a 2xx, a timeout or a dead endpoint raises
``WebhookFailed``. The id is the caller's idempotency key, so a retried delivery carries the same id and
the receiver can drop the repeat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx


class WebhookFailed(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def secret_key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode("utf-8")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one delivery."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class WebhookSender:
    url: str
    secret: str = field(repr=False)
    timeout: float = 10.0

    @property
    def where(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}{parts.path}"

    def request(
        self, message_id: str, payload: dict[str, Any], now: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        timestamp = int(time.time()) if now is None else now
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(self.secret, message_id, timestamp, body),
            "user-agent": "bcagent-handoff/1",
        }
        return body, headers

    async def send(
        self, message_id: str, payload: dict[str, Any], client: httpx.AsyncClient | None = None
    ) -> None:
        body, headers = self.request(message_id, payload)
        try:
            if client is None:
                async with httpx.AsyncClient(timeout=self.timeout) as own:
                    response = await own.post(self.url, content=body, headers=headers)
            else:
                response = await client.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            raise WebhookFailed(
                f"the webhook endpoint {self.where} did not answer in {self.timeout:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise WebhookFailed(
                f"could not reach the webhook endpoint {self.where}: {type(exc).__name__}"
            ) from None
        if not 200 <= response.status_code < 300:
            permanent = response.status_code in (400, 401, 403, 404, 410, 413, 422)
            raise WebhookFailed(
                f"the webhook endpoint {self.where} answered {response.status_code}", permanent=permanent
            )
