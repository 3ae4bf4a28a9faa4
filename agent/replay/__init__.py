"""The operations' replay CLI: list and show recorded conversations, export one as a self-contained
recording, re-run recordings through the current build (BigCommerce answered from the recording, the
sandbox or the live store read-only) and diff what changed, turn by turn (see the README)."""

from .compare import Divergence, facts
from .recording import FORMAT, FORMAT_VERSION, Recording, RecordingError, from_turns, read, write
from .runner import ReplayOptions, ReplayResult, replay

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
