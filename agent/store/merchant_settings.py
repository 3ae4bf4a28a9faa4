"""What the merchant decides about a store, apart from what connecting it detected: tool switches, the
store policy, store details typed by hand, and scopes found lost since connecting.

These live in the persistence layer (``agent.persistence.store_settings``), one row per store with a
version that every change bumps, so a running ``bcagent serve`` (and every replica on the same
PostgreSQL database) picks a change up within a second or so. ``apply`` lays them over the
``Connection`` the files hold; the tools only ever read the result.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from bigcommerce.money import MoneyFormat

from ..settings import HandoffSettings
from .connections import Connection, ConnectionProblem

WhoMayCancel = Literal["order_and_email", "email_code", "verified_only"]
WHO_MAY_CANCEL: tuple[WhoMayCancel, ...] = ("order_and_email", "email_code", "verified_only")
NEEDS_SMTP = (
    "email_code needs email: set BCAGENT_SMTP_URL (the SMTP server handoff emails use) before choosing it, "
    "or choose order_and_email or verified_only."
)


def default_who_may_cancel(smtp_configured: bool) -> WhoMayCancel:
    """Who may cancel in a store connected now: a code emailed to the order's billing address when the
    server can send email, else the order number and its billing email (with the cross-thread limits)."""
    return "email_code" if smtp_configured else "order_and_email"


def check_who_may_cancel(who: str, smtp_configured: bool) -> WhoMayCancel:
    """``who`` as a choice the store can keep (ConnectionProblem: the sentence to show)."""
    if who not in WHO_MAY_CANCEL:
        raise ConnectionProblem(f"Choose who may cancel: {', '.join(WHO_MAY_CANCEL)}.")
    if who == "email_code" and not smtp_configured:
        raise ConnectionProblem(NEEDS_SMTP)
    return who


# BigCommerce order status ids (GET /v2/order_statuses) before anything has shipped
STATUS_NAMES: dict[int, str] = {
    0: "Incomplete",
    1: "Pending",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
}
UNSHIPPED_STATUS_IDS: tuple[int, ...] = tuple(sorted(STATUS_NAMES))
"""The default cancellable statuses: every status an order has before any of it ships."""


@dataclass(frozen=True)
class PolicySettings:
    """The merchant's policy, as kept: enforced by the tools (``agent.tools.context.StorePolicy``)."""

    cancellable_status_ids: tuple[int, ...] = UNSHIPPED_STATUS_IDS
    max_order_age_days: int | None = None
    who_may_cancel: WhoMayCancel = "order_and_email"
    private_codes: tuple[str, ...] = ()
    show_codes_in_promotions: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PolicySettings:
        who = data.get("who_may_cancel", "order_and_email")
        age = data.get("max_order_age_days")
        return cls(
            cancellable_status_ids=tuple(
                sorted(int(s) for s in data.get("cancellable_status_ids", UNSHIPPED_STATUS_IDS))
            ),
            max_order_age_days=int(age) if age is not None else None,
            who_may_cancel=who if who in WHO_MAY_CANCEL else "order_and_email",
            private_codes=tuple(str(c) for c in data.get("private_codes", ())),
            show_codes_in_promotions=bool(data.get("show_codes_in_promotions", True)),
        )


@dataclass(frozen=True)
class StoreDetails:
    """Store details typed by the merchant (``bcagent connect --name ... --currency ...``): used when
    the token lacks the Information scope, and over what was detected when given. Empty: not given."""

    name: str = ""
    storefront_url: str = ""
    money: MoneyFormat | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoreDetails:
        money = data.get("money")
        return cls(
            name=str(data.get("name", "")),
            storefront_url=str(data.get("storefront_url", "")),
            money=MoneyFormat(**money) if isinstance(money, dict) else None,
        )

    def given(self) -> bool:
        return bool(self.name or self.storefront_url or self.money)


@dataclass(frozen=True)
class LostScopes:
    """Scopes BigCommerce stopped granting after connecting (a 401/403 re-probed), and when."""

    scopes: dict[str, str] = field(default_factory=dict)  # family -> the level it has now
    detected_at: str = ""
    token_revoked: bool = False


@dataclass(frozen=True)
class TeamSettings:
    """When the store's team works, where its handoffs are emailed and sent by webhook and how often its
    catalog is synced, over the server's ``BCAGENT_BUSINESS_HOURS``, ``BCAGENT_HANDOFF_EMAIL_TO``,
    ``BCAGENT_HANDOFF_WEBHOOK_URL`` (with its secret) and ``BCAGENT_SYNC_INTERVAL_MINUTES`` (empty / None:
    the server's). The SMTP server stays the server's. The webhook's signing secret is made by the server
    (``agent.store.handoff_webhook``) and kept here so every replica can sign: never in the repr."""

    business_hours: str = ""
    handoff_email_to: str = ""
    sync_interval_minutes: int | None = None
    handoff_webhook_url: str = ""
    handoff_webhook_secret: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TeamSettings:
        minutes = data.get("sync_interval_minutes")
        return cls(
            business_hours=str(data.get("business_hours") or ""),
            handoff_email_to=str(data.get("handoff_email_to") or ""),
            sync_interval_minutes=int(minutes) if minutes is not None else None,
            handoff_webhook_url=str(data.get("handoff_webhook_url") or ""),
            handoff_webhook_secret=str(data.get("handoff_webhook_secret") or ""),
        )

    @property
    def has_webhook(self) -> bool:
        return bool(self.handoff_webhook_url and self.handoff_webhook_secret)

    def handoff(self, server: HandoffSettings) -> HandoffSettings:
        """The store's handoff settings: the server's, with the store's hours, address and webhook (with
        its own secret) over them."""
        return replace(
            server,
            business_hours=self.business_hours or server.business_hours,
            email_to=self.handoff_email_to or server.email_to,
            webhook_url=self.handoff_webhook_url if self.has_webhook else server.webhook_url,
            webhook_secret=self.handoff_webhook_secret if self.has_webhook else server.webhook_secret,
        )

    def sync_interval_seconds(self, server_minutes: int) -> float:
        """Seconds between the store's scheduled syncs (0: none)."""
        minutes = server_minutes if self.sync_interval_minutes is None else self.sync_interval_minutes
        return max(0, minutes) * 60.0


MAX_SYNC_MINUTES = 7 * 24 * 60
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def parse_team(business_hours: str, email_to: str, sync_minutes: str, reply_hours: int) -> TeamSettings:
    """The team settings a form or command gives, checked (ConnectionProblem says what to change)."""
    from ..handoff.hours import BusinessHoursError, parse_hours

    hours = " ".join(business_hours.split())
    if hours:
        try:
            parse_hours(hours, reply_hours)
        except BusinessHoursError as exc:
            raise ConnectionProblem(str(exc).replace("BCAGENT_BUSINESS_HOURS", "Business hours")) from None
    email = email_to.strip()
    if email and not EMAIL.fullmatch(email):
        raise ConnectionProblem(f"{email!r} is not an email address: give one, like help@example.com.")
    minutes_text = sync_minutes.strip()
    minutes: int | None = None
    if minutes_text:
        if not minutes_text.isdigit() or int(minutes_text) > MAX_SYNC_MINUTES:
            raise ConnectionProblem(
                f"Give the minutes between catalog syncs as a whole number from 0 (none) to {MAX_SYNC_MINUTES}, "
                "or leave it empty for the server's."
            )
        minutes = int(minutes_text)
    return TeamSettings(business_hours=hours, handoff_email_to=email, sync_interval_minutes=minutes)


@dataclass(frozen=True)
class MerchantSettings:
    disabled_tools: tuple[str, ...] = ()
    policy: PolicySettings = field(default_factory=PolicySettings)
    details: StoreDetails = field(default_factory=StoreDetails)
    lost: LostScopes = field(default_factory=LostScopes)
    team: TeamSettings = field(default_factory=TeamSettings)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["disabled_tools"] = list(self.disabled_tools)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MerchantSettings:
        lost = data.get("lost") or {}
        return cls(
            disabled_tools=tuple(sorted(str(t) for t in data.get("disabled_tools", ()))),
            policy=PolicySettings.from_json(data.get("policy") or {}),
            details=StoreDetails.from_json(data.get("details") or {}),
            lost=LostScopes(
                scopes={str(k): str(v) for k, v in (lost.get("scopes") or {}).items()},
                detected_at=str(lost.get("detected_at", "")),
                token_revoked=bool(lost.get("token_revoked", False)),
            ),
            team=TeamSettings.from_json(data.get("team") or {}),
        )

    @classmethod
    def seeded_from(cls, connection: Connection) -> MerchantSettings:
        """The settings of a store connected before they lived in the database: its file's switches."""
        return cls(disabled_tools=tuple(sorted(connection.disabled_tools)))

    def with_tool(self, name: str, enabled: bool) -> MerchantSettings:
        disabled = set(self.disabled_tools)
        if enabled:
            disabled.discard(name)
        else:
            disabled.add(name)
        return replace(self, disabled_tools=tuple(sorted(disabled)))


def apply(connection: Connection, settings: MerchantSettings) -> Connection:
    """The connection the assistant runs with: the file's detection, the merchant's switches and
    details over it, and the scopes lost since connecting taken away."""
    details = settings.details
    effective = replace(
        connection,
        disabled_tools=list(settings.disabled_tools),
        scopes={**connection.scopes, **settings.lost.scopes},
    )
    if details.name:
        effective.name = details.name
    if details.storefront_url:
        effective.secure_url = details.storefront_url.rstrip("/")
    if details.money is not None:
        effective.money = details.money
    return effective


def parse_statuses(text: str) -> tuple[int, ...]:
    """Cancellable statuses from ids or names, comma-separated (or 'default'); checked, sorted."""
    if text.strip().lower() == "default":
        return UNSHIPPED_STATUS_IDS
    by_name = {name.lower(): status for status, name in STATUS_NAMES.items()}
    found: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        status = int(part) if part.isdigit() else by_name.get(part.lower())
        if status is None or status not in STATUS_NAMES:
            allowed = ", ".join(f"{i} ({n})" for i, n in sorted(STATUS_NAMES.items()))
            raise ConnectionProblem(
                f"{part!r} is not a status an order has before shipping; choose from {allowed}."
            )
        found.add(status)
    if not found:
        raise ConnectionProblem("Give at least one status, or 'default'.")
    return tuple(sorted(found))


def parse_age(text: str) -> int | None:
    """A maximum order age in days; 'none' (or nothing): no limit."""
    if text.strip().lower() in ("none", "off", ""):
        return None
    if not text.strip().isdigit() or int(text) < 1:
        raise ConnectionProblem(f"Maximum order age {text!r}: give a number of days (1 or more), or 'none'.")
    return int(text)
