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
