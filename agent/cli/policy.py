"""`bcagent policy show|set`: the merchant's store policy, kept in the persistence layer and enforced
by the tools (a running `bcagent serve` applies a change within seconds, on every replica)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from typing import Any

from ..persistence.errors import DatabaseUnavailable
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.live import change, effective_connection
from ..store.merchant_settings import (
    STATUS_NAMES,
    WHO_MAY_CANCEL,
    MerchantSettings,
    PolicySettings,
    check_who_may_cancel,
    parse_age,
    parse_statuses,
)

WHO_WORDS = {
    "order_and_email": "any shopper who gives the order number and its billing email",
    "email_code": "a shopper who types the one-time code emailed to the order's billing address (6 digits, "
    "10 minutes, 3 tries; needs BCAGENT_SMTP_URL); signed-in shoppers need no code",
    "verified_only": "signed-in shoppers only (a verified Current Customer JWT), for their own orders",
}


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    statuses = ", ".join(f"{i} {n}" for i, n in sorted(STATUS_NAMES.items()))
    policy = commands.add_parser(
        "policy",
        help="show or set the store policy the tools enforce (cancelling, codes)",
        description="The merchant's rules: which order statuses may be cancelled, up to what order age, "
        "who may cancel (or change a shipping address), which coupon codes are private, and whether promotion "
        "lists show codes. A running `bcagent serve` applies a change within seconds; no restart.",
        epilog=f"Statuses before shipping (the default cancellable set): {statuses}.",
    )
    policy.add_argument("action", choices=["show", "set"])
    policy.add_argument("--store", help="store hash (needed only when several stores are connected)")
    policy.add_argument(
        "--cancellable-statuses",
        metavar="LIST",
        help="comma-separated status ids or names that may be cancelled, e.g. '1,9,11' or 'Pending,Awaiting "
        "Pickup'; 'default' for every status before shipping",
    )
    policy.add_argument(
        "--max-order-age-days",
        metavar="DAYS",
        help="orders older than this are not cancelled; 'none': no limit",
    )
    policy.add_argument(
        "--who-may-cancel", choices=WHO_MAY_CANCEL, help="; ".join(f"{k}: {v}" for k, v in WHO_WORDS.items())
    )
    policy.add_argument(
        "--private-codes",
        metavar="LIST",
        help="comma-separated coupon codes promotion lists never show (they are still checked when a "
        "shopper types one); '' for none",
    )
    shown = policy.add_mutually_exclusive_group()
    shown.add_argument(
        "--codes-in-promotions",
        dest="codes_in_promotions",
        action="store_const",
        const=True,
        help="promotion lists show the codes to use (default)",
    )
    shown.add_argument(
        "--no-codes-in-promotions",
        dest="codes_in_promotions",
        action="store_const",
        const=False,
        help="promotion lists show only automatic promotions, never a code",
    )


def _fail(problem: Exception) -> int:
    print(f"error: {problem}", file=sys.stderr)
    return 1


def changes_from(args: argparse.Namespace, smtp_configured: bool = False) -> dict[str, Any]:
    """The policy fields the arguments set, checked before anything is written (``email_code`` only
    when the server can send email)."""
    changes: dict[str, Any] = {}
    if args.cancellable_statuses is not None:
        changes["cancellable_status_ids"] = parse_statuses(args.cancellable_statuses)
    if args.max_order_age_days is not None:
        changes["max_order_age_days"] = parse_age(args.max_order_age_days)
    if args.who_may_cancel is not None:
        changes["who_may_cancel"] = check_who_may_cancel(args.who_may_cancel, smtp_configured)
    if args.private_codes is not None:
        changes["private_codes"] = tuple(c.strip() for c in args.private_codes.split(",") if c.strip())
    if args.codes_in_promotions is not None:
        changes["show_codes_in_promotions"] = args.codes_in_promotions
    return changes


def render_policy(policy: PolicySettings, smtp_configured: bool = True) -> str:
    statuses = ", ".join(f"{STATUS_NAMES.get(i, str(i))} ({i})" for i in policy.cancellable_status_ids)
    age = f"{policy.max_order_age_days} days" if policy.max_order_age_days else "no limit"
    private = ", ".join(policy.private_codes) or "none"
    return "\n".join(
        [
            f"Cancellable statuses:   {statuses}",
            f"Maximum order age:      {age}",
            f"Who may cancel:         {policy.who_may_cancel} ({WHO_WORDS[policy.who_may_cancel]})",
            *(
                [
                    "                        BCAGENT_SMTP_URL is not set: no code can be sent, so shoppers who are "
                    "not signed in are refused and offered a person."
                ]
                if policy.who_may_cancel == "email_code" and not smtp_configured
                else []
            ),
            f"Private codes:          {private} (never listed; still checked when typed)",
            f"Codes in promotions:    {'shown' if policy.show_codes_in_promotions else 'hidden'}",
            "Orders that have shipped (even in part), are completed, refunded, declined or disputed are never "
            "cancelled, whatever the policy.",
        ]
    )


def cmd_policy(args: argparse.Namespace, settings: Settings) -> int:
    try:
        connections = ConnectionStore(settings.home)
        connection = connections.load(connections.resolve(args.store))
        smtp = bool(settings.handoff.smtp_url)
        if args.action == "show":
            live = asyncio.run(effective_connection(settings, connection))[1]
            print(render_policy(live.settings.policy, smtp))
            return 0
        changes = changes_from(args, smtp)
        if not changes:
            raise ConnectionProblem(
                "Say what to change, e.g. `bcagent policy set --who-may-cancel verified_only` "
                "(`bcagent policy --help` lists every setting)."
            )

        def edit(current: MerchantSettings) -> MerchantSettings:
            return replace(current, policy=replace(current.policy, **changes))

        kept = asyncio.run(change(settings, connection, edit))
    except (ConnectionProblem, DatabaseUnavailable) as problem:
        return _fail(problem)
    print(render_policy(kept.policy, smtp))
    print("Saved. A running `bcagent serve` (every replica) applies it within seconds; no restart needed.")
    return 0
