"""`bcagent replay list|show|export|run|expect|to-scenario`: what happened in a conversation, and
turning it into a test (a recording that fails until the fix, or an eval scenario).

The replay machinery (the runner, the timeline, the model) is imported inside the commands, so
`bcagent --help` and the other commands start without it."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..persistence.transcripts import (
    STATUSES,
    NotTranscripts,
    TranscriptStore,
    may_have_transcripts,
    open_transcript_file,
    open_transcripts,
    sqlite_path,
)
from ..replay.expectations import ExpectationError
from ..replay.finding import ThreadNotFound, thread_turns
from ..replay.recording import RecordingError
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore
from ..transcripts.records import TurnRecord
from .replay_list import list_conversations

REDACTED = "<redacted>"
SURFACES = ("chat", "serve", "eval")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "replay",
        help="investigate past conversations and replay them as regression tests",
        description="List and show recorded conversations, export one as a recording, re-run recordings "
        "against the current build and diff what changed; add expectations to a recording, or turn a "
        "conversation into an eval scenario. A THREAD may be shortened to any unique prefix of 6+ characters.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="conversations, newest first",
        description="Conversations, newest first, with their status (errors count store failures too: 5xx, "
        "429 after retries, timeouts, dropped connections), slowest turn, customer and first message.",
    )
    listing.add_argument("--store", help="store hash (needed only when several stores are connected)")
    listing.add_argument("--since", help="last active since: an age (2d, 12h) or an ISO date/time (UTC)")
    listing.add_argument("--until", help="last active before: an age or an ISO date/time")
    listing.add_argument("--customer", metavar="ID|EMAIL", help="the verified (signed-in) customer")
    listing.add_argument("--email", help="an email the conversation carried (signed in, typed or looked up)")
    listing.add_argument("--order", metavar="N", help="an order number the conversation was about")
    listing.add_argument("--code", help="a coupon, gift certificate or promotion code it checked")
    listing.add_argument("--tool", metavar="NAME", help="only conversations that called this tool")
    listing.add_argument("--slow", type=float, metavar="SECONDS", help="a turn took at least this long")
    listing.add_argument("--surface", choices=SURFACES, help="where the shopper talked (its latest turn)")
    listing.add_argument(
        "--status", choices=STATUSES, help="ok, error (exceptions and store failures), handoff, lockout"
    )
    listing.add_argument("--handoff", action="store_true", help="only conversations handed to a person")
    listing.add_argument(
        "--errors", action="store_true", help="only conversations with a failed turn (= --status error)"
    )
    listing.add_argument(
        "--grep", metavar="TEXT", help="only conversations whose messages or replies hold TEXT"
    )
    listing.add_argument(
        "--lockouts",
        action="store_true",
        help="only conversations that set off a lockout (failed order lookups or wrong codes counted across "
        "conversations), each with what was locked",
    )
    listing.add_argument("--limit", type=int, default=50, help="at most this many (50)")
    listing.add_argument(
        "--full", action="store_true", help="customers' emails and whole thread ids unmasked"
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per conversation")
    show = actions.add_parser("show", help="one conversation as a timeline")
    show.add_argument("thread")
    show.add_argument("--store", help="store hash (needed only when several stores are connected)")
    show.add_argument(
        "--db", type=Path, metavar="FILE.sqlite", help="read this transcript file (an eval run's)"
    )
    show.add_argument("--json", action="store_true", help="the turns as JSON")
    show.add_argument("--full", action="store_true", help="whole tool results and BigCommerce bodies")
    show.add_argument("--redact", action="store_true", help="mask shoppers' emails, names and addresses")
    export = actions.add_parser(
        "export",
        help="write one conversation as a self-contained recording",
        description="Write one conversation as a recording. Shoppers' emails, names, phones, streets and "
        "postcodes are replaced by stable placeholders (so the replay still matches) with --redact, the "
        "default when the file goes under evals/recordings/.",
    )
    export.add_argument("thread")
    export.add_argument("--store", help="store hash (needed only when several stores are connected)")
    export.add_argument(
        "--db", type=Path, metavar="FILE.sqlite", help="read this transcript file (an eval run's)"
    )
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    export.add_argument(
        "--redact",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="replace shoppers' details by placeholders (default: on under evals/recordings/, else off)",
    )
    run = actions.add_parser("run", help="re-run recordings through the current build and diff")
    run.add_argument("target", metavar="FILE|FOLDER|THREAD")
    run.add_argument(
        "--store", help="store hash, for a THREAD (needed only when several stores are connected)"
    )
    run.add_argument(
        "--db", type=Path, metavar="FILE.sqlite", help="a THREAD of this transcript file (an eval run's)"
    )
    run.add_argument("--model", default="offline", help="offline (default) or openai:<model>")
    run.add_argument(
        "--against",
        choices=("recorded", "sandbox", "live"),
        default="recorded",
        help="where BigCommerce answers come from",
    )
    run.add_argument("--update", action="store_true", help="write the new behaviour into diverged recordings")
    run.add_argument(
        "--tolerate-wording", action="store_true", help="reply wording may differ when the facts agree"
    )
    run.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    expect = actions.add_parser(
        "expect",
        help="write what a turn must (not) do into a recording, so it fails until fixed",
        description="Add expectations for one turn to a recording's header; `replay run` fails while the "
        "replayed turn does not meet them (also after --update).",
    )
    expect.add_argument("file", type=Path, metavar="FILE.jsonl")
    expect.add_argument(
        "--turn", type=int, required=True, metavar="N", help="the turn (as `replay show` numbers it)"
    )
    expect.add_argument("--reply-contains", action="append", default=[], metavar="TEXT")
    expect.add_argument("--reply-excludes", action="append", default=[], metavar="TEXT")
    expect.add_argument(
        "--tool", action="append", default=[], metavar="NAME[:arg=value]", help="a call the turn must make"
    )
    expect.add_argument(
        "--no-tool", action="append", default=[], metavar="NAME", help="a call it must not make"
    )
    expect.add_argument("--route", help="the route the turn must take")
    expect.add_argument("--clear", action="store_true", help="remove the turn's expectations first")
    scenario = actions.add_parser(
        "to-scenario", help="write a conversation as an eval scenario (YAML) to edit"
    )
    scenario.add_argument("thread")
    scenario.add_argument("--store", help="store hash (needed only when several stores are connected)")
    scenario.add_argument(
        "--db", type=Path, metavar="FILE.sqlite", help="read this transcript file (an eval run's)"
    )
    scenario.add_argument("-o", "--output", type=Path, metavar="FILE.yaml", help="default: print it")


def _fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


class Unknown(Exception):
    """An unknown thread or an empty store: exit 2 with the message."""


@asynccontextmanager
async def _source(
    settings: Settings, store: str | None, db: Path | None
) -> AsyncIterator[tuple[TranscriptStore, str | None]]:
    """The transcripts to read (a store's, or the file ``db``, never written to) and the store hash."""
    if db is not None:
        if not db.is_file():
            raise Unknown(f"no transcript file at {db}")
        try:
            file = await open_transcript_file(db, create=False)
        except NotTranscripts as exc:
            raise Unknown(str(exc)) from None
        try:
            yield file, store
        finally:
            await file.aclose()
        return
    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(store)
    folder = connections.folder(store_hash)
    if not may_have_transcripts(settings, folder):
        raise Unknown(f"no transcripts recorded for {store_hash} yet (nothing at {sqlite_path(folder)})")
    async with open_transcripts(settings, folder) as transcripts:
        yield transcripts, store_hash


async def _thread_turns(
    settings: Settings, store: str | None, thread: str, db: Path | None = None
) -> list[TurnRecord]:
    async with _source(settings, store, db) as (transcripts, store_hash):
        try:
            return await thread_turns(transcripts, store_hash, thread)
        except ThreadNotFound as exc:
            raise Unknown(str(exc)) from None


def _scrub(text: str, settings: Settings, store_hash: str) -> str:
    """The store's token, should it ever reach the text, is never shown."""
    try:
        token = ConnectionStore(settings.home).token(store_hash).reveal()
    except ConnectionProblem:
        return text
    return text.replace(token, REDACTED) if token else text


async def _show(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.redact import Redactor
    from ..replay.timeline import render

    turns = await _thread_turns(settings, args.store, args.thread, args.db)
    if args.redact:
        redactor = Redactor(turns)
        turns = [redactor.turn(turn) for turn in turns]
    if args.json:
        text = json.dumps([t.to_json() for t in turns], ensure_ascii=False, indent=2, sort_keys=True)
    else:
        events = await _handoff_events(settings, turns[0].store_hash, args.thread) if args.db is None else []
        if args.redact:
            events = [replace(e, text=redactor.text(e.text)) for e in events]
        text = render(turns, full=args.full, color=_color(), events=events)
    print(_scrub(text, settings, turns[0].store_hash))
    return 0


async def _handoff_events(settings: Settings, store_hash: str, thread: str) -> list[Any]:
    """The thread's handoff events from the store's records (read only; nothing is sent)."""
    from ..persistence.records import open_records
    from ..replay.handoff_events import handoff_events

    try:
        records = await open_records(settings, store_hash, ConnectionStore(settings.home).folder(store_hash))
    except (ConnectionProblem, OSError, RuntimeError) as exc:
        print(f"(the handoffs could not be read: {exc})", file=sys.stderr)
        return []
    try:
        return await handoff_events(records, thread)
    finally:
        await records.aclose()


def under_recordings(path: Path) -> bool:
    """Whether ``path`` goes into an ``evals/recordings`` folder (recordings meant to be committed)."""
    parts = Path(os.path.abspath(path)).parts
    return any(parts[i : i + 2] == ("evals", "recordings") for i in range(len(parts) - 1))


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.recording import write
    from ..replay.redaction import redact_turns
    from ..replay.runner import recording_of_thread

    turns = await _thread_turns(settings, args.store, args.thread, args.db)
    redact = args.redact if args.redact is not None else under_recordings(args.output)
    replaced: dict[str, int] = {}
    if redact:
        turns, replaced = redact_turns(turns)
    recording = recording_of_thread(turns, settings)
    recording.redacted = redact
    write(recording, args.output)
    print(f"Wrote the recording of {turns[0].thread_id} ({len(turns)} turn(s)) to {args.output}")
    if redact:
        counts = ", ".join(f"{n} {kind}(s)" for kind, n in replaced.items()) or "nothing personal found"
        print(f"Redacted with stable placeholders: {counts}")
    elif under_recordings(args.output):
        print("Not redacted (--no-redact): shoppers' details are in the file as recorded")
    return 0


async def _to_scenario(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.scenario import to_scenario

    turns = await _thread_turns(settings, args.store, args.thread, args.db)
    text, note = to_scenario(turns)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"Wrote an eval scenario of {turns[0].thread_id} ({len(turns)} turn(s)) to {args.output}")
    print("Edit its checks into what should happen, then run it: bcagent eval run " + str(args.output))
    if note:
        print(f"Store: {note}")
    return 0


async def _expect(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.expectations import check_known, describe, failures, merge
    from ..replay.recording import read, tool_arguments, write
    from ..tools.registry import _SPECS

    recording = read(args.file)
    count = len(recording.turns)
    if not 1 <= args.turn <= count:
        return _fail(f"{args.file} has turns 1 to {count}; `bcagent replay show` numbers them")
    new: dict[str, Any] = {"turn": args.turn}
    for key, values in (
        ("reply_contains", args.reply_contains),
        ("reply_excludes", args.reply_excludes),
        ("tools", args.tool),
        ("no_tools", args.no_tool),
    ):
        if values:
            new[key] = [v for v in values if v.strip()]
    if args.route:
        new["route"] = args.route
    if len(new) == 1 and not args.clear:
        return _fail(
            "say what turn must do: --reply-contains, --reply-excludes, --tool, --no-tool or --route"
        )
    check_known(new, tool_arguments(set(_SPECS)))
    kept = [e for e in recording.expectations if not (args.clear and e["turn"] == args.turn)]
    recording.expectations = merge(kept, new) if len(new) > 1 else kept
    write(recording, args.file)
    entry = next((e for e in recording.expectations if e["turn"] == args.turn), None)
    if entry is None:
        print(f"Turn {args.turn} of {args.file} has no expectations now")
        return 0
    print(f"Turn {args.turn} of {args.file} must now: {'; '.join(describe(entry))}")
    unmet = failures(entry, recording.turns[args.turn - 1])
    if unmet:
        print("The recorded turn does not (the bad behaviour): `bcagent replay run` fails until the fix.")
        for wanted, got in unmet:
            print(f"  expected {wanted}, recorded {got}")
    else:
        print("The recorded turn already does this: the recording passes as long as the build keeps it.")
    return 0


def _nlu() -> Any:
    """The NLU (and its embedding model, loaded once for every recording of a run)."""
    from ingest.embeddings import MiniLMEmbedding

    from ..models.intents import NLU

    nlu = NLU(MiniLMEmbedding())
    nlu.warm_up()  # once, so each recording's time is its replay's
    return nlu


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from ..replay.recording import from_turns, read
    from ..replay.runner import ReplayOptions, iter_recordings, replay
    from ..replay.suite import ERROR, Outcome, accept, exit_status, junit, outcome_of, summary

    target = Path(args.target)
    options = ReplayOptions(against=args.against, model=args.model, tolerate_wording=args.tolerate_wording)
    sources: list[Path | None]
    thread_recording = None
    if args.db is None and target.is_dir():
        sources = list(iter_recordings(target))
        if not sources:
            return _fail(f"{target}: no recordings (*.jsonl) in this folder")
    elif args.db is None and target.exists():
        sources = [target]
    elif args.db is None and (target.suffix == ".jsonl" or os.sep in args.target):
        return _fail(f"{target}: no such recording")
    else:
        if args.update:
            return _fail(
                "--update writes into a recording file: export the thread first (`bcagent replay export`)"
            )
        try:
            thread_recording = from_turns(await _thread_turns(settings, args.store, args.target, args.db))
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
            if args.store and args.db is None and recording.store_hash != args.store:
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
            behaviour = [d for d in result.counted if not d.expected]
            if args.update and behaviour:
                backup = accept(result)
                outcome.message = f"updated (the old recording is kept as {backup})"
                if result.unmet:
                    outcome.message += "; its expectations still fail"
        for line in outcomes[-1].lines():
            print(line)
        if outcomes[-1].message and outcomes[-1].status != ERROR:
            print(f"  {outcomes[-1].message}")
    if len(outcomes) > 1 or target.is_dir():
        print(summary(outcomes))
    if args.junit:
        junit(outcomes, args.junit)
    status = exit_status(outcomes)
    unmet = any(o.result is not None and o.result.unmet for o in outcomes)
    if args.update and status == 1 and not unmet:
        return 0  # the divergences were accepted
    return status


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from ..persistence.errors import DatabaseUnavailable, database_errors

    database_failures = database_errors(settings)
    actions = {
        "list": list_conversations,
        "show": _show,
        "export": _export,
        "run": _run,
        "expect": _expect,
        "to-scenario": _to_scenario,
    }
    try:
        return asyncio.run(actions[args.action](settings, args))
    except Unknown as exc:
        return _fail(str(exc))
    except (ConnectionProblem, RecordingError, ExpectationError) as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(str(exc))
    except DatabaseUnavailable as problem:
        return _fail(str(problem), 1)
    except database_failures as exc:
        return _fail(f"the transcript database cannot be reached: {type(exc).__name__}", 1)
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
