"""The store-connection commands of `bcagent`: connect, status, tools and disconnect."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from ..persistence.errors import DatabaseUnavailable
from ..persistence.freshness import read_summary
from ..persistence.purge import footprint, purge
from ..settings import DEFAULT_API_URL, Settings
from ..store.capabilities import TOOL_NAMES
from ..store.connections import Connection, ConnectionProblem, ConnectionStore, Secret, StorefrontApp
from ..store.details import store_details
from ..store.live import change, effective_connection, record_connected, record_disconnected
from ..store.merchant_settings import apply
from ..store.report import last_sync, render_connection, render_freshness
from ..store.scope_loss import lost_words
from .handoffs import delivery_health


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    connect = commands.add_parser(
        "connect",
        help="connect a BigCommerce store",
        description="Validate an API account token, detect the store's details, probe its scopes and save it.",
    )
    connect.add_argument(
        "--store-hash",
        required=True,
        help="the store hash, or a pasted URL (https://store-abc1d2ef.mybigcommerce.com/manage/... or "
        "https://api.bigcommerce.com/stores/abc1d2ef/v3/)",
    )
    connect.add_argument("--token", help="the API account's access token (asked for when omitted)")
    connect.add_argument("--api-url", default=DEFAULT_API_URL, help=f"API base URL ({DEFAULT_API_URL})")
    details = connect.add_argument_group(
        "store details",
        "Typed by hand: used when the token lacks the Information & Settings scope, and over what was "
        "detected when given.",
    )
    details.add_argument("--name", help="the store's name, as shoppers know it (the greeting uses it)")
    details.add_argument(
        "--storefront-url", help="the storefront's URL, https://... (links, and the widget's CORS origin)"
    )
    details.add_argument("--currency", help="the store's currency code, e.g. EUR (prices are shown in it)")
    details.add_argument(
        "--currency-format",
        help="how prices are written, as an example of 1234.50: '€1.234,50', '1 234,50 €', '$1,234.50' "
        "(default: the currency's usual symbol on the left, 1,234.50)",
    )
    connect.add_argument(
        "--no-sync",
        dest="sync",
        action="store_false",
        help="do not start the first catalog sync (run `bcagent ingest` later; `bcagent serve` also syncs)",
    )
    _add_app_arguments(connect)
    app = commands.add_parser(
        "storefront-app",
        help="set the app whose client secret signs signed-in shoppers' tokens (Current Customer JWT)",
        description="The client id and secret of an app API account: `bcagent serve` verifies the storefront's "
        "Current Customer JWTs with the secret, so signed-in shoppers can see their orders without an email.",
    )
    app.add_argument("action", choices=["set", "show", "clear"])
    app.add_argument("--store", help="store hash (needed only when several stores are connected)")
    _add_app_arguments(app)
    status = commands.add_parser("status", help="show a connected store: scopes, tools, last sync")
    status.add_argument("--store", help="store hash (needed only when several stores are connected)")
    tools = commands.add_parser("tools", help="list, enable or disable the assistant's tools")
    tools.add_argument("action", choices=["list", "enable", "disable"])
    tools.add_argument("name", nargs="?", choices=TOOL_NAMES, metavar="NAME", help=", ".join(TOOL_NAMES))
    tools.add_argument("--store", help="store hash (needed only when several stores are connected)")
    disconnect = commands.add_parser(
        "disconnect", help="forget a store: credentials, tools, vector collection and sync state"
    )
    disconnect.add_argument("--store", help="store hash (needed only when several stores are connected)")
    disconnect.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _add_app_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client-id", help="client id of the app API account (storefront sign-in)")
    parser.add_argument(
        "--client-secret", help="client secret of that app (asked for when --client-id is given without it)"
    )


def _app_from(args: argparse.Namespace) -> StorefrontApp | None:
    """The app credentials given on the command line, the secret asked for on a terminal if missing."""
    if not args.client_id:
        if args.client_secret:
            raise ConnectionProblem("--client-secret needs --client-id too.")
        return None
    secret = args.client_secret
    if secret is None:
        if not sys.stdin.isatty():
            raise ConnectionProblem("No client secret given: pass --client-secret SECRET.")
        secret = getpass.getpass("App client secret: ")
    if not secret.strip():
        raise ConnectionProblem("The client secret is empty: pass the app's client secret.")
    return StorefrontApp(args.client_id.strip(), Secret(secret.strip()))


def _fail(problem: Exception) -> int:
    print(f"error: {problem}", file=sys.stderr)
    return 1


def cmd_connect(args: argparse.Namespace, settings: Settings) -> int:
    from ..store.connect import connect_store

    raw = args.token
    if raw is None:
        if not sys.stdin.isatty():
            return _fail(ConnectionProblem("No token given: pass --token TOKEN."))
        raw = getpass.getpass("Access token: ")
    connections = ConnectionStore(settings.home)
    try:
        app = _app_from(args)
        details = store_details(args.name, args.storefront_url, args.currency, args.currency_format)
        result = asyncio.run(connect_store(args.store_hash, Secret(raw), args.api_url, connections))
        if app is not None:
            connections.save_storefront_app(result.connection.store_hash, app)
        kept = asyncio.run(record_connected(settings, result.connection, details))
    except (ConnectionProblem, DatabaseUnavailable) as problem:
        return _fail(problem)
    connection = apply(result.connection, kept)
    verb = "Reconnected" if result.replaced else "Connected"
    print(f"{verb} {connection.name}.")
    print(render_connection(connection))
    if connection.scopes.get("information", "none") == "none" and not kept.details.given():
        print(
            "note: without the Information & Settings scope the store's name, storefront URL and currency "
            "are not known: give them with `bcagent connect ... --name NAME --storefront-url URL "
            "--currency CODE`."
        )
    if app is not None:
        print(f"Storefront app {app.client_id}: signed-in shoppers are verified with its client secret.")
    if args.sync and _never_synced(connections, connection):
        return _first_sync(settings, connection.store_hash)
    return 0


def _never_synced(connections: ConnectionStore, connection: Connection) -> bool:
    readable = connection.scopes.get("products", "none") != "none"
    return readable and last_sync(connections.folder(connection.store_hash)) == "never"


def _first_sync(settings: Settings, store_hash: str) -> int:
    """The first catalog sync, right after connecting (as the integration page promises), with progress."""
    from .catalog import cmd_ingest

    print("Syncing the catalog for the first time (skip with --no-sync; `bcagent ingest` runs it again):")
    status = cmd_ingest(argparse.Namespace(ingest_command=None, store=store_hash, full=False), settings)
    if status != 0:
        print(
            "The store is connected; the catalog sync did not finish: run `bcagent ingest` to try again.",
            file=sys.stderr,
        )
    return status


def cmd_storefront_app(args: argparse.Namespace, settings: Settings) -> int:
    try:
        connections, store_hash, _ = _connected(settings, args.store)
        if args.action == "set":
            app = _app_from(args)
            if app is None:
                raise ConnectionProblem("Say which app: --client-id ID --client-secret SECRET.")
            connections.save_storefront_app(store_hash, app)
            print(f"Storefront app {app.client_id} set for {store_hash} (the secret is kept, never shown).")
            return 0
        if args.action == "clear":
            cleared = connections.clear_storefront_app(store_hash)
            print("Storefront app removed." if cleared else "No storefront app was set.")
            return 0
        current = connections.storefront_app(store_hash)
    except ConnectionProblem as problem:
        return _fail(problem)
    if current is None:
        print(f"No storefront app set for {store_hash}: every shopper is anonymous to `bcagent serve`.")
    else:
        print(f"Storefront app for {store_hash}: client id {current.client_id}, client secret set.")
    return 0


def _connected(settings: Settings, store: str | None) -> tuple[ConnectionStore, str, Connection]:
    """The connected store a command is about (the only one, or --store), as the file has it."""
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    return connections, store_hash, connections.load(store_hash)


def _effective(settings: Settings, connection: Connection) -> Connection:
    """The connection with the merchant's settings (switches, details, lost scopes) over it."""
    return asyncio.run(effective_connection(settings, connection))[0]


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from ..persistence.errors import DatabaseUnavailable

    try:
        connections, store_hash, connection = _connected(settings, args.store)
        connection, live = asyncio.run(effective_connection(settings, connection))
    except (ConnectionProblem, DatabaseUnavailable) as problem:
        return _fail(problem)
    print(render_connection(connection, last_sync(connections.folder(store_hash))))
    if live.settings.lost.scopes:
        print(f"Degraded: {lost_words(live.settings.lost)}")
    folder = connections.folder(store_hash)
    try:
        summary = asyncio.run(read_summary(settings, store_hash, folder))
    except DatabaseUnavailable as problem:
        return _fail(problem)
    print(render_freshness(folder, connection, summary))
    try:
        print(asyncio.run(delivery_health(settings, store_hash, folder)))
    except DatabaseUnavailable as problem:
        return _fail(problem)
    return 0


def cmd_tools(args: argparse.Namespace, settings: Settings) -> int:
    try:
        _, _, connection = _connected(settings, args.store)
        if args.action != "list":
            if not args.name:
                raise ConnectionProblem(f"Say which tool to {args.action}: one of {', '.join(TOOL_NAMES)}.")
            name, enable = args.name, args.action == "enable"
            kept = asyncio.run(change(settings, connection, lambda s: s.with_tool(name, enable)))
            print(
                f"{args.name}: {args.action}d by the merchant. A running `bcagent serve` (every replica) "
                "applies it within seconds; no restart needed."
            )
            connection = apply(connection, kept)
        else:
            connection = _effective(settings, connection)
    except (ConnectionProblem, DatabaseUnavailable) as problem:
        return _fail(problem)
    print(render_connection(connection).split("Tools:\n", 1)[1].split("\nFeatures:", 1)[0])
    return 0


async def _remove_widget_scripts(connections: ConnectionStore, connection: Connection) -> int:
    """The widget scripts the console installed through the Scripts API (0 when the token may not read
    scripts, or none was installed: a pasted tag is the merchant's to remove)."""
    from bigcommerce import AsyncBigCommerce, BigCommerceError

    from ..console.widget_script import remove_widget

    if connection.scopes.get("content", "none") == "none":
        return 0
    token = connections.token(connection.store_hash).reveal()
    try:
        async with AsyncBigCommerce(
            connection.store_hash, token, base_url=connection.api_url, max_retries=1
        ) as client:
            return await remove_widget(client)
    except BigCommerceError as problem:
        print(f"warning: the widget script was not removed ({problem}).", file=sys.stderr)
        return 0


def cmd_disconnect(args: argparse.Namespace, settings: Settings) -> int:
    try:
        connections, store_hash, connection = _connected(settings, args.store)
        kept = asyncio.run(footprint(settings, store_hash, connections.folder(store_hash)))
    except (ConnectionProblem, DatabaseUnavailable) as problem:
        return _fail(problem)
    print(f"Disconnecting {connection.name} ({store_hash}) deletes everything kept for it:")
    redis_keys = ["its Redis keys (lockout counts, cached codes)"] if settings.redis_url else []
    scripts = ["the widget script, if the console installed it"]
    for line in [*kept, "its vector collection (products and pages)", *redis_keys, *scripts] + (
        [f"the {len(connection.webhook_ids)} webhooks `bcagent webhooks register` created"]
        if connection.webhook_ids
        else []
    ):
        print(f"  - {line}")
    print(
        "Transcripts, the cancellation audit log and handoffs go with it: keep a copy first with "
        "`bcagent transcripts export`."
    )
    if not args.yes:
        if not sys.stdin.isatty():
            return _fail(ConnectionProblem("Refusing to disconnect without confirmation: pass --yes."))
        answer = input(f"Disconnect {connection.name} ({store_hash}) and delete all of this? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing changed.")
            return 1
    from ..store.catalog import drop_remote_index  # loads Chroma only when a store is really disconnected

    if connection.webhook_ids:
        from ..store.hooks import remove

        try:
            removed = asyncio.run(remove(connections, store_hash))
            print(f"Removed the {removed} webhooks `bcagent webhooks register` created.")
        except ConnectionProblem as problem:
            print(
                f"warning: could not remove the webhooks ({problem}) Delete hooks "
                f"{', '.join(map(str, connection.webhook_ids))} in the store, or with its API.",
                file=sys.stderr,
            )
    removed_scripts = asyncio.run(_remove_widget_scripts(connections, connection))
    if removed_scripts:
        print(f"Removed the widget script the console installed ({removed_scripts}).")
    try:
        asyncio.run(record_disconnected(settings, store_hash))  # every running server stops serving it
    except DatabaseUnavailable as problem:
        return _fail(problem)
    drop_remote_index(settings, store_hash)
    try:
        rows = asyncio.run(purge(settings, store_hash, connections.folder(store_hash)))
    except DatabaseUnavailable as problem:
        return _fail(problem)
    from ..persistence.redis_purge import purge_redis

    try:
        keys = asyncio.run(purge_redis(settings.redis_url, settings.redis_prefix, store_hash))
        if keys:
            print(f"Deleted the store's {keys} Redis key(s) (lockout counts, cached codes).")
    except OSError as problem:
        print(
            f"warning: {problem} They expire on their own (lockout windows, the code cache).", file=sys.stderr
        )
    connections.delete(store_hash)
    print(
        f"Disconnected {connection.name} ({store_hash}): credentials, records, transcripts, conversations, "
        f"vectors and sync state removed{f' ({rows} database rows)' if rows else ''}. Running servers stop "
        "serving it within seconds."
    )
    print(
        "The access token is still valid at BigCommerce (bcagent cannot revoke it): delete the API account "
        "in the store's control panel, Settings > API > API Accounts."
    )
    return 0
