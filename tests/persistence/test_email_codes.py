"""Emailed one-time codes (``agent.persistence.email_codes``) on both engines: kept hashed, one per
store, conversation and order; wrong tries counted once per answer (a replayed answer is not counted
again), the third wrong try, expiry and the right code delete it; another store never sees it."""

from __future__ import annotations

from pathlib import Path

from agent.persistence.email_codes import code_matches, hash_code
from agent.persistence.records import open_records
from agent.settings import Settings

T0 = 1_000_000.0


async def test_a_code_is_kept_hashed_once_per_conversation_and_order(
    settings: Settings, tmp_path: Path
) -> None:
    records = await open_records(settings, "storeone", tmp_path)
    other = await open_records(settings, "storetwo", tmp_path / "two")
    try:
        codes = records.email_codes
        assert await codes.issue("t1", 12346, "123456", expires_at=T0 + 600, tries=3)
        assert not await codes.issue("t1", 12346, "654321", expires_at=T0 + 600, tries=3)  # one is kept
        assert await codes.issue("t1", 12347, "654321", expires_at=T0 + 600, tries=3)  # another order
        assert await codes.issue("t2", 12346, "654321", expires_at=T0 + 600, tries=3)  # another conversation
        assert await other.email_codes.find("t1", 12346) is None  # another store
        kept = await codes.find("t1", 12346)
        assert kept is not None and (kept.expires_at, kept.tries_left) == (T0 + 600, 3)
        async with records.db.transaction(readonly=True) as tx:
            table = "agent_email_codes" if settings.database_url else "email_codes"
            rows = await tx.fetchall(f"SELECT * FROM {table}")
        assert rows and not any("123456" in str(value) for row in rows for value in row)  # hashed only
        assert (
            await other.email_codes.check("t1", 12346, "123456", now=T0, answer_index=0)
        ).outcome == "missing"
        assert (await codes.check("t1", 12346, "123456", now=T0, answer_index=0)).outcome == "right"
        assert await codes.find("t1", 12346) is None  # used once
    finally:
        await records.aclose()
        await other.aclose()


async def test_wrong_tries_count_once_per_answer_and_the_third_deletes_it(
    settings: Settings, tmp_path: Path
) -> None:
    records = await open_records(settings, "storeone", tmp_path)
    try:
        codes = records.email_codes
        await codes.issue("t1", 1, "123456", expires_at=T0 + 600, tries=3)
        first = await codes.check("t1", 1, "000000", now=T0, answer_index=0)
        assert (first.outcome, first.tries_left, first.replayed) == ("wrong", 2, False)
        replay = await codes.check("t1", 1, "000000", now=T0, answer_index=0)  # the tool re-ran
        assert (replay.outcome, replay.tries_left, replay.replayed) == ("wrong", 2, True)
        assert (await codes.check("t1", 1, "111111", now=T0, answer_index=1)).tries_left == 1
        assert (await codes.check("t1", 1, "222222", now=T0, answer_index=2)).outcome == "exhausted"
        assert await codes.find("t1", 1) is None
        assert (await codes.check("t1", 1, "123456", now=T0, answer_index=3)).outcome == "missing"
    finally:
        await records.aclose()


async def test_an_expired_code_is_refused_deleted_and_can_be_issued_again_and_old_ones_go(
    settings: Settings, tmp_path: Path
) -> None:
    records = await open_records(settings, "storeone", tmp_path)
    try:
        codes = records.email_codes
        await codes.issue("t1", 1, "123456", expires_at=T0 + 600, tries=3)
        assert (await codes.check("t1", 1, "123456", now=T0 + 600, answer_index=0)).outcome == "expired"
        assert await codes.find("t1", 1) is None
        assert await codes.issue("t1", 1, "222222", expires_at=T0 + 1200, tries=3)
        assert await codes.delete("t1", 1) and not await codes.delete("t1", 1)
        await codes.issue("left", 2, "333333", expires_at=T0 + 600, tries=3)  # never answered
        assert await codes.issue("t9", 3, "444444", expires_at=T0 + 600 + 86_400, tries=3)
        assert await codes.find("left", 2) is not None  # expired a day before: kept a little longer
        assert await codes.issue("t9", 4, "555555", expires_at=T0 + 601 + 86_400, tries=3)
        assert await codes.find("left", 2) is None and await codes.find("t9", 3) is not None
    finally:
        await records.aclose()


def test_the_hash_is_salted_and_checked_in_constant_time() -> None:
    first, second = hash_code("123456"), hash_code("123456")
    assert first != second and "123456" not in first
    assert code_matches("123456", first) and code_matches("123456", second)
    assert not code_matches("123457", first) and not code_matches("123456", "garbage")
