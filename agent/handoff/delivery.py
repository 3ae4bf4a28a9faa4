"""Delivering handoffs from the outbox: to the team by email and by signed webhook, and a staff reply to
the shopper by email when their chat was closed.

``enqueue_*`` put items in the store's outbox (one per channel, keyed so a repeat is never queued
twice); ``Deliverer`` claims due items and sends them, built from the handoff as it is at sending time
(so a contact given a minute later is in the email). A failure is retried with growing waits
(``BACKOFF``), logged, and shown by ``bcagent status``; after ``MAX_ATTEMPTS`` (or a refusal that
retrying cannot fix) the item is kept as ``failed`` for ``bcagent handoffs retry``. Only ``bcagent
serve`` (and ``bcagent handoffs deliver``) run a deliverer: a handoff made in the terminal chat waits for
them; an eval or a replay keeps its records in memory, so nothing it queues is ever sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..notify.email import EmailFailed, SmtpSender
from ..notify.webhook import WebhookFailed, WebhookSender
from ..persistence import timestamps
from ..persistence.handoffs import Handoff, HandoffMessage
from ..persistence.outbox import OutboxItem
from ..persistence.records import AgentRecords
from ..settings import HandoffSettings

log = logging.getLogger(__name__)

CONTACT_WAIT_SECONDS = 120.0  # how long the handoff email waits for the shopper's answer about a contact
MAX_ATTEMPTS = 12
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0)
LEASE_SECONDS = 60.0


def _channels(settings: HandoffSettings) -> list[str]:
    return [c for c, on in (("email", settings.email), ("webhook", settings.webhook)) if on]


async def enqueue_handoff(
    records: AgentRecords, settings: HandoffSettings, handoff: Handoff, *, wait_for_contact: bool
) -> None:
    delay = CONTACT_WAIT_SECONDS if wait_for_contact else 0.0
    for channel in _channels(settings):
        await records.outbox.add(
            f"handoff-{handoff.store_hash}-{handoff.id}-created-{channel}",
            channel,  # type: ignore[arg-type]
            "handoff.created",
            {"handoff_id": handoff.id},
            handoff_id=handoff.id,
            delay_seconds=delay,
        )


async def enqueue_message(
    records: AgentRecords,
    settings: HandoffSettings,
    handoff: Handoff,
    message: HandoffMessage,
    *,
    shopper_email_wait: float | None = None,
) -> None:
    """A shopper's message while staff have the thread goes to the team as an update; a staff reply goes
    to the shopper's email, if they gave one, unless their widget shows it first."""
    if message.role == "shopper":
        for channel in _channels(settings):
            await records.outbox.add(
                f"handoff-{handoff.store_hash}-{handoff.id}-message-{message.id}-{channel}",
                channel,  # type: ignore[arg-type]
                "handoff.message",
                {"handoff_id": handoff.id, "message_id": message.id},
                handoff_id=handoff.id,
            )
    elif message.role == "staff" and handoff.contact_email and settings.email:
        await records.outbox.add(
            f"handoff-{handoff.store_hash}-{handoff.id}-reply-{message.id}-shopper_email",
            "shopper_email",
            "handoff.reply",
            {"handoff_id": handoff.id, "message_id": message.id},
            handoff_id=handoff.id,
            delay_seconds=settings.shopper_email_wait_seconds
            if shopper_email_wait is None
            else shopper_email_wait,
        )


async def enqueue_closed(records: AgentRecords, settings: HandoffSettings, handoff: Handoff) -> None:
    if settings.webhook:
        await records.outbox.add(
            f"handoff-{handoff.store_hash}-{handoff.id}-closed-webhook",
            "webhook",
            "handoff.closed",
            {"handoff_id": handoff.id},
            handoff_id=handoff.id,
        )


@dataclass(frozen=True)
class StoreLabel:
    """How the store is named in what is sent."""

    store_hash: str
    name: str


def conversation_url(settings: HandoffSettings, handoff: Handoff) -> str:
    base = settings.public_url or "http://127.0.0.1:8378"
    return f"{base}/v1/admin/stores/{handoff.store_hash}/handoffs/{handoff.id}"


def handoff_view(settings: HandoffSettings, handoff: Handoff) -> dict[str, Any]:
    return {
        "id": handoff.id,
        "status": handoff.status,
        "created_at": handoff.time,
        "thread_id": handoff.thread_id,
        "summary": handoff.summary,
        "reason": handoff.reason,
        "contact_email": handoff.contact_email,
        "facts": handoff.facts,
        "conversation_url": conversation_url(settings, handoff),
    }


def webhook_body(
    settings: HandoffSettings,
    store: StoreLabel,
    item: OutboxItem,
    handoff: Handoff,
    message: HandoffMessage | None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "store": {"hash": store.store_hash, "name": store.name},
        "handoff": handoff_view(settings, handoff),
    }
    if item.kind == "handoff.created":
        data["transcript"] = handoff.transcript
    if message is not None:
        data["message"] = {
            "role": message.role,
            "author": message.author,
            "text": message.text,
            "time": message.time,
        }
    return {"type": item.kind, "timestamp": item.created_at, "data": data}


def _facts_lines(facts: dict[str, Any]) -> list[str]:
    lines = []
    if facts.get("order_numbers"):
        lines.append("Order number(s): " + ", ".join(f"#{n}" for n in facts["order_numbers"]))
    if facts.get("products"):
        lines.append("Product(s) asked about: " + ", ".join(facts["products"]))
    if facts.get("page_product_id"):
        lines.append(f"Product page open: id {facts['page_product_id']}")
    return lines or ["(nothing looked up yet)"]


def team_email_text(
    settings: HandoffSettings,
    store: StoreLabel,
    item: OutboxItem,
    handoff: Handoff,
    message: HandoffMessage | None,
) -> tuple[str, str]:
    """(subject, body) of the email to the team."""
    if item.kind == "handoff.message" and message is not None:
        subject = f"[{store.name}] Request #{handoff.id}: the shopper wrote again"
        body = [
            f"The shopper wrote in request #{handoff.id} ({handoff.summary[:80]}):",
            "",
            message.text,
            "",
            f"Answer in the chat: {conversation_url(settings, handoff)}",
        ]
        return subject, "\n".join(body)
    subject = f"[{store.name}] Request #{handoff.id}: {handoff.summary[:80]}"
    contact = handoff.contact_email or "none given: reply in the chat (admin API or `bcagent handoffs reply`)"
    body = [
        f"A shopper asked for a person at {store.name} (request #{handoff.id}, {handoff.time}).",
        "",
        "In their words:",
        f"  {handoff.summary}",
        "",
        f"Why: {handoff.reason or 'the shopper asked for a person'}",
        f"Contact: {contact}",
        *_facts_lines(handoff.facts),
        f"Conversation: {conversation_url(settings, handoff)}",
        "",
        "The conversation so far:",
    ]
    for line in handoff.transcript:
        who = "Shopper" if line.get("role") == "shopper" else "Assistant"
        body.append(f"  {who}: {line.get('text', '')}")
    body += ["", "Reply to this email to write to the shopper" if handoff.contact_email else ""]
    return subject, "\n".join(body).rstrip() + "\n"


def message_id_of(item: OutboxItem) -> str:
    """The email's Message-ID: the same for every attempt of one item, so a helpdesk drops a repeat."""
    return f"<{item.idempotency_key}@bcagent>"


def backoff(attempts: int) -> float:
    return BACKOFF[min(max(attempts - 1, 0), len(BACKOFF) - 1)]


class Deliverer:
    """Sends one store's due outbox items."""

    def __init__(
        self,
        records: AgentRecords,
        settings: HandoffSettings,
        store: StoreLabel,
        *,
        http: httpx.AsyncClient | None = None,
        current: Callable[[], HandoffSettings] | None = None,
    ) -> None:
        """``settings``: the server's (its SMTP server); ``current``: the store's settings as they are now
        (its business hours, handoff address and webhook with its secret, which the merchant may change
        while serving), read at each delivery; default ``settings``."""
        self.records = records
        self._settings = settings
        self._current = current
        self.store = store
        self.http = http
        self.smtp = SmtpSender.from_url(settings.smtp_url, settings.email_from) if settings.smtp_url else None

    @property
    def settings(self) -> HandoffSettings:
        return self._current() if self._current is not None else self._settings

    @property
    def webhook(self) -> WebhookSender | None:
        """Where a webhook goes now: the store's own URL signed with its secret, else the server's."""
        now = self.settings
        return WebhookSender(now.webhook_url, now.webhook_secret or "") if now.webhook_url else None

    async def run_once(self, limit: int = 20) -> int:
        """Send what is due now; how many items were claimed."""
        items = await self.records.outbox.claim(limit=limit, lease_seconds=LEASE_SECONDS)
        queues: dict[tuple[int | None, str], list[OutboxItem]] = {}
        for item in items:  # in order within one handoff and channel; the rest side by side
            queues.setdefault((item.handoff_id, item.channel), []).append(item)
        await asyncio.gather(*(self._deliver_in_order(queue) for queue in queues.values()))
        return len(items)

    async def _deliver_in_order(self, items: list[OutboxItem]) -> None:
        for item in items:
            await self._deliver(item)

    async def run(self, interval: float = 0.5, stop: asyncio.Event | None = None) -> None:
        """Deliver until cancelled (or ``stop`` is set), looking for due items every ``interval`` seconds."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("handoff delivery: could not read the outbox of %s", self.store.store_hash)
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _deliver(self, item: OutboxItem) -> None:
        box = self.records.outbox
        try:
            await self._send(item)
        except (EmailFailed, WebhookFailed) as exc:
            if exc.permanent or item.attempts >= MAX_ATTEMPTS:
                log.error(
                    "handoff delivery %s gave up after %d attempt(s): %s",
                    item.idempotency_key,
                    item.attempts,
                    exc,
                )
                await box.give_up(item.id, str(exc))
            else:
                wait = backoff(item.attempts)
                log.warning(
                    "handoff delivery %s failed (attempt %d), retrying in %g s: %s",
                    item.idempotency_key,
                    item.attempts,
                    wait,
                    exc,
                )
                await box.retry(item.id, str(exc), wait)
            return
        except _Skip as skip:
            await box.skipped(item.id, str(skip))
            return
        await box.sent(item.id)
        log.info("handoff delivery %s sent (%s)", item.idempotency_key, item.channel)

    async def _send(self, item: OutboxItem) -> None:
        desk = self.records.handoff_requests
        handoff = await desk.get(int(item.payload.get("handoff_id", item.handoff_id or 0)))
        if handoff is None:
            raise _Skip("the handoff no longer exists")
        message = None
        if "message_id" in item.payload:
            wanted = int(item.payload["message_id"])
            message = next((m for m in await desk.messages([handoff.id]) if m.id == wanted), None)
            if message is None:
                raise _Skip("the message no longer exists")
        if item.channel == "webhook":
            webhook = self.webhook
            if webhook is None:
                raise WebhookFailed(
                    "no handoff webhook: BCAGENT_HANDOFF_WEBHOOK_URL is not set on this server and the store "
                    "has none of its own (the console's policy form)"
                )
            body = webhook_body(self.settings, self.store, item, handoff, message)
            await webhook.send(item.idempotency_key, body, client=self.http)
            return
        if self.smtp is None or not self.settings.email_to:
            raise EmailFailed(
                "BCAGENT_SMTP_URL is not set on this server, or no handoff address (BCAGENT_HANDOFF_EMAIL_TO, "
                "or the store's on the console's policy form)"
            )
        if item.channel == "email":
            subject, text = team_email_text(self.settings, self.store, item, handoff, message)
            mail = self.smtp.message(
                self.settings.email_to,
                subject,
                text,
                reply_to=handoff.contact_email,
                message_id=message_id_of(item),
            )
            await self.smtp.send(mail)
            return
        # shopper_email: a staff reply, unless the widget showed it already
        if message is None or not handoff.contact_email:
            raise _Skip("no message or no shopper email")
        if handoff.shopper_seen_at and timestamps.parse(handoff.shopper_seen_at) >= timestamps.parse(
            message.time
        ):
            raise _Skip("the shopper's open chat showed the reply")
        who = message.author or "Our team"
        text = (
            f"{who} from {self.store.name} replied to your request #{handoff.id}:\n\n{message.text}\n\n"
            "You can answer by replying to this email, or in the chat on our store.\n"
        )
        mail = self.smtp.message(
            handoff.contact_email,
            f"{self.store.name}: a reply to your request #{handoff.id}",
            text,
            reply_to=self.settings.email_to,
            message_id=message_id_of(item),
        )
        await self.smtp.send(mail)


class _Skip(Exception):
    """Nothing to send after all (recorded as ``skipped``)."""
