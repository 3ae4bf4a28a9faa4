"""``bcagent admin``: console users who sign in with a password (a console not installed as a
BigCommerce app, or a colleague without a control-panel login)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser(
        "admin",
        help="console users: set a password, remove a user",
        description="Manage who may sign in to the console at /admin of `bcagent serve` with a password. "
        "Installed as a BigCommerce app, the control panel signs merchants in without one.",
    )
    actions = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    password = actions.add_parser(
        "set-password",
        help="create a console user or change their password",
        description="The password is read from the terminal (or BCAGENT_ADMIN_PASSWORD for scripts) and "
        "kept as an argon2id hash; at least 10 characters.",
    )
    password.add_argument("--email", required=True, help="the user's email (their sign-in name)")
    password.add_argument("--store", help="store hash (needed only when several stores are connected)")
    remove = actions.add_parser("remove-user", help="remove a console user and end their sessions")
    remove.add_argument("--email", required=True)
    remove.add_argument("--store", help="store hash (needed only when several stores are connected)")


def _password() -> str | None:
    given = os.environ.get("BCAGENT_ADMIN_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        print("error: the two passwords differ; nothing changed.", file=sys.stderr)
        return ""
    return first


async def _set_password(settings: Settings, store_hash: str, email: str, password: str) -> None:
    from ..console.passwords import hash_password
    from ..persistence.console import open_console_state

    hashed = await asyncio.to_thread(hash_password, password)
    state = await open_console_state(settings)
    try:
        await state.add_user(store_hash, email, password_hash=hashed)
    finally:
        await state.aclose()


async def _remove(settings: Settings, store_hash: str, email: str) -> int:
    from ..persistence.console import open_console_state

    state = await open_console_state(settings)
    try:
        return await state.remove_user(store_hash, email=email)
    finally:
        await state.aclose()


def cmd_admin(args: argparse.Namespace, settings: Settings) -> int:
    try:
        store_hash = ConnectionStore(settings.home).resolve(args.store)
    except ConnectionProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    email = args.email.strip().lower()
    if "@" not in email:
        print("error: --email must be an email address.", file=sys.stderr)
        return 2
    if args.admin_command == "remove-user":
        removed = asyncio.run(_remove(settings, store_hash, email))
        print(
            f"Removed {email} from the console of {store_hash}." if removed else f"No console user {email}."
        )
        return 0 if removed else 1
    password = _password()
    if password is None:
        print("error: no terminal to ask for the password: set BCAGENT_ADMIN_PASSWORD.", file=sys.stderr)
        return 2
    if not password:
        return 1
    from ..console.passwords import WeakPassword

    try:
        asyncio.run(_set_password(settings, store_hash, email, password))
    except WeakPassword as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"{email} may sign in to the console of {store_hash} at /admin of `bcagent serve`.")
    return 0
