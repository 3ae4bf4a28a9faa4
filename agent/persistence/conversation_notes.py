"""Tags and a note per conversation, written by the console's users (component ``conversation_notes``).

Kept in the transcripts' database (``transcripts.sqlite`` in the store's folder, or the shared PostgreSQL
database), beside the conversations they describe: a disconnect deletes them with the store's folder, or
with the store's rows on PostgreSQL (``purge`` finds every table keyed by ``store_hash``). Every row
names its store and every read and write is scoped to one: store A's user never reads store B's notes.

One note per conversation (the latest text, who wrote it and when) and its history: every version
written, and each removal (an empty text), with who and when, the newest ``MAX_HISTORY`` kept per
conversation. Any number of tags up to ``MAX_TAGS``, each with who added it and when. Tags are
normalised (lower case, single spaces), so "Refund " and "refund" are one tag.

A conversation pruned from the transcripts loses its note, history and tags in the same transaction
(``Transcripts.delete_threads`` deletes from ``transcript_sql.DESCRIBING_TABLES``, these tables).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings
from . import timestamps
from .connect import open_database
from .database import Database, Transaction
from .migrations import Component
from .question_vectors import QUESTION_VECTORS, QuestionVectors
from .transcripts import TRANSCRIPTS, Transcripts, sqlite_path

MAX_TAGS = 10  # per conversation
MAX_TAG_CHARS = 32
MAX_NOTE_CHARS = 4000
MAX_HISTORY = 50  # versions of a conversation's note kept, the newest
TAG = re.compile(r"[a-z0-9][a-z0-9 _-]*")

_TABLES = """
CREATE TABLE IF NOT EXISTS conversation_notes (
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    written_at {time} NOT NULL,
    PRIMARY KEY (store_hash, thread_id)
);
CREATE TABLE IF NOT EXISTS conversation_tags (
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    author TEXT NOT NULL,
    added_at {time} NOT NULL,
    PRIMARY KEY (store_hash, thread_id, tag)
);
CREATE INDEX IF NOT EXISTS conversation_tags_tag ON conversation_tags (store_hash, tag, added_at)
"""

# Version 2: the note's history; the notes kept before start it
_HISTORY = """
CREATE TABLE IF NOT EXISTS conversation_note_history (
    id {serial} PRIMARY KEY{autoincrement},
    store_hash TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    written_at {time} NOT NULL
);
CREATE INDEX IF NOT EXISTS conversation_note_history_thread ON conversation_note_history (store_hash, thread_id, id);
INSERT INTO conversation_note_history (store_hash, thread_id, note, author, written_at)
    SELECT store_hash, thread_id, note, author, written_at FROM conversation_notes ORDER BY written_at
"""

CONVERSATION_NOTES = Component(
    "conversation_notes",
    {
        "sqlite": [
            (1, _TABLES.format(time="TEXT")),
            (2, _HISTORY.format(serial="INTEGER", autoincrement=" AUTOINCREMENT", time="TEXT")),
        ],
        "postgresql": [
            (1, _TABLES.format(time="TIMESTAMPTZ")),
            (2, _HISTORY.format(serial="BIGSERIAL", autoincrement="", time="TIMESTAMPTZ")),
        ],
    },
)


class NoteRefused(ValueError):
    """A tag or note that cannot be kept; the message says what to change."""


@dataclass(frozen=True)
class Note:
    """A version of a conversation's note (in its history, an empty ``text`` is the note's removal)."""

    text: str
    author: str
    written_at: str  # as the records spell it (``timestamps.spell``)

    @property
    def removed(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Tag:
    tag: str
    author: str
    added_at: str


def normalise_tag(text: str) -> str:
    """The tag as it is kept; NoteRefused when it cannot be one."""
    tag = " ".join(text.lower().split())
    if not tag:
        raise NoteRefused("Write a tag first (letters, digits, spaces, - or _).")
    if len(tag) > MAX_TAG_CHARS:
        raise NoteRefused(f"A tag is at most {MAX_TAG_CHARS} characters; shorten it.")
    if not TAG.fullmatch(tag):
        raise NoteRefused(
            "A tag may hold only letters, digits, spaces, - and _; it starts with a letter or digit."
        )
    return tag


class ConversationNotes:
    """The tags and notes of conversations, every method one short transaction scoped to one store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __repr__(self) -> str:
        return f"ConversationNotes({self.db!r})"

    # ---- the note -------------------------------------------------------------------------------------

    async def note(self, store_hash: str, thread_id: str) -> Note | None:
        async with self.db.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                "SELECT note, author, written_at FROM conversation_notes WHERE store_hash = ? AND thread_id = ?",
                (store_hash, thread_id),
            )
        return None if row is None else Note(str(row[0]), str(row[1]), timestamps.spell(row[2]))

    async def write_note(self, store_hash: str, thread_id: str, text: str, author: str) -> Note | None:
        """Replace the conversation's note (an empty text removes it), keeping the version in its history;
        the note now kept."""
        text = text.strip().replace("\r\n", "\n")
        if len(text) > MAX_NOTE_CHARS:
            raise NoteRefused(f"A note is at most {MAX_NOTE_CHARS} characters; this one has {len(text)}.")
        key = (store_hash, thread_id)
        written = timestamps.now()
        async with self.db.transaction() as tx:
            if not text:
                removed = await tx.execute(
                    "DELETE FROM conversation_notes WHERE store_hash = ? AND thread_id = ?", key
                )
                if removed:
                    await self._remember(tx, key, "", author, written)
                return None
            await tx.execute(
                "INSERT INTO conversation_notes (store_hash, thread_id, note, author, written_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_hash, thread_id) DO UPDATE SET "
                "note = excluded.note, author = excluded.author, written_at = excluded.written_at",
                (*key, text, author, written),
            )
            await self._remember(tx, key, text, author, written)
        return Note(text, author, written)

    @staticmethod
    async def _remember(tx: Transaction, key: tuple[str, str], text: str, author: str, written: str) -> None:
        """A version in the note's history, the oldest beyond ``MAX_HISTORY`` forgotten."""
        await tx.execute(
            "INSERT INTO conversation_note_history (store_hash, thread_id, note, author, written_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (*key, text, author, written),
        )
        await tx.execute(
            "DELETE FROM conversation_note_history WHERE store_hash = ? AND thread_id = ? AND id NOT IN "
            "(SELECT id FROM conversation_note_history WHERE store_hash = ? AND thread_id = ? "
            f"ORDER BY id DESC LIMIT {MAX_HISTORY})",
            (*key, *key),
        )

    async def history(self, store_hash: str, thread_id: str, limit: int = MAX_HISTORY) -> list[Note]:
        """The versions of the conversation's note, the newest first (removals have an empty text)."""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                "SELECT note, author, written_at FROM conversation_note_history "
                f"WHERE store_hash = ? AND thread_id = ? ORDER BY id DESC LIMIT {int(limit)}",
                (store_hash, thread_id),
            )
        return [Note(str(r[0]), str(r[1]), timestamps.spell(r[2])) for r in rows]

    # ---- tags -----------------------------------------------------------------------------------------

    async def tags(self, store_hash: str, thread_id: str) -> list[Tag]:
        """The conversation's tags, in the order they were added."""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                "SELECT tag, author, added_at FROM conversation_tags WHERE store_hash = ? AND thread_id = ? "
                "ORDER BY added_at, tag",
                (store_hash, thread_id),
            )
        return [Tag(str(r[0]), str(r[1]), timestamps.spell(r[2])) for r in rows]

    async def add_tag(self, store_hash: str, thread_id: str, text: str, author: str) -> str:
        """Tag the conversation (nothing changes when it already has the tag); the tag as kept."""
        tag = normalise_tag(text)
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT tag FROM conversation_tags WHERE store_hash = ? AND thread_id = ?"
                + self.db.dialect.for_update,
                (store_hash, thread_id),
            )
            present = {str(r[0]) for r in rows}
            if tag in present:
                return tag
            if len(present) >= MAX_TAGS:
                raise NoteRefused(f"A conversation has at most {MAX_TAGS} tags; remove one first.")
            await tx.execute(
                "INSERT INTO conversation_tags (store_hash, thread_id, tag, author, added_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_hash, thread_id, tag) DO NOTHING",
                (store_hash, thread_id, tag, author, timestamps.now()),
            )
        return tag

    async def remove_tag(self, store_hash: str, thread_id: str, text: str) -> bool:
        """Untag the conversation; whether it had the tag."""
        tag = " ".join(text.lower().split())
        async with self.db.transaction() as tx:
            removed = await tx.execute(
                "DELETE FROM conversation_tags WHERE store_hash = ? AND thread_id = ? AND tag = ?",
                (store_hash, thread_id, tag),
            )
        return removed > 0

    async def tagged(self, store_hash: str, tag: str, limit: int = 1000) -> list[str]:
        """The conversations of the store with ``tag``, the most recently tagged first."""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                "SELECT thread_id FROM conversation_tags WHERE store_hash = ? AND tag = ? "
                f"ORDER BY added_at DESC LIMIT {int(limit)}",
                (store_hash, " ".join(tag.lower().split())),
            )
        return [str(r[0]) for r in rows]

    async def store_tags(self, store_hash: str, limit: int = 200) -> list[tuple[str, int]]:
        """The store's tags with how many conversations carry each, the most used first."""
        async with self.db.transaction(readonly=True) as tx:
            rows = await tx.fetchall(
                "SELECT tag, count(*) FROM conversation_tags WHERE store_hash = ? "
                f"GROUP BY tag ORDER BY count(*) DESC, tag LIMIT {int(limit)}",
                (store_hash,),
            )
        return [(str(r[0]), int(r[1])) for r in rows]

    async def tags_of(self, store_hash: str, thread_ids: Sequence[str]) -> dict[str, list[str]]:
        """The tags of each of these conversations (those without a tag left out)."""
        found: dict[str, list[str]] = {}
        ids = list(dict.fromkeys(thread_ids))
        async with self.db.transaction(readonly=True) as tx:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows = await tx.fetchall(
                    f"SELECT thread_id, tag FROM conversation_tags WHERE store_hash = ? AND thread_id IN ({marks}) "
                    "ORDER BY added_at, tag",
                    (store_hash, *chunk),
                )
                for thread_id, tag in rows:
                    found.setdefault(str(thread_id), []).append(str(tag))
        return found


@dataclass(frozen=True)
class ConversationData:
    """A store's transcripts, their tags and notes, and their unanswered questions' vectors, over one
    database."""

    transcripts: Transcripts
    notes: ConversationNotes
    vectors: QuestionVectors


@asynccontextmanager
async def open_conversation_data(settings: Settings, folder: Path) -> AsyncIterator[ConversationData]:
    """The transcripts, their notes and question vectors, migrated: PostgreSQL when configured, else the
    store's transcript file in ``folder``; closed on exit."""
    db = await open_database(
        settings,
        sqlite_path(folder),
        name="conversation-notes",
        what="the transcripts and the conversations' tags and notes",
        components=[TRANSCRIPTS, CONVERSATION_NOTES, QUESTION_VECTORS],
        max_connections=2,
    )
    try:
        yield ConversationData(Transcripts(db), ConversationNotes(db), QuestionVectors(db))
    finally:
        await db.aclose()


__all__ = [
    "CONVERSATION_NOTES",
    "MAX_HISTORY",
    "MAX_NOTE_CHARS",
    "MAX_TAGS",
    "ConversationData",
    "ConversationNotes",
    "Note",
    "NoteRefused",
    "Tag",
    "normalise_tag",
    "open_conversation_data",
]
