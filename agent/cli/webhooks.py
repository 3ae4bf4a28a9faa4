"""The `bcagent webhooks` commands: register, list and remove the store's catalog webhooks."""

from __future__ import annotations

import argparse
import asyncio
import sys

from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.hook_scopes import HOOK_SCOPES


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    webhooks = commands.add_parser(
        "webhooks",
        help="register, list or remove the store's webhooks (catalog, orders, shipments)",
        description="BigCommerce tells `bcagent serve` about catalog, order and shipment changes by webhook "
        f"({', '.join(HOOK_SCOPES)}). It delivers only to https on port 443: see the README.",
    )
    actions = webhooks.add_subparsers(dest="webhooks_command", metavar="ACTION", required=True)
    register = actions.add_parser("register", help="create the hooks (replacing ours made before)")
    register.add_argument(
        "--url", required=True, help="where serve receives them: https://<public host>/webhooks/bigcommerce"
    )
    actions.add_parser("list", help="the hooks of this API account")
    actions.add_parser("remove", help="delete the hooks `register` created")
    for action in actions.choices.values():
        action.add_argument("--store", help="store hash (needed only when several stores are connected)")


def cmd_webhooks(args: argparse.Namespace, settings: Settings) -> int:
    from ..store import hooks

    connections = ConnectionStore(settings.home)
    try:
        store_hash = connections.resolve(args.store)
        if args.webhooks_command == "register":
            registration = asyncio.run(hooks.register(connections, store_hash, args.url))
            print(
                f"Registered {len(registration.hooks)} hooks ({', '.join(HOOK_SCOPES)}) delivering to {args.url}"
                + (f"; replaced {registration.removed} made before." if registration.removed else ".")
            )
            print(
                "They carry a secret header that is kept with the store's credentials (owner-only). "
                "Restart `bcagent serve` so it accepts them."
            )
            return 0
        if args.webhooks_command == "list":
            connection, found = asyncio.run(hooks.list_hooks(connections, store_hash))
            if not found:
                print(
                    "No hooks registered. Run `bcagent webhooks register --url https://<host>/webhooks/bigcommerce`."
                )
                return 0
            for hook in found:
                state = "active" if hook.is_active else "inactive"
                ours = "  (bcagent)" if hook.id in connection.webhook_ids else ""
                print(f"#{hook.id:<6} {hook.scope:<20} {state:<8} {hook.destination}{ours}")
            return 0
        removed = asyncio.run(hooks.remove(connections, store_hash))
        print(f"Removed {removed} hooks; the webhook secret is forgotten.")
        return 0
    except ConnectionProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
