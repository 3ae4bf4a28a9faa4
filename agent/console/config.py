"""The console's configuration, from the environment.

- ``BCAGENT_BC_CLIENT_ID`` / ``BCAGENT_BC_CLIENT_SECRET``: the single-click app's credentials from the
  Developer Portal (both or neither; without them the app callbacks answer 404 and only the password and
  the admin token sign in).
- ``BCAGENT_PUBLIC_URL``: the address BigCommerce and browsers reach this server at (``https://...``); the
  auth callback registered in the Developer Portal is ``{BCAGENT_PUBLIC_URL}/auth`` and the widget script
  installed through the Scripts API loads from it.
- ``BCAGENT_BC_LOGIN_URL`` (default ``https://login.bigcommerce.com``) and ``BCAGENT_BC_API_URL`` (default
  ``https://api.bigcommerce.com``): where tokens are exchanged and the API is called (the sandbox in tests).
- ``BCAGENT_ADMIN_TOKEN``: a bearer token for the admin API (and a sign-in for scripts).
- ``BCAGENT_CONSOLE_SESSION_HOURS`` (default 12).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ..settings import DEFAULT_API_URL, SettingsError
from ..store.connections import Secret

DEFAULT_LOGIN_URL = "https://login.bigcommerce.com"


@dataclass(frozen=True)
class AppCredentials:
    client_id: str
    client_secret: Secret

    def __repr__(self) -> str:
        return f"AppCredentials(client_id={self.client_id!r}, client_secret=Secret('********'))"


@dataclass(frozen=True)
class ConsoleConfig:
    app: AppCredentials | None = None
    public_url: str = ""
    login_url: str = DEFAULT_LOGIN_URL
    api_url: str = DEFAULT_API_URL
    admin_token: Secret | None = None
    session_lifetime: timedelta = timedelta(hours=12)
    grouping_interval: timedelta = timedelta(minutes=10)  # new unanswered questions embedded ahead (0: off)

    @property
    def auth_callback(self) -> str:
        """The redirect_uri of the token exchange: what the Developer Portal registers."""
        return f"{self.public_url}/auth"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsoleConfig:
        env = os.environ if env is None else env
        client_id = env.get("BCAGENT_BC_CLIENT_ID", "").strip()
        client_secret = env.get("BCAGENT_BC_CLIENT_SECRET", "").strip()
        if bool(client_id) != bool(client_secret):
            raise SettingsError(
                "Set both BCAGENT_BC_CLIENT_ID and BCAGENT_BC_CLIENT_SECRET (the app's credentials in the "
                "Developer Portal), or neither."
            )
        public_url = env.get("BCAGENT_PUBLIC_URL", "").strip().rstrip("/")
        if client_id and not public_url:
            raise SettingsError(
                "BCAGENT_PUBLIC_URL is needed with the app's credentials: the https address BigCommerce "
                "reaches this server at (its auth callback is BCAGENT_PUBLIC_URL/auth)."
            )
        hours = env.get("BCAGENT_CONSOLE_SESSION_HOURS", "12").strip() or "12"
        if not hours.isdigit() or int(hours) < 1:
            raise SettingsError("BCAGENT_CONSOLE_SESSION_HOURS must be a whole number of hours, 1 or more.")
        token = env.get("BCAGENT_ADMIN_TOKEN", "").strip()
        return cls(
            app=AppCredentials(client_id, Secret(client_secret)) if client_id else None,
            public_url=public_url,
            login_url=(env.get("BCAGENT_BC_LOGIN_URL") or DEFAULT_LOGIN_URL).strip().rstrip("/"),
            api_url=(env.get("BCAGENT_BC_API_URL") or DEFAULT_API_URL).strip().rstrip("/"),
            admin_token=Secret(token) if token else None,
            session_lifetime=timedelta(hours=int(hours)),
        )
