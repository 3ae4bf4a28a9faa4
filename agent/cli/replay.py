"""`bcagent replay list|show|export|run`: what happened in a conversation, and turning it into a test."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..persistence.transcripts import Query, may_have_transcripts, open_transcripts, sqlite_path
from ..replay.modes import MODES
from ..replay.recording import RecordingError, from_turns, read, write
from ..replay.redact import Redactor
from ..replay.timeline import render
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..transcripts.periods import parse_since
from ..transcripts.records import TurnRecord

REDACTED = "<redacted>"


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "replay",
        help="investigate past conversations and replay them as regression tests",
        description="List and show recorded conversations, export one as a recording, re-run recordings "
        "against the current build and diff what changed.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="conversations, newest first")
    listing.add_argument("--store", help="store hash (needed only when several stores are connected)")
    listing.add_argument("--since", help="last active since: an age (2d, 12h) or an ISO date/time (UTC)")
    listing.add_argument("--until", help="last active before: an age or an ISO date/time")
    listing.add_argument("--handoff", action="store_true", help="only conversations handed to a person")
    listing.add_argument("--tool", metavar="NAME", help="only conversations that called this tool")
    listing.add_argument(
        "--grep", metavar="TEXT", help="only conversations whose messages or replies hold TEXT"
    )
    listing.add_argument("--errors", action="store_true", help="only conversations with a failed turn")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (50)")
    listing.add_argument("--json", action="store_true", help="one JSON object per conversation")
    show = actions.add_parser("show", help="one conversation as a timeline")
    show.add_argument("thread")
    show.add_argument("--store", help="store hash (needed only when several stores are connected)")
    show.add_argument("--json", action="store_true", help="the turns as JSON")
    show.add_argument("--full", action="store_true", help="whole tool results and BigCommerce bodies")
    show.add_argument("--redact", action="store_true", help="mask shoppers' emails, names and addresses")
    export = actions.add_parser("export", help="write one conversation as a self-contained recording")
    export.add_argument("thread")
    export.add_argument("--store", help="store hash (needed only when several stores are connected)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    run = actions.add_parser("run", help="re-run recordings through the current build and diff")
    run.add_argument("target", metavar="FILE|FOLDER|THREAD")
    run.add_argument(
        "--store", help="store hash, for a THREAD (needed only when several stores are connected)"
    )
    run.add_argument("--model", default="offline", help="offline (default) or openai:<model>")
    run.add_argument(
        "--against", choices=MODES, default="recorded", help="where BigCommerce answers come from"
    )
    run.add_argument("--update", action="store_true", help="write the new behaviour into diverged recordings")
    run.add_argument(
        "--tolerate-wording", action="store_true", help="reply wording may differ when the facts agree"
    )
    run.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")


def _fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


class Unknown(Exception):
    """An unknown thread or an empty store: exit 2 with the message."""


async def _thread_turns(settings: Settings, store: str | None, thread: str) -> list[TurnRecord]:
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    folder = connections.folder(store_hash)
    if not may_have_transcripts(settings, folder):
        raise Unknown(f"no transcripts recorded for {store_hash} yet (nothing at {sqlite_path(folder)})")
    async with open_transcripts(settings, folder) as transcripts:
        turns = await transcripts.turns(Query(store_hash=store_hash, thread_id=thread))
    if not turns:
        raise Unknown(
            f"no conversation {thread!r} in the transcripts of {store_hash}; `bcagent replay list` shows them"
        )
    return turns


def _scrub(text: str, settings: Settings, store_hash: str) -> str:
    """The store's token, should it ever reach the text, is never shown."""
    try:
        token = ConnectionStore(settings.home).token(store_hash).reveal()
    except ConnectionProblem:
        return text
    return text.replace(token, REDACTED) if token else text


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(args.store)
    folder = connections.folder(store_hash)
    if not may_have_transcripts(settings, folder):
        print(f"No conversations recorded for {store_hash} yet.")
        return 0
    query = Query(
        store_hash=store_hash,
        since=parse_since(args.since) if args.since else None,
        until=parse_since(args.until) if args.until else None,
        tool=args.tool,
        handoff=args.handoff,
        errors=args.errors,
        grep=args.grep,
        limit=max(1, args.limit),
    )
    async with open_transcripts(settings, folder) as transcripts:
        threads = await transcripts.threads(query)
    if args.json:
        for t in threads:
            print(json.dumps(t.__dict__, ensure_ascii=False, sort_keys=True))
        return 0
    if not threads:
        print("No conversation matches.")
        return 0
    print(
        f"{'last active (UTC)':19}  {'thread':34}  {'surface':7}  turns  handoff  guard  errors  routes / tools"
    )
    for t in threads:
        print(
            f"{t.last_at[:19].replace('T', ' '):19}  {t.thread_id[:34]:34}  {t.surface[:7]:7}  {t.turns:5}  "
            f"{'yes' if t.handoff else '-':7}  {t.grounding_replacements:5}  {t.errors:6}  "
            f"{', '.join(t.routes) or '-'} / {', '.join(t.tools) or '-'}"
        )
    return 0


async def _show(settings: Settings, args: argparse.Namespace) -> int:
    turns = await _thread_turns(settings, args.store, args.thread)
    if args.redact:
        redactor = Redactor(turns)
        turns = [redactor.turn(turn) for turn in turns]
    if args.json:
        text = json.dumps([t.to_json() for t in turns], ensure_ascii=False, indent=2, sort_keys=True)
    else:
        text = render(turns, full=args.full, color=_color())
    print(_scrub(text, settings, turns[0].store_hash))
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.runner import recording_of_thread

    turns = await _thread_turns(settings, args.store, args.thread)
    recording = recording_of_thread(turns, settings)
    write(recording, args.output)
    print(f"Wrote the recording of {args.thread} ({len(turns)} turn(s)) to {args.output}")
    return 0


def _nlu() -> Any:
    """The NLU (and its embedding model, loaded once for every recording of a run)."""
    from ingest.embeddings import MiniLMEmbedding

    from ..models.intents import NLU

    nlu = NLU(MiniLMEmbedding())
    nlu.warm_up()  # once, so each recording's time is its replay's
    return nlu


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.runner import ReplayOptions, iter_recordings, replay
    from ..replay.suite import ERROR, Outcome, accept, exit_status, junit, outcome_of, summary

    target = Path(args.target)
    options = ReplayOptions(against=args.against, model=args.model, tolerate_wording=args.tolerate_wording)
    sources: list[Path | None]
    thread_recording = None
    if target.is_dir():
        sources = list(iter_recordings(target))
        if not sources:
            return _fail(f"{target}: no recordings (*.jsonl) in this folder")
    elif target.exists():
        sources = [target]
    elif target.suffix == ".jsonl" or os.sep in args.target:
        return _fail(f"{target}: no such recording")
    else:
        if args.update:
            return _fail(
                "--update writes into a recording file: export the thread first (`bcagent replay export`)"
            )
        try:
            thread_recording = from_turns(await _thread_turns(settings, args.store, args.target))
        except Unknown as exc:
            return _fail(str(exc))
        sources = [None]
    nlu = _nlu()
    outcomes: list[Outcome] = []
    for source in sources:
        name = str(source) if source is not None else args.target
        try:
            recording = read(source) if source is not None else thread_recording
            assert recording is not None
            if args.store and recording.store_hash != args.store:
                raise RecordingError(
                    f"{name}: a recording from store {recording.store_hash}, not {args.store}; "
                    "run it without --store, or against its own store"
                )
            result = await replay(recording, settings, options, nlu=nlu)
        except (RecordingError, ConnectionProblem) as exc:
            outcomes.append(Outcome(name, ERROR, message=str(exc)))
        else:
            outcome = outcome_of(name, result)
            outcomes.append(outcome)
            if args.update and outcome.result is not None and outcome.result.diverged:
                backup = accept(outcome.result)
                outcome.message = f"updated (the old recording is kept as {backup})"
        for line in outcomes[-1].lines():
            print(line)
        if outcomes[-1].message and outcomes[-1].status != ERROR:
            print(f"  {outcomes[-1].message}")
    if len(outcomes) > 1 or target.is_dir():
        print(summary(outcomes))
    if args.junit:
        junit(outcomes, args.junit)
    status = exit_status(outcomes)
    if args.update and status == 1:
        return 0  # the divergences were accepted
    return status


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from ..persistence.errors import DatabaseUnavailable, database_errors

    database_failures = database_errors(settings)
    actions = {"list": _list, "show": _show, "export": _export, "run": _run}
    try:
        return asyncio.run(actions[args.action](settings, args))
    except Unknown as exc:
        return _fail(str(exc))
    except (ConnectionProblem, RecordingError) as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(str(exc))
    except DatabaseUnavailable as problem:
        return _fail(str(problem), 1)
    except database_failures as exc:
        return _fail(f"the transcript database cannot be reached: {type(exc).__name__}", 1)
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
