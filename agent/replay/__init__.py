"""The operations' replay CLI: list and show recorded conversations, export one as a self-contained
recording, re-run recordings through the current build (BigCommerce answered from the recording, the
sandbox or the live store read-only) and diff what changed, turn by turn (see the README)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compare import Divergence, facts
    from .recording import FORMAT, FORMAT_VERSION, Recording, RecordingError, from_turns, read, write
    from .runner import ReplayOptions, ReplayResult, replay

_EXPORTS = {
    "Divergence": ".compare",
    "facts": ".compare",
    "FORMAT": ".recording",
    "FORMAT_VERSION": ".recording",
    "Recording": ".recording",
    "RecordingError": ".recording",
    "from_turns": ".recording",
    "read": ".recording",
    "write": ".recording",
    "ReplayOptions": ".runner",
    "ReplayResult": ".runner",
    "replay": ".runner",
}


def __getattr__(name: str) -> Any:
    """Load a submodule on first use of one of its names, so importing the package (or one
    light submodule of it) costs nothing else."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Divergence",
    "Recording",
    "RecordingError",
    "ReplayOptions",
    "ReplayResult",
    "facts",
    "from_turns",
    "read",
    "replay",
    "write",
]
