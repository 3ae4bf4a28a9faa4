"""The operations' replay CLI: list and show recorded conversations, export one as a self-contained
recording, re-run recordings through the current build (BigCommerce answered from the recording, the
sandbox or the live store read-only) and diff what changed, turn by turn, saying why (see the README).

The names below are imported when first used, so importing a light module of this package (finding,
recording, expectations) does not load the runner and the model behind it."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Divergence": "compare",
    "facts": "compare",
    "FORMAT": "recording",
    "FORMAT_VERSION": "recording",
    "Recording": "recording",
    "RecordingError": "recording",
    "from_turns": "recording",
    "read": "recording",
    "write": "recording",
    "ReplayOptions": "runner",
    "ReplayResult": "runner",
    "replay": "runner",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


__all__ = sorted(_WHERE)
