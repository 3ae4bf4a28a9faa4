"""Every turn recorded: the record format, its capture, the recorder, export and prune. What the replay
CLI reads (see FORMAT.md). Where the turns are kept is a repository of ``agent.persistence``
(``agent.persistence.transcripts``: ``open_transcripts``, ``Query``, ``TranscriptStore``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    "CapturingTransport": ".capture",
    "Limits": ".capture",
    "Recorder": ".recorder",
    "TurnInput": ".recorder",
    "FORMAT": ".records",
    "FORMAT_VERSION": ".records",
    "Exchange": ".records",
    "FormatError": ".records",
    "Grounding": ".records",
    "ModelUsage": ".records",
    "Step": ".records",
    "ThreadSummary": ".records",
    "Timings": ".records",
    "ToolCallRecord": ".records",
    "TurnRecord": ".records",
    "request_key": ".records",
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
