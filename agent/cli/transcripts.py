"""`bcagent transcripts export` and `bcagent transcripts prune`: the recorded turns of a store."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..persistence.transcripts import (
    Query,
    may_have_transcripts,
    open_transcript_file,
    open_transcripts,
    sqlite_path,
)
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..transcripts.export import export_jsonl, prune
from ..transcripts.periods import parse_age, parse_since


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    transcripts = commands.add_parser(
        "transcripts",
        help="export or prune the recorded turns",
        description="Every turn (chat, serve, evals) is recorded; export them as JSON Lines or prune old ones.",
    )
    actions = transcripts.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write recorded turns to a JSON Lines file")
    export.add_argument("--store", help="store hash (needed only when several stores are connected)")
    export.add_argument("--thread", help="only this conversation")
    export.add_argument("--since", help="only turns since then: an age (2d, 12h) or an ISO date/time (UTC)")
    export.add_argument("--until", help="only turns before then: an age or an ISO date/time")
    export.add_argument(
        "--db",
        type=Path,
        metavar="FILE.sqlite",
        help="read this transcript file (e.g. an eval run's) instead",
    )
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    pruning = actions.add_parser(
        "prune", help="delete old conversations: their transcripts and their saved conversation state"
    )
    pruning.add_argument("--store", help="store hash (needed only when several stores are connected)")
    pruning.add_argument(
        "--older-than",
        metavar="AGE",
        help="conversations whose last turn is older than this, e.g. 30d, 12h (default: the retention "
        "setting, BCAGENT_TRANSCRIPT_RETENTION_DAYS, 30 days)",
    )
    pruning.add_argument("--yes", action="store_true", help="do not ask before deleting")


def _fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _folder(settings: Settings, store: str | None) -> tuple[str, Path]:
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    return store_hash, connections.folder(store_hash)


async def _export_file(args: argparse.Namespace) -> int:
    if not args.db.is_file():
        return _fail(f"no transcript file at {args.db}")
    query = Query(
        store_hash=args.store,
        thread_id=args.thread,
        since=parse_since(args.since) if args.since else None,
        until=parse_since(args.until) if args.until else None,
    )
    transcripts = await open_transcript_file(args.db, create=False)
    try:
        written = await export_jsonl(transcripts, query, args.output)
    finally:
        await transcripts.aclose()
    print(f"Wrote {written} turn(s) from {args.db} to {args.output}")
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    if args.db is not None:
        return await _export_file(args)
    store_hash, folder = _folder(settings, args.store)
    if not may_have_transcripts(settings, folder):
        print(f"No transcripts recorded for {store_hash} yet (nothing at {sqlite_path(folder)}).")
        return 1
    query = Query(
        store_hash=store_hash,
        thread_id=args.thread,
        since=parse_since(args.since) if args.since else None,
        until=parse_since(args.until) if args.until else None,
    )
    async with open_transcripts(settings, folder) as transcripts:
        written = await export_jsonl(transcripts, query, args.output)
    print(f"Wrote {written} turn(s) of {store_hash} to {args.output}")
    return 0


async def _prune(settings: Settings, args: argparse.Namespace) -> int:
    from ..persistence.checkpoints import open_checkpointer

    store_hash, folder = _folder(settings, args.store)
    age = (
        parse_age(args.older_than) if args.older_than else timedelta(days=settings.transcript_retention_days)
    )
    before = datetime.now(UTC) - age
    if not may_have_transcripts(settings, folder):
        print(f"No transcripts recorded for {store_hash}: nothing to prune.")
        return 0
    async with open_transcripts(settings, folder) as transcripts:
        planned = await prune(transcripts, None, before, store_hash=store_hash, dry_run=True)
        if planned.threads == 0:
            print(f"No conversation of {store_hash} is older than {before:%Y-%m-%d %H:%M} UTC.")
            return 0
        what = f"{planned.threads} conversation(s) of {store_hash} last active before {before:%Y-%m-%d %H:%M} UTC"
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"Would delete {what}. Run again with --yes to delete them.", file=sys.stderr)
                return 1
            answer = input(f"Delete {what}, with their saved conversation state? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 1
        async with open_checkpointer(settings, folder) as checkpointer:
            report = await prune(transcripts, checkpointer, before, store_hash=store_hash)
    print(f"Deleted {report.threads} conversation(s): {report.turns} turn(s) and their checkpoints.")
    if report.checkpoints_failed:
        print(
            f"{report.checkpoints_failed} conversation(s) kept: their checkpoints could not be deleted "
            "(see the log); run prune again.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_transcripts(args: argparse.Namespace, settings: Settings) -> int:
    from ..persistence.errors import DatabaseUnavailable, database_errors

    database_failures = database_errors(settings)
    try:
        if args.action == "export":
            return asyncio.run(_export(settings, args))
        return asyncio.run(_prune(settings, args))
    except ConnectionProblem as problem:
        return _fail(str(problem))
    except ValueError as exc:
        return _fail(str(exc))
    except DatabaseUnavailable as problem:
        return _fail(str(problem), 1)
    except database_failures as exc:
        return _fail(f"the transcript database cannot be reached: {type(exc).__name__}", 1)
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
