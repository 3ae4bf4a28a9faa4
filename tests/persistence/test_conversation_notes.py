"""Tags and a note per conversation on both engines: who wrote them and when is kept, the note's history
too, each store reads and writes only its own, tags are normalised and bounded, a tag finds its
conversations in the listing, and a pruned conversation's note, history and tags go with it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from agent.persistence import schema_version
from agent.persistence.conversation_notes import (
    CONVERSATION_NOTES,
    MAX_HISTORY,
    MAX_TAGS,
    NoteRefused,
    open_conversation_data,
)
from agent.persistence.question_vectors import QUESTION_VECTORS
from agent.persistence.transcript_sql import DESCRIBING_TABLES
from agent.persistence.transcripts import Query
from agent.settings import Settings
from agent.transcripts.export import prune
from tests.persistence.test_transcript_finding import START, turn


async def test_a_note_keeps_its_author_and_time_and_stays_in_its_store(
    settings: Settings, tmp_path: Path
) -> None:
    async with open_conversation_data(settings, tmp_path) as data:
        notes = data.notes
        assert await notes.note("abc", "t-1") is None
        first = await notes.write_note("abc", "t-1", "  Shopper was double charged.\r\n", "ops@abc.example")
        assert first is not None and first.text == "Shopper was double charged."
        kept = await notes.note("abc", "t-1")
        assert kept == first and kept.author == "ops@abc.example" and kept.written_at.endswith("+00:00")
        edited = await notes.write_note("abc", "t-1", "Refunded by Sam.", "sam@abc.example")
        assert (
            await notes.note("abc", "t-1") == edited
            and edited is not None
            and edited.author == "sam@abc.example"
        )
        # another store's conversation of the same id is another conversation
        assert await notes.note("other", "t-1") is None
        await notes.write_note("other", "t-1", "theirs", "clerk@other.example")
        again = await notes.note("abc", "t-1")
        assert again is not None and again.text == "Refunded by Sam."
        assert await notes.write_note("abc", "t-1", "   ", "sam@abc.example") is None  # empty removes it
        assert await notes.note("abc", "t-1") is None
        with pytest.raises(NoteRefused, match="at most 4000 characters"):
            await notes.write_note("abc", "t-1", "x" * 4001, "sam@abc.example")


async def test_tags_are_normalised_bounded_and_per_store(settings: Settings, tmp_path: Path) -> None:
    async with open_conversation_data(settings, tmp_path) as data:
        notes = data.notes
        assert await notes.add_tag("abc", "t-1", "  Refund  Asked ", "ops@abc.example") == "refund asked"
        assert await notes.add_tag("abc", "t-1", "REFUND asked", "sam@abc.example") == "refund asked"
        tags = await notes.tags("abc", "t-1")
        assert [(t.tag, t.author) for t in tags] == [
            ("refund asked", "ops@abc.example")
        ]  # the first adder kept
        await notes.add_tag("abc", "t-2", "refund asked", "ops@abc.example")
        await notes.add_tag("abc", "t-2", "vip", "ops@abc.example")
        await notes.add_tag("other", "t-9", "refund asked", "clerk@other.example")
        assert sorted(await notes.tagged("abc", "Refund Asked")) == ["t-1", "t-2"]
        assert await notes.store_tags("abc") == [("refund asked", 2), ("vip", 1)]
        assert await notes.tags_of("abc", ["t-1", "t-2", "t-3", "t-9"]) == {
            "t-1": ["refund asked"],
            "t-2": ["refund asked", "vip"],
        }
        for bad, message in (("", "Write a tag first"), ("-x", "only letters"), ("<b>", "only letters"),
                             ("x" * 33, "at most 32")):  # fmt: skip
            with pytest.raises(NoteRefused, match=message):
                await notes.add_tag("abc", "t-1", bad, "ops@abc.example")
        for number in range(MAX_TAGS - 1):
            await notes.add_tag("abc", "t-1", f"tag {number}", "ops@abc.example")
        with pytest.raises(NoteRefused, match=f"at most {MAX_TAGS} tags"):
            await notes.add_tag("abc", "t-1", "one too many", "ops@abc.example")
        assert await notes.remove_tag("abc", "t-1", "Refund Asked") is True
        assert await notes.remove_tag("abc", "t-1", "refund asked") is False
        assert await notes.remove_tag("abc", "t-9", "refund asked") is False  # store abc cannot untag other's
        assert await notes.tagged("other", "refund asked") == ["t-9"]


async def test_the_listing_finds_the_conversations_of_a_tag(settings: Settings, tmp_path: Path) -> None:
    async with open_conversation_data(settings, tmp_path) as data:
        for thread, minute in (("t-a", 1), ("t-b", 2), ("t-c", 3)):
            await data.transcripts.add(turn(thread, minute))
        await data.notes.add_tag("abc", "t-a", "follow up", "ops@abc.example")
        await data.notes.add_tag("abc", "t-c", "follow up", "ops@abc.example")
        ids = tuple(await data.notes.tagged("abc", "follow up"))
        found = await data.transcripts.threads(Query(store_hash="abc", thread_ids=ids))
        assert [t.thread_id for t in found] == ["t-c", "t-a"]  # newest first, t-b left out
        assert await data.transcripts.threads(Query(store_hash="abc", thread_ids=())) == []


async def test_a_disconnect_deletes_the_stores_notes(settings: Settings, tmp_path: Path) -> None:
    """PostgreSQL: the purge finds the notes' tables by their store_hash (SQLite: they go with the folder)."""
    from agent.persistence.connect import uses_postgres
    from agent.persistence.purge import purge

    async with open_conversation_data(settings, tmp_path) as data:
        await data.notes.write_note("abc", "t-1", "gone with the store", "ops@abc.example")
        await data.notes.add_tag("abc", "t-1", "gone", "ops@abc.example")
        await data.notes.add_tag("other", "t-1", "kept", "clerk@other.example")
    deleted = await purge(settings, "abc", tmp_path)
    async with open_conversation_data(settings, tmp_path) as data:
        if uses_postgres(settings):
            assert deleted == 3 and await data.notes.note("abc", "t-1") is None  # note, its history, tag
            assert await data.notes.history("abc", "t-1") == []
            assert await data.notes.tags("abc", "t-1") == []
        assert [t.tag for t in await data.notes.tags("other", "t-1")] == ["kept"]


async def test_a_note_keeps_its_history_newest_first(settings: Settings, tmp_path: Path) -> None:
    async with open_conversation_data(settings, tmp_path) as data:
        notes = data.notes
        assert await notes.history("abc", "t-1") == []
        assert await notes.write_note("abc", "t-1", "  ", "ops@abc.example") is None  # nothing to remove
        assert await notes.history("abc", "t-1") == []
        await notes.write_note("abc", "t-1", "Double charged.", "ops@abc.example")
        await notes.write_note("abc", "t-1", "Refunded by Sam.", "sam@abc.example")
        await notes.write_note("abc", "t-1", "", "lee@abc.example")
        await notes.write_note("other", "t-1", "theirs", "clerk@other.example")
        history = await notes.history("abc", "t-1")
        assert [(v.text, v.author, v.removed) for v in history] == [
            ("", "lee@abc.example", True),
            ("Refunded by Sam.", "sam@abc.example", False),
            ("Double charged.", "ops@abc.example", False),
        ]
        assert history[0].written_at >= history[1].written_at >= history[2].written_at
        assert [v.text for v in await notes.history("abc", "t-1", limit=1)] == [""]
        for number in range(MAX_HISTORY + 5):  # the newest MAX_HISTORY kept
            await notes.write_note("abc", "t-1", f"version {number}", "ops@abc.example")
        kept = await notes.history("abc", "t-1")
        assert len(kept) == MAX_HISTORY and kept[0].text == f"version {MAX_HISTORY + 4}"
        assert kept[-1].text == "version 5"
        assert [v.text for v in await notes.history("other", "t-1")] == ["theirs"]


async def test_notes_kept_before_the_history_start_it(settings: Settings, tmp_path: Path) -> None:
    async with open_conversation_data(settings, tmp_path) as data:
        await data.notes.write_note("abc", "t-1", "written before", "ops@abc.example")
        async with data.transcripts.db.transaction() as tx:  # as version 1 left the tables
            await tx.execute("DROP TABLE conversation_note_history")
            await tx.execute(
                "UPDATE bcagent_schema_version SET version = 1 WHERE component = 'conversation_notes'"
            )
    async with open_conversation_data(settings, tmp_path) as data:
        assert await schema_version(data.transcripts.db, "conversation_notes") == 2
        (version,) = await data.notes.history("abc", "t-1")
        assert (version.text, version.author) == ("written before", "ops@abc.example")


async def test_a_pruned_conversation_loses_its_note_history_and_tags(
    settings: Settings, tmp_path: Path
) -> None:
    async with open_conversation_data(settings, tmp_path) as data:
        await data.transcripts.add(turn("t-old", 1))
        await data.transcripts.add(turn("t-new", 60))
        for thread in ("t-old", "t-new"):
            await data.notes.write_note("abc", thread, f"about {thread}", "ops@abc.example")
            await data.notes.write_note("abc", thread, f"more about {thread}", "ops@abc.example")
            await data.notes.add_tag("abc", thread, "follow up", "ops@abc.example")
        await data.notes.write_note("other", "t-old", "another store's", "clerk@other.example")
        report = await prune(data.transcripts, None, START + timedelta(minutes=30), store_hash="abc")
        assert (report.threads, report.turns) == (1, 1)
        assert (
            await data.notes.note("abc", "t-old") is None and await data.notes.history("abc", "t-old") == []
        )
        assert await data.notes.tags("abc", "t-old") == [] and await data.notes.tagged(
            "abc", "follow up"
        ) == ["t-new"]
        kept = await data.notes.note("abc", "t-new")
        assert kept is not None and kept.text == "more about t-new"
        assert len(await data.notes.history("abc", "t-new")) == 2
        assert [v.text for v in await data.notes.history("other", "t-old")] == ["another store's"]


async def test_a_prune_without_the_notes_tables_still_prunes(settings: Settings, tmp_path: Path) -> None:
    from agent.persistence.transcripts import open_transcripts

    async with open_transcripts(settings, tmp_path) as transcripts:  # the console never opened: no tables
        await transcripts.add(turn("t-old", 1))
        report = await prune(transcripts, None, START + timedelta(minutes=30), store_hash="abc")
        assert (report.threads, report.turns) == (1, 1)


def test_the_tables_a_prune_cleans_are_the_notes_and_question_vectors_tables() -> None:
    made = set()
    for component in (CONVERSATION_NOTES, QUESTION_VECTORS):
        for _, sql in component.migrations["sqlite"]:
            made |= set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", sql))
    assert made == set(DESCRIBING_TABLES)
