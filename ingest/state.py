"""The sync state of one store, written atomically (temporary file + rename) so a crash never leaves
half a file: when the last successful sync started, and whether a sync is under way."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATE_FILE = "sync_state.json"


@dataclass
class SyncState:
    last_success: str | None = None  # ISO time the last successful sync *started* (its crawl horizon)
    last_mode: str | None = None
    in_progress: str | None = None  # ISO start time of a sync that has not finished (crashed or running)
    indexed: int = 0

    @classmethod
    def load(cls, folder: Path) -> SyncState:
        try:
            data: dict[str, Any] = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return cls()
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{STATE_FILE}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(asdict(self), out, indent=2)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, folder / STATE_FILE)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
