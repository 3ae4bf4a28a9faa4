"""Settings: the one place that reads environment variables.

``BCAGENT_HOME`` is the data directory (default ``~/.bcagent``) that holds every connected store's
credentials, settings, vector collection, sync state and transcripts, each keyed by store hash.
``BCAGENT_CHROMA_URL`` (e.g. ``http://localhost:8000``) uses a Chroma server instead of the embedded one.
``BCAGENT_EMBEDDINGS``: ``onnx-int8`` (default), ``onnx`` (float32) or ``torch``: what runs the embedding
model (ingest/embeddings.py; checked here, read where the model loads).
``BCAGENT_DATABASE_URL`` (``postgresql://...``) keeps conversation state and the agent's records (policy
state, audit log, handoffs) in PostgreSQL instead of SQLite, shared by every replica.
``BCAGENT_REDIS_URL`` (``redis://...``) shares limits and locks between replicas: the per-client and
per-thread request limits, the one-turn-at-a-time lock of a thread, and the scheduled sync's lock (with
neither it nor a database URL, a file lock in the store's folder). ``BCAGENT_REDIS_PREFIX`` (default
``bcagent``) starts every key, so deployments can share one Redis.
``BCAGENT_SYNC_INTERVAL_MINUTES`` is how often `bcagent serve` runs the incremental catalog sync
(default 15; 0 turns it off). ``BCAGENT_WEBHOOK_DEBOUNCE_MS`` is how long webhook changes are gathered
before one batched re-read (default 250).
``BCAGENT_TRANSCRIPTS=off`` stops recording turns (on by default: SQLite under the store's folder, or
the ``BCAGENT_DATABASE_URL`` database); ``BCAGENT_TRANSCRIPT_RETENTION_DAYS`` (default 30) is what
``bcagent transcripts prune`` deletes when given no ``--older-than``.
``BCAGENT_ORDER_CACHE_SECONDS`` (default 60) is how long an order verified in a conversation is kept
for it (dropped earlier by the store's order and shipment webhooks); ``BCAGENT_CODE_CACHE_SECONDS``
(default 60) how long a store's coupons and promotions are kept (in Redis when ``BCAGENT_REDIS_URL`` is
set, shared by the replicas). 0 turns either off.
``BCAGENT_STORE`` picks the store LangGraph Server serves when several are connected (its hash).
``BCAGENT_MODEL`` is ``offline`` (default) or ``openai:<model>`` (with ``OPENAI_API_KEY`` and/or
``OPENAI_BASE_URL`` for any OpenAI-compatible server).

``bcagent serve`` (``ServeSettings``): ``BCAGENT_HOST`` / ``BCAGENT_PORT`` (127.0.0.1:8378),
``BCAGENT_CORS_ORIGINS`` (comma-separated; default each served store's storefront URL and the server's own
origin), ``BCAGENT_MAX_MESSAGE_CHARS`` (2000), ``BCAGENT_MAX_BODY_BYTES`` (16384),
``BCAGENT_RATE_PER_CLIENT`` and ``BCAGENT_RATE_PER_THREAD`` (requests per minute; 120 and 30),
``BCAGENT_JWT_LEEWAY_SECONDS`` (30), ``BCAGENT_TRUSTED_PROXIES`` (addresses or CIDRs whose
``X-Forwarded-For`` is believed; default none: the TCP peer is the client), ``BCAGENT_ALLOWED_HOSTS``
(the ``Host`` names the server answers to; default the listening host, ``localhost`` and ``127.0.0.1``),
``BCAGENT_MAX_HEADER_BYTES`` (65536: the request line and headers together), ``BCAGENT_ADMIN_TOKEN``
(``Authorization: Bearer ...`` shows ``/readyz``'s per-store details); the per-store budget of chat
turns (``agent/server/budget.py``): ``BCAGENT_STORE_BUDGET`` (on), ``BCAGENT_CHAT_QUOTA_SHARE`` (0.6 of
the store's BigCommerce quota), ``BCAGENT_CLIENT_BUDGET_SHARE`` (0.25 of that per client),
``BCAGENT_TURN_REQUESTS`` (4 store requests counted per turn), ``BCAGENT_STREAMS_PER_CLIENT`` (4) and
``BCAGENT_STREAMS_PER_STORE`` (100) open streams.
Handoffs to a person (``HandoffSettings``): ``BCAGENT_SMTP_URL`` (``smtp://user:pass@host:port``, STARTTLS
when the server offers it; ``smtps://`` for TLS from the start), ``BCAGENT_HANDOFF_EMAIL_TO`` (the team's
or the helpdesk's address), ``BCAGENT_HANDOFF_EMAIL_FROM``, ``BCAGENT_HANDOFF_WEBHOOK_URL`` and
``BCAGENT_HANDOFF_WEBHOOK_SECRET`` (Standard Webhooks, ``whsec_...``), ``BCAGENT_BUSINESS_HOURS``
(``Mon-Fri 09:00-17:00 America/Chicago``), ``BCAGENT_HANDOFF_REPLY_HOURS`` (4), ``BCAGENT_ADMIN_TOKEN``
(the bearer token of the admin API), ``BCAGENT_PUBLIC_URL`` (where staff open a conversation).
How the LLM is spoken to (``LLMSettings``, all optional; the defaults suit OpenAI and the common local
servers alike):

- ``BCAGENT_LLM_TOOL_CHOICE``: ``auto`` (default), ``required`` or ``omit`` (send no ``tool_choice``).
  Some servers (llama.cpp) ignore tools unless ``tool_choice`` is sent.
- ``BCAGENT_LLM_STREAM``: ``auto`` (default: stream from OpenAI itself, not from other servers, several
  of which answer streamed tool calls with an empty stream and send no token usage in streams),
  ``on`` or ``off``.
- ``BCAGENT_LLM_MAX_TOKENS``: the cap on every reply (default 400: a support reply is short).
- ``BCAGENT_LLM_ROUTING``: how the router asks for its JSON: ``auto`` (default: try ``json_schema``,
  and on refusal ``json_object``, then a forced ``tool`` call, remembering what worked),
  ``json_schema``, ``json_object`` or ``tool``.
- ``BCAGENT_LLM_CONTEXT_TOKENS``: the model's context window; older history is trimmed to fit
  (default 128000 for OpenAI itself, 4096 for other servers).
- ``BCAGENT_LLM_TIMEOUT``: seconds one model request may take (default 30).
- ``BCAGENT_LLM_RETRIES``: retries of a failed request (default 1).
- ``BCAGENT_TURN_BUDGET_SECONDS``: the whole turn's time budget (default 60); when it runs out the
  shopper gets an answer built without the LLM.
- ``BCAGENT_LLM_SAFETY_NET``: ``on`` (default) or ``off``: run the tool call the offline model would
  make when the LLM answers a clear task request without calling its tool.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from ingest.embedding_setting import EmbeddingsSettingError, embeddings_backend

DEFAULT_API_URL = "https://api.bigcommerce.com"
DEFAULT_SYNC_INTERVAL_MINUTES = 15
DEFAULT_WEBHOOK_DEBOUNCE_MS = 250

log = logging.getLogger(__name__)


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        log.warning("%s=%r is not a whole number of 0 or more; using %d", name, raw, default)
        return default
    return int(raw)


DEFAULT_SERVE_PORT = 8378


class SettingsError(ValueError):
    """An environment variable with a value that cannot be right; the message names it."""


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...], example: str) -> str | None:
    """A service URL with one of ``schemes``, or None when unset. A wrong scheme is an error, never a
    silent fall-back to the embedded default (replicas would each keep their own state)."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not raw.lower().startswith(tuple(f"{scheme}://" for scheme in schemes)):
        shown = raw.split("://", 1)[0] + "://..." if "://" in raw else "a value without a scheme"
        raise SettingsError(f"{name} must look like {example} (got {shown})")
    return raw


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class ServeSettings:
    """What `bcagent serve` listens on and the limits it applies."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_SERVE_PORT
    cors_origins: tuple[str, ...] | None = None  # None: the stores' storefront URLs + the server's origin
    max_message_chars: int = 2000
    max_body_bytes: int = 16_384
    rate_per_client: int = 120  # requests per minute per client address
    rate_per_thread: int = 30  # messages and confirmations per minute per thread
    jwt_leeway_seconds: int = 30
    turn_lock_ttl_ms: int = 15_000  # with Redis: how long a dead replica's turn lock outlives it
    thread_ttl_hours: int = 24  # the widget forgets a conversation after this long without a message
    trusted_proxies: tuple[str, ...] = ()  # addresses / CIDRs whose X-Forwarded-For is believed
    allowed_hosts: tuple[str, ...] | None = None  # None: the listening host, localhost, 127.0.0.1
    max_header_bytes: int = 65_536
    admin_token: str | None = field(default=None, repr=False)  # BCAGENT_ADMIN_TOKEN: /readyz details
    store_budget: bool = True  # admit chat turns against a per-store share of the BigCommerce quota
    chat_quota_share: float = 0.6  # of the store's quota per window, for chat (the rest: other apps)
    client_budget_share: float = 0.25  # of the store's chat budget, for one client
    turn_requests: int = 4  # store requests a turn is counted as
    streams_per_client: int = 4  # open SSE streams
    streams_per_store: int = 100

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServeSettings:
        origins = env.get("BCAGENT_CORS_ORIGINS")
        return cls(
            host=env.get("BCAGENT_HOST") or "127.0.0.1",
            port=_int(env, "BCAGENT_PORT", DEFAULT_SERVE_PORT, minimum=0),
            cors_origins=tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
            if origins
            else None,
            max_message_chars=_int(env, "BCAGENT_MAX_MESSAGE_CHARS", 2000),
            max_body_bytes=_int(env, "BCAGENT_MAX_BODY_BYTES", 16_384, minimum=256),
            rate_per_client=_int(env, "BCAGENT_RATE_PER_CLIENT", 120),
            rate_per_thread=_int(env, "BCAGENT_RATE_PER_THREAD", 30),
            jwt_leeway_seconds=_int(env, "BCAGENT_JWT_LEEWAY_SECONDS", 30, minimum=0),
            turn_lock_ttl_ms=_int(env, "BCAGENT_TURN_LOCK_TTL_MS", 15_000, minimum=1000),
            thread_ttl_hours=_int(env, "BCAGENT_THREAD_TTL_HOURS", 24),
            trusted_proxies=_networks(env, "BCAGENT_TRUSTED_PROXIES"),
            allowed_hosts=_hosts(env, "BCAGENT_ALLOWED_HOSTS"),
            max_header_bytes=_int(env, "BCAGENT_MAX_HEADER_BYTES", 65_536, minimum=4096),
            admin_token=(env.get("BCAGENT_ADMIN_TOKEN") or "").strip() or None,
            store_budget=_switch(env, "BCAGENT_STORE_BUDGET", True),
            chat_quota_share=_share(env, "BCAGENT_CHAT_QUOTA_SHARE", 0.6),
            client_budget_share=_share(env, "BCAGENT_CLIENT_BUDGET_SHARE", 0.25),
            turn_requests=_int(env, "BCAGENT_TURN_REQUESTS", 4),
            streams_per_client=_int(env, "BCAGENT_STREAMS_PER_CLIENT", 4),
            streams_per_store=_int(env, "BCAGENT_STREAMS_PER_STORE", 100),
        )


def _share(env: Mapping[str, str], name: str, default: float) -> float:
    value = _number(env, name, default, minimum=0.01)
    if value > 1:
        raise SettingsError(f"{name}={value:g} is a share: use a number from 0.01 to 1 (0.6 is 60%)")
    return value


def _list(env: Mapping[str, str], name: str) -> list[str]:
    return [item.strip() for item in (env.get(name) or "").split(",") if item.strip()]


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Addresses or CIDRs (``10.0.0.0/8``, ``::1``), each checked; ``*`` is refused (it would trust
    every client's own ``X-Forwarded-For``)."""
    found: list[str] = []
    for item in _list(env, name):
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name}: {item!r} is not an address or a CIDR (e.g. 127.0.0.1, 10.0.0.0/8, ::1)"
            ) from None
        found.append(item)
    return tuple(found)


def _hosts(env: Mapping[str, str], name: str) -> tuple[str, ...] | None:
    """Host names (``chat.example.com``, ``*.example.com``), lower-cased, without a port."""
    hosts = tuple(h.lower() for h in _list(env, name))
    for host in hosts:
        if "/" in host or re.fullmatch(r"[^:\[\]]+:\d+", host):
            raise SettingsError(f"{name}: {host!r} is a host name without scheme or port (chat.example.com)")
    return hosts or None


@dataclass(frozen=True)
class HandoffSettings:
    """Where handoffs are delivered and when the team works. Secrets never show in the repr."""

    smtp_url: str | None = field(default=None, repr=False)
    email_to: str | None = None
    email_from: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    business_hours: str | None = None
    reply_hours: int = 4
    admin_token: str | None = field(default=None, repr=False)
    public_url: str | None = None
    shopper_email_wait_seconds: float = 60.0  # a staff reply the open widget has not shown by then is emailed

    @property
    def email(self) -> bool:
        return bool(self.smtp_url and self.email_to)

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HandoffSettings:
        smtp = _url(env, "BCAGENT_SMTP_URL", ("smtp", "smtps"), "smtp://user:pass@host:587")
        webhook = _url(env, "BCAGENT_HANDOFF_WEBHOOK_URL", ("http", "https"), "https://hooks.example.com/x")
        secret = (env.get("BCAGENT_HANDOFF_WEBHOOK_SECRET") or "").strip() or None
        if webhook and not secret:
            raise SettingsError(
                "BCAGENT_HANDOFF_WEBHOOK_URL is set without BCAGENT_HANDOFF_WEBHOOK_SECRET: set a secret "
                "(whsec_ followed by base64, or any long random text) so the receiver can check the signature"
            )
        to = (env.get("BCAGENT_HANDOFF_EMAIL_TO") or "").strip() or None
        if smtp and not to:
            raise SettingsError(
                "BCAGENT_SMTP_URL is set without BCAGENT_HANDOFF_EMAIL_TO: say where handoffs go"
            )
        hours = (env.get("BCAGENT_BUSINESS_HOURS") or "").strip() or None
        reply_hours = _int(env, "BCAGENT_HANDOFF_REPLY_HOURS", 4)
        if hours:
            from .handoff.hours import BusinessHoursError, parse_hours

            try:
                parse_hours(hours, reply_hours)
            except BusinessHoursError as exc:
                raise SettingsError(str(exc)) from None
        return cls(
            smtp_url=smtp,
            email_to=to,
            email_from=(env.get("BCAGENT_HANDOFF_EMAIL_FROM") or "").strip() or None,
            webhook_url=webhook,
            webhook_secret=secret,
            business_hours=hours,
            reply_hours=reply_hours,
            admin_token=(env.get("BCAGENT_ADMIN_TOKEN") or "").strip() or None,
            public_url=((env.get("BCAGENT_PUBLIC_URL") or "").strip().rstrip("/") or None),
        )


OFF = frozenset({"off", "0", "false", "no"})
DEFAULT_RETENTION_DAYS = 30


def _days(text: str | None) -> int:
    if not text or not text.strip():
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(text)
    except ValueError:
        raise ValueError(
            f"BCAGENT_TRANSCRIPT_RETENTION_DAYS must be a whole number of days, not {text!r}"
        ) from None
    if days < 1:
        raise ValueError("BCAGENT_TRANSCRIPT_RETENTION_DAYS must be at least 1")
    return days


ToolChoice = Literal["auto", "required", "omit"]
StreamMode = Literal["auto", "on", "off"]
RoutingMode = Literal["auto", "json_schema", "json_object", "tool"]
TOOL_CHOICES: Final[tuple[str, ...]] = ("auto", "required", "omit")
STREAM_MODES: Final[tuple[str, ...]] = ("auto", "on", "off")
ROUTING_MODES: Final[tuple[str, ...]] = ("auto", "json_schema", "json_object", "tool")
_ON: Final = frozenset({"1", "on", "true", "yes"})
_OFF: Final = frozenset({"0", "off", "false", "no"})


@dataclass(frozen=True)
class LLMSettings:
    """How requests to an OpenAI-compatible server are shaped, and the bounds of a turn."""

    tool_choice: ToolChoice = "auto"
    stream: StreamMode = "auto"
    max_tokens: int = 400
    routing: RoutingMode = "auto"
    context_tokens: int | None = None  # None: 128000 for OpenAI itself, 4096 for other servers
    timeout_seconds: float = 30.0
    max_retries: int = 1
    turn_budget_seconds: float = 60.0
    safety_net: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LLMSettings:
        return cls(
            tool_choice=_choice(env, "BCAGENT_LLM_TOOL_CHOICE", TOOL_CHOICES, "auto"),  # type: ignore[arg-type]
            stream=_choice(env, "BCAGENT_LLM_STREAM", STREAM_MODES, "auto"),  # type: ignore[arg-type]
            max_tokens=int(_number(env, "BCAGENT_LLM_MAX_TOKENS", 400, minimum=16)),
            routing=_choice(env, "BCAGENT_LLM_ROUTING", ROUTING_MODES, "auto"),  # type: ignore[arg-type]
            context_tokens=(
                int(_number(env, "BCAGENT_LLM_CONTEXT_TOKENS", 0, minimum=512))
                if env.get("BCAGENT_LLM_CONTEXT_TOKENS", "").strip()
                else None
            ),
            timeout_seconds=_number(env, "BCAGENT_LLM_TIMEOUT", 30.0, minimum=0.1),
            max_retries=int(_number(env, "BCAGENT_LLM_RETRIES", 1, minimum=0)),
            turn_budget_seconds=_number(env, "BCAGENT_TURN_BUDGET_SECONDS", 60.0, minimum=1),
            safety_net=_switch(env, "BCAGENT_LLM_SAFETY_NET", True),
        )

    def streams(self, base_url: str | None) -> bool:
        """Whether replies are streamed: ``auto`` streams from OpenAI itself only."""
        return self.stream == "on" or (self.stream == "auto" and not base_url)

    def context_window(self, base_url: str | None) -> int:
        return self.context_tokens or (4096 if base_url else 128000)


def _choice(env: Mapping[str, str], name: str, accepted: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in accepted:
        raise SettingsError(f"{name}={env.get(name)!r} is not one of: {', '.join(accepted)}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r} is too small: use at least {minimum:g}")
    return value


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _ON:
        return True
    if raw in _OFF:
        return False
    raise SettingsError(f"{name}={env.get(name)!r}: use on or off")


@dataclass(frozen=True)
class Settings:
    home: Path
    model: str = "offline"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    chroma_url: str | None = None
    database_url: str | None = None
    redis_url: str | None = None
    redis_prefix: str = "bcagent"
    sync_interval_minutes: int = DEFAULT_SYNC_INTERVAL_MINUTES
    webhook_debounce_ms: int = DEFAULT_WEBHOOK_DEBOUNCE_MS
    serve: ServeSettings = field(default_factory=ServeSettings)
    transcripts: bool = True
    transcript_retention_days: int = 30
    llm: LLMSettings = field(default_factory=LLMSettings)
    store: str | None = None  # which connected store a one-store host serves (None: the only one)
    handoff: HandoffSettings = field(default_factory=HandoffSettings)
    order_cache_seconds: float = 60.0  # an order verified in a conversation, kept for it
    code_cache_seconds: float = 60.0  # a store's coupons and promotions, kept for every conversation
    catalog_freshness_seconds: float = 300.0  # the catalog mirror is served while proven this fresh; 0: never

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        try:
            embeddings_backend(env)  # read again where the model loads (ingest/embeddings.py)
        except EmbeddingsSettingError as error:
            raise SettingsError(str(error)) from None
        home = Path(env.get("BCAGENT_HOME") or Path.home() / ".bcagent").expanduser()
        return cls(
            home=home,
            model=env.get("BCAGENT_MODEL", "offline"),
            openai_api_key=env.get("OPENAI_API_KEY"),
            openai_base_url=env.get("OPENAI_BASE_URL"),
            chroma_url=_url(env, "BCAGENT_CHROMA_URL", ("http", "https"), "http://host:8000"),
            database_url=_url(
                env, "BCAGENT_DATABASE_URL", ("postgresql", "postgres"), "postgresql://user@host:5432/db"
            ),
            redis_url=_url(env, "BCAGENT_REDIS_URL", ("redis", "rediss", "unix"), "redis://host:6379/0"),
            redis_prefix=env.get("BCAGENT_REDIS_PREFIX") or "bcagent",
            sync_interval_minutes=_whole_number(
                env, "BCAGENT_SYNC_INTERVAL_MINUTES", DEFAULT_SYNC_INTERVAL_MINUTES
            ),
            webhook_debounce_ms=_whole_number(
                env, "BCAGENT_WEBHOOK_DEBOUNCE_MS", DEFAULT_WEBHOOK_DEBOUNCE_MS
            ),
            serve=ServeSettings.from_env(env),
            transcripts=env.get("BCAGENT_TRANSCRIPTS", "on").strip().lower() not in OFF,
            transcript_retention_days=_days(env.get("BCAGENT_TRANSCRIPT_RETENTION_DAYS")),
            llm=LLMSettings.from_env(env),
            store=(env.get("BCAGENT_STORE") or "").strip() or None,
            handoff=HandoffSettings.from_env(env),
            order_cache_seconds=_number(env, "BCAGENT_ORDER_CACHE_SECONDS", 60.0, minimum=0),
            code_cache_seconds=_number(env, "BCAGENT_CODE_CACHE_SECONDS", 60.0, minimum=0),
            catalog_freshness_seconds=_number(env, "BCAGENT_CATALOG_FRESHNESS_SECONDS", 300.0, minimum=0),
        )

    def __repr__(self) -> str:
        key = "set" if self.openai_api_key else "unset"
        database = "set" if self.database_url else "unset"
        redis = "set" if self.redis_url else "unset"
        return (
            f"Settings(home={str(self.home)!r}, model={self.model!r}, openai_api_key={key}, "
            f"database_url={database}, redis_url={redis})"
        )
