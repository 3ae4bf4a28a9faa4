"""Tags and a note per conversation on both engines: who wrote them and when is kept, each store reads and
writes only its own, tags are normalised and bounded, and a tag finds its conversations in the listing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.persistence.conversation_notes import MAX_TAGS, NoteRefused, open_conversation_data
from agent.persistence.transcripts import Query
from agent.settings import Settings
from tests.persistence.test_transcript_finding import turn


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
            assert deleted == 2 and await data.notes.note("abc", "t-1") is None
            assert await data.notes.tags("abc", "t-1") == []
        assert [t.tag for t in await data.notes.tags("other", "t-1")] == ["kept"]
