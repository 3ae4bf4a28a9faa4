"""A recording: one conversation, self-contained, as a JSON Lines file.

Line 1 is the header: the format and its version, the store hash, the store's settings that matter
(name, money format, timezone, enabled tools, policy, scopes), the argument names of each tool the
conversation used, and the number of turns that follow. Then one ``TurnRecord`` per line (the
transcript format: the shopper's message and context, every tool call and result, every BigCommerce
request and response). Nothing in it depends on when it was written, so exporting the same thread
twice gives the same bytes; nothing in it is a secret (transcripts never hold the token).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..transcripts.records import FormatError, TurnRecord

FORMAT = "bcagent.recording"
FORMAT_VERSION = 1


class RecordingError(ValueError):
    """A recording this build cannot replay; the message says why and what to do."""


@dataclass
class Recording:
    store_hash: str
    thread_id: str
    store: dict[str, Any]
    tools: dict[str, list[str]]
    turns: list[TurnRecord]
    scopes: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    expectations: list[dict[str, Any]] = field(default_factory=list)  # see expectations.py
    redacted: bool = False  # shoppers' details replaced by placeholders (redaction.py)

    def header(self) -> dict[str, Any]:
        optional: dict[str, Any] = {}  # written only when set: older recordings keep their bytes
        if self.expectations:
            optional["expectations"] = sorted(self.expectations, key=lambda e: int(e.get("turn", 0)))
        if self.redacted:
            optional["redacted"] = True
        return {
            **optional,
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "store_hash": self.store_hash,
            "thread_id": self.thread_id,
            "store": self.store,
            "scopes": dict(sorted(self.scopes.items())),
            "tools": {name: sorted(args) for name, args in sorted(self.tools.items())},
            "turns": len(self.turns),
        }

    def to_text(self) -> str:
        lines = [json.dumps(self.header(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))]
        lines += [
            json.dumps(turn.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            for turn in self.turns
        ]
        return "\n".join(lines) + "\n"

    @property
    def name(self) -> str:
        return self.path.name if self.path else self.thread_id


def tool_arguments(names: list[str] | set[str]) -> dict[str, list[str]]:
    """The argument names of these tools in the current build (an unknown tool is left out)."""
    from ..tools.registry import _SPECS

    return {name: sorted(_SPECS[name][1].model_fields) for name in sorted(names) if name in _SPECS}


def from_turns(
    turns: list[TurnRecord], scopes: dict[str, str] | None = None, path: Path | None = None
) -> Recording:
    if not turns:
        raise RecordingError("a recording needs at least one turn")
    first = turns[0]
    used = {call.name for turn in turns for call in turn.tool_calls}
    store = next((t.store for t in reversed(turns) if t.store), {})
    return Recording(
        store_hash=first.store_hash,
        thread_id=first.thread_id,
        store=store,
        tools=tool_arguments(used),
        turns=turns,
        scopes=dict(scopes or {}),
        path=path,
    )


def write(recording: Recording, path: Path) -> None:
    """Write atomically (a temporary file renamed into place), readable by the owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as out:
            out.write(recording.to_text())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _header(path: Path, line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        raise RecordingError(f"{path}:1: not JSON: a corrupt file, or not a recording") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        if isinstance(data, dict) and data.get("format") == "bcagent.transcript":
            raise RecordingError(
                f"{path}: a transcript export, not a recording; make one with `bcagent replay export THREAD -o FILE`"
            )
        raise RecordingError(f"{path}:1: not a bcagent recording (no {FORMAT!r} header)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise RecordingError(
            f"{path}: recording format version {version!r} is newer than this build reads "
            f"({FORMAT_VERSION}); replay it with a newer bcagent"
        )
    for key, kind in (
        ("store_hash", str),
        ("thread_id", str),
        ("turns", int),
        ("store", dict),
        ("tools", dict),
    ):
        if not isinstance(data.get(key), kind):
            raise RecordingError(f"{path}:1: the header's {key!r} is missing or malformed")
    return data


def read(path: Path) -> Recording:
    """Read and check a recording (RecordingError for a corrupt, truncated or newer-format file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such recording") from None
    except UnicodeDecodeError:
        raise RecordingError(f"{path}: not UTF-8 text: a corrupt file, or not a recording") from None
    except OSError as exc:
        raise RecordingError(f"{path}: cannot be read ({exc.strerror})") from None
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise RecordingError(f"{path}: empty file, not a recording")
    header = _header(path, lines[0])
    turns = []
    for number, line in enumerate(lines[1:], 2):
        try:
            data = json.loads(line)
        except ValueError:
            raise RecordingError(f"{path}:{number}: not JSON (a truncated or corrupt file?)") from None
        try:
            turn = TurnRecord.from_json(data)
        except FormatError as exc:
            raise RecordingError(f"{path}:{number}: {exc}") from None
        if turn.store_hash != header["store_hash"] or turn.thread_id != header["thread_id"]:
            raise RecordingError(f"{path}:{number}: a turn of another store or thread than the header's")
        turns.append(turn)
    if len(turns) != header["turns"]:
        raise RecordingError(
            f"{path}: truncated: the header announces {header['turns']} turn(s), the file holds {len(turns)}"
        )
    if not text.endswith("\n"):
        raise RecordingError(f"{path}: truncated: the last line is incomplete")
    tools = {str(k): [str(a) for a in v] for k, v in header["tools"].items() if isinstance(v, list)}
    scopes = header.get("scopes") if isinstance(header.get("scopes"), dict) else {}
    expectations = header.get("expectations", [])
    if not isinstance(expectations, list) or not all(
        isinstance(e, dict) and isinstance(e.get("turn"), int) for e in expectations
    ):
        raise RecordingError(f"{path}:1: the header's 'expectations' is malformed (a list of {{turn, ...}})")
    return Recording(
        store_hash=header["store_hash"],
        thread_id=header["thread_id"],
        store=header["store"],
        tools=tools,
        turns=turns,
        scopes={str(k): str(v) for k, v in (scopes or {}).items()},
        path=path,
        expectations=expectations,
        redacted=header.get("redacted") is True,
    )


def check_tools(recording: Recording) -> None:
    """RecordingError when a tool the recording used is gone or takes other arguments now."""
    from ..tools.registry import _SPECS

    for name, recorded in recording.tools.items():
        if name not in _SPECS:
            raise RecordingError(
                f"{recording.name}: made with the tool {name!r}, which this build no longer has; "
                "re-record the conversation or remove the recording"
            )
        now = sorted(_SPECS[name][1].model_fields)
        if sorted(recorded) != now:
            raise RecordingError(
                f"{recording.name}: the tool {name!r} took arguments {', '.join(sorted(recorded)) or '(none)'} "
                f"when recorded; it takes {', '.join(now) or '(none)'} now; re-record the conversation"
            )
    for turn in recording.turns:
        for call in turn.tool_calls:
            if call.name not in recording.tools and call.name not in _SPECS:
                raise RecordingError(
                    f"{recording.name}: made with the tool {call.name!r}, which this build no longer has"
                )
