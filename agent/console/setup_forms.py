"""The set-up page's policy form: the store policy ``bcagent policy`` keeps (cancellable statuses, order
age, who may cancel, private codes, codes in promotions) and the store's team settings (business hours,
the address handoffs are emailed to, the minutes between catalog syncs: ``TeamSettings``, each over the
server's value), written the same way (``agent.store.live.change``) so every running server, and every
replica, applies them within seconds: the handoff reply and its delivery read the store's hours,
address and webhook, the catalog's schedule its interval. A store's own handoff webhook gets a signing
secret the server makes (``agent.store.handoff_webhook``), shown once on the page after saving (and after
"Make a new secret"), never again. The server-wide settings beside them (the SMTP server, the server's
handoff webhook) are shown, not edited: they are the server's environment."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..settings import Settings
from ..store.connections import Connection, ConnectionProblem
from ..store.handoff_webhook import check_webhook_url, with_webhook
from ..store.live import change, effective_connection
from ..store.merchant_settings import (
    STATUS_NAMES,
    MerchantSettings,
    PolicySettings,
    check_who_may_cancel,
    parse_age,
    parse_statuses,
    parse_team,
)
from .access import Refusal, _form, _signed_in
from .views import render

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)
WHO_WORDS = {  # the same choices as `bcagent policy --who-may-cancel`
    "order_and_email": "Any shopper who gives the order number and its billing email",
    "email_code": "A shopper who types the code emailed to the order's billing address (needs SMTP)",
    "verified_only": "Signed-in shoppers only, for their own orders",
}


def policy_from_form(
    form: dict[str, str], statuses: list[str], smtp_configured: bool = False
) -> PolicySettings:
    """The policy the form asks for, checked as ``bcagent policy set`` checks it (ConnectionProblem)."""
    who = check_who_may_cancel(form.get("who_may_cancel", ""), smtp_configured)
    if not statuses:
        raise ConnectionProblem(
            "Tick at least one cancellable status (to stop all cancellations, turn off the "
            "cancel_order tool under Tools)."
        )
    return PolicySettings(
        cancellable_status_ids=parse_statuses(",".join(statuses)),
        max_order_age_days=parse_age(form.get("max_order_age_days", "")),
        who_may_cancel=who,
        private_codes=tuple(c.strip() for c in form.get("private_codes", "").split(",") if c.strip()),
        show_codes_in_promotions=form.get("show_codes_in_promotions") == "on",
    )


def _server_wide(settings: Settings) -> list[tuple[str, str]]:
    handoff = settings.handoff
    return [
        ("Handoff email", "on: an SMTP server is set (the address is the store's above, else the server's)"
         if handoff.smtp_url else "off: no SMTP server (BCAGENT_SMTP_URL)"),
        ("Handoff webhook", "on: signed deliveries, unless the store sends to its own above" if handoff.webhook
         else "off (BCAGENT_HANDOFF_WEBHOOK_URL) unless the store sends to its own above"),
        ("Catalog freshness", _freshness(settings.sync_interval_minutes) + " unless the store sets its own"),
    ]  # fmt: skip


def _freshness(minutes: int) -> str:
    if minutes <= 0:
        return "webhooks as they arrive; no scheduled sync (BCAGENT_SYNC_INTERVAL_MINUTES is 0)"
    return f"webhooks as they arrive, and an incremental sync every {minutes} minutes"


async def policy_section(settings: Settings, connection: Connection) -> dict[str, Any]:
    """What the set-up page's policy section shows."""
    _, live = await effective_connection(settings, connection)
    policy = live.settings.policy
    return {
        "policy": policy,
        "team": live.settings.team,
        "statuses": sorted(STATUS_NAMES.items()),
        "who_words": WHO_WORDS,
        "smtp_configured": bool(settings.handoff.smtp_url),
        "server_wide": _server_wide(settings),
        "server_team": {
            "hours": settings.handoff.business_hours or "none: no reply time is promised",
            "email": settings.handoff.email_to or "none",
            "smtp": bool(settings.handoff.smtp_url),
            "minutes": settings.sync_interval_minutes,
            "webhook": settings.handoff.webhook,
        },
    }


def _secret_page(store_hash: str, url: str, secret: str, why: str) -> Response:
    """The only page that shows the store's webhook secret (not cached, like every console page)."""
    return render("webhook_secret.html", store_hash=store_hash, url=url, secret=secret, why=why)


@router.post("/stores/{store_hash}/policy")
async def save_policy(request: Request, store_hash: str) -> Response:
    try:
        console, session, connection = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    raw = await request.form()
    statuses = [str(value) for value in raw.getlist("status")]
    try:
        policy = policy_from_form(form, statuses, bool(console.settings.handoff.smtp_url))
        team = parse_team(
            form.get("business_hours", ""),
            form.get("handoff_email_to", ""),
            form.get("sync_interval_minutes", ""),
            console.settings.handoff.reply_hours,
        )
        webhook_url = check_webhook_url(form.get("handoff_webhook_url", ""))
    except ConnectionProblem as problem:
        return render("problem.html", 422, heading="Policy not saved", message=str(problem),
                      link=f"/admin/stores/{store_hash}#policy-h", link_text="Back to the set-up")  # fmt: skip
    made = ""

    def edit(current: MerchantSettings) -> MerchantSettings:
        nonlocal made
        kept = replace(team, handoff_webhook_url=current.team.handoff_webhook_url,
                       handoff_webhook_secret=current.team.handoff_webhook_secret)  # fmt: skip
        new_team = with_webhook(kept, webhook_url)
        changed = new_team.handoff_webhook_secret != current.team.handoff_webhook_secret
        made = new_team.handoff_webhook_secret if changed else ""
        return replace(current, policy=policy, team=new_team)

    await change(console.settings, connection, edit)
    log.info("console: %s changed the policy of %s", session.email, store_hash)
    if made:
        log.info(
            "console: %s set the handoff webhook of %s (a new signing secret)", session.email, store_hash
        )
        return _secret_page(
            store_hash, webhook_url, made, "Policy saved, with a handoff webhook of your own."
        )
    notice = "Policy saved: the assistant applies it within seconds."
    return RedirectResponse(f"/admin/stores/{store_hash}?notice={notice}", status_code=303)


@router.post("/stores/{store_hash}/handoff-webhook/secret")
async def new_webhook_secret(request: Request, store_hash: str) -> Response:
    """The "Make a new secret" button: the old one stops working as soon as every server has the change."""
    try:
        console, session, connection = await _signed_in(request, store_hash)
        await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    made = ""
    url = ""

    def edit(current: MerchantSettings) -> MerchantSettings:
        nonlocal made, url
        url = current.team.handoff_webhook_url
        if not url:
            made = ""
            return current
        team = with_webhook(current.team, url, new_secret=True)
        made = team.handoff_webhook_secret
        return replace(current, team=team)

    await change(console.settings, connection, edit)
    if not made:
        return render("problem.html", 409, heading="No webhook of the store's own",
                      message="Set a handoff webhook URL on the policy form first: its secret is made then.",
                      link=f"/admin/stores/{store_hash}#policy-h", link_text="Back to the set-up")  # fmt: skip
    log.info("console: %s made a new handoff webhook secret for %s", session.email, store_hash)
    return _secret_page(store_hash, url, made, "A new signing secret for your handoff webhook.")
