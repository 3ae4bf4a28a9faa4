"""A store's own handoff webhook (the console's policy form): its URL, checked, and its signing secret.

The server makes the secret (32 random bytes, spelled ``whsec_<base64>`` as Standard Webhooks libraries
read it) when the merchant sets or changes the URL and when they ask for a new one; clearing the URL drops
it. It is kept in the store's settings row (``TeamSettings.handoff_webhook_secret``) so every replica can
sign, and shown to the merchant once, on the page after saving: never in a repr, a log or a later page.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
from dataclasses import replace
from urllib.parse import urlsplit

from .connections import ConnectionProblem
from .merchant_settings import TeamSettings

EXAMPLE = "https://hooks.example.com/bcagent"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(text: str) -> str:
    """The URL a form gives ('' to use the server's webhook): https, or http to this machine for tests
    (ConnectionProblem says what to change)."""
    url = text.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (a bad port raises ValueError)
    except ValueError:
        raise ConnectionProblem(f"The handoff webhook URL is not a URL: give one like {EXAMPLE}.") from None
    scheme = parts.scheme.lower()
    if (
        not host
        or any(c.isspace() for c in url)
        or not (scheme == "https" or (scheme == "http" and _loopback(host)))
    ):
        raise ConnectionProblem(
            f"The handoff webhook URL must start with https:// (http:// only to this machine, for tests), "
            f"like {EXAMPLE}."
        )
    if parts.username or parts.password:
        raise ConnectionProblem(
            "Leave the user name and password out of the handoff webhook URL: the signature tells the "
            "receiver the handoff is ours."
        )
    return url


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def with_webhook(team: TeamSettings, url: str, *, new_secret: bool = False) -> TeamSettings:
    """``team`` sending to ``url`` (checked): a fresh secret when the URL is set or changed (or
    ``new_secret``), the kept one otherwise; no URL, no secret."""
    if not url:
        return replace(team, handoff_webhook_url="", handoff_webhook_secret="")
    if new_secret or url != team.handoff_webhook_url or not team.handoff_webhook_secret:
        return replace(team, handoff_webhook_url=url, handoff_webhook_secret=new_webhook_secret())
    return replace(team, handoff_webhook_url=url)
