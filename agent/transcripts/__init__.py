"""Every turn recorded: the record format, its capture, the SQLite / PostgreSQL stores, export and
prune. What the replay CLI reads (see FORMAT.md)."""

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
from .store import Query, TranscriptStore, open_transcripts

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "CapturingTransport",
    "Exchange",
    "FormatError",
    "Grounding",
    "Limits",
    "ModelUsage",
    "Query",
    "Recorder",
    "Step",
    "ThreadSummary",
    "Timings",
    "ToolCallRecord",
    "TranscriptStore",
    "TurnInput",
    "TurnRecord",
    "open_transcripts",
    "request_key",
]
