"""The one timestamp spelling of the persisted records: UTC, ISO 8601, milliseconds, ``+00:00``.

Every repository writes times with :func:`now` (or :func:`spell`) and reads them back through
:func:`spell`, whatever the engine returns: SQLite keeps the text as written, PostgreSQL a
``TIMESTAMPTZ`` that comes back as a ``datetime``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def spell(moment: datetime | str) -> str:
    """``moment`` as the records spell it; text is returned as stored (rows written before this spelling
    keep theirs)."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def now() -> str:
    """The current time, spelled as the records spell it."""
    return spell(datetime.now(UTC))


def precise(moment: datetime) -> str:
    """``moment`` as transcript records spell it: UTC, microseconds, ``Z``.

    The transcript record format (``agent/transcripts/FORMAT.md``, version 1) fixed this spelling before
    this module: a turn's ``started_at`` sorts as text in SQLite, orders the turns of a conversation to
    the microsecond, and is written into every export byte for byte, so it keeps its own precision and
    suffix; it is spelled here, beside the records' spelling, and nowhere else."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(text: str) -> datetime:
    """A time spelled by :func:`spell` or :func:`precise` (or any ISO 8601 time with an offset), in UTC."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
