"""Every turn recorded: the record format, its capture, the recorder, export and prune. What the replay
CLI reads (see FORMAT.md). Where the turns are kept is a repository of ``agent.persistence``
(``agent.persistence.transcripts``: ``open_transcripts``, ``Query``, ``TranscriptStore``)."""

from .capture import CapturingTransport, Limits
from .recorder import Recorder, TurnInput
from .records import (
    FORMAT,
    FORMAT_VERSION,
    Exchange,
    FormatError,
    Grounding,
    ModelUsage,
    Step,
    ThreadSummary,
    Timings,
    ToolCallRecord,
    TurnRecord,
    request_key,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "CapturingTransport",
    "Exchange",
    "FormatError",
    "Grounding",
    "Limits",
    "ModelUsage",
    "Recorder",
    "Step",
    "ThreadSummary",
    "Timings",
    "ToolCallRecord",
    "TurnInput",
    "TurnRecord",
    "request_key",
]
