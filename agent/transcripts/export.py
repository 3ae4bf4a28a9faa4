"""Export transcripts as JSON Lines, read them back, and prune old conversations with their checkpoints.

An export is one ``TurnRecord.to_json()`` per line, oldest first, written atomically (a temporary file
renamed into place), so a reader never sees half a file. Exporting the same turns gives the same bytes.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..persistence.transcripts import Query, TranscriptStore
from .records import FormatError, TurnRecord, dumps

log = logging.getLogger(__name__)


def record_line(turn: TurnRecord) -> str:
    return dumps(turn.to_json()) + "\n"


async def export_jsonl(transcripts: TranscriptStore, query: Query, path: Path) -> int:
    """Write the turns matching ``query`` to ``path``; the number of turns written."""
    turns = await transcripts.turns(query)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as out:
            for turn in turns:
                out.write(record_line(turn))
        os.chmod(temporary, 0o600)  # shoppers' messages: readable by the owner only
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(turns)


def read_jsonl(path: Path) -> list[TurnRecord]:
    """The turns of an export, in file order. FormatError names the line of a corrupt or newer record."""
    turns = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data: Any = json.loads(line)
            except ValueError:
                raise FormatError(f"{path}:{number}: not JSON (a truncated or corrupt file?)") from None
            try:
                turns.append(TurnRecord.from_json(data))
            except FormatError as exc:
                raise FormatError(f"{path}:{number}: {exc}") from None
    return turns


@dataclass(frozen=True)
class PruneReport:
    threads: int
    turns: int
    checkpoints_failed: int = 0


async def prune(
    transcripts: TranscriptStore,
    checkpointer: Any,
    before: datetime,
    *,
    store_hash: str | None = None,
    dry_run: bool = False,
) -> PruneReport:
    """Delete the conversations whose last turn is older than ``before``: their transcripts and their
    LangGraph checkpoints (``checkpointer.adelete_thread``). A conversation still going on is kept whole;
    one whose checkpoints cannot be deleted keeps its transcript too, for the next prune."""
    stale = await transcripts.stale_threads(before, store_hash)
    if dry_run or not stale:
        return PruneReport(len(stale), 0)
    done: list[tuple[str, str]] = []
    failed = 0
    for key in stale:
        try:
            if checkpointer is not None:
                await checkpointer.adelete_thread(key[1])
        except Exception as exc:  # kept, with its transcript, for the next prune to try again
            failed += 1
            log.warning("Could not delete the checkpoints of thread %s: %s", key[1], exc)
            continue
        done.append(key)
    deleted = await transcripts.delete_threads(done)
    return PruneReport(len(done), deleted, failed)
