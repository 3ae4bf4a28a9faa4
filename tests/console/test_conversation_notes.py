"""Tags and a note on the conversation page: written with the session's CSRF token, shown with who wrote
them and when, the conversations list filtered by tag; store B's user can neither read nor write store A's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.console.pages_app import TOKEN, Pages, message, pages_app

A, B = "storea", "storeb"


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[Pages]:
    yield from pages_app(tmp_path / "home")


def _listed(page: str, store_hash: str) -> list[str]:
    import re

    return re.findall(rf'href="/admin/stores/{store_hash}/conversations/([A-Za-z0-9_-]+)"', page)


def test_tags_and_a_note_are_kept_with_their_author_and_filter_the_list(pages: Pages) -> None:
    pages.connect(A)
    pages.record(message(A, "thread-refund", "I was charged twice"), message(A, "thread-gloves", "gloves?"))
    ops = pages.user(A, "ops@a.example")
    url = f"/admin/stores/{A}/conversations/thread-refund"
    assert "No tags yet." in ops.get(url).text
    refused = ops.post(f"{url}/tags", {"csrf": "forged", "action": "add", "tag": "refund"})
    assert refused.status_code == 403 and "No tags yet." in ops.get(url).text
    added = ops.post(f"{url}/tags", {"csrf": ops.csrf(url), "action": "add", "tag": " Refund  Asked"})
    assert added.status_code == 200 and "Tagged &#39;refund asked&#39;." in added.text
    assert '<strong>refund asked</strong> <span class="muted">added by ops@a.example on ' in added.text
    bad = ops.post(f"{url}/tags", {"csrf": ops.csrf(url), "action": "add", "tag": "<script>"})
    assert "Tag not added: A tag may hold only letters" in bad.text and "<script>" not in bad.text
    saved = ops.post(f"{url}/note", {"csrf": ops.csrf(url), "note": "Refund sent by Sam <b>today</b>."})
    assert "Note saved." in saved.text and "Refund sent by Sam &lt;b&gt;today&lt;/b&gt;." in saved.text
    assert "Written by ops@a.example on " in saved.text

    listing = ops.get(f"/admin/stores/{A}/conversations").text
    assert sorted(_listed(listing, A)) == ["thread-gloves", "thread-refund"]
    assert '<option value="refund asked" >refund asked (1)</option>' in listing.replace("  ", " ")
    filtered = ops.get(f"/admin/stores/{A}/conversations", tag="Refund asked").text
    assert _listed(filtered, A) == ["thread-refund"]
    nothing = ops.get(f"/admin/stores/{A}/conversations", tag="nothing").text
    assert _listed(nothing, A) == [] and '<option value="nothing" selected>nothing (0)</option>' in nothing

    removed = ops.post(f"{url}/tags", {"csrf": ops.csrf(url), "action": "remove", "tag": "refund asked"})
    assert "Tag &#39;refund asked&#39; removed." in removed.text and "No tags yet." in removed.text
    cleared = ops.post(f"{url}/note", {"csrf": ops.csrf(url), "note": "  "})
    assert "Note removed." in cleared.text and "Written by" not in cleared.text
    assert TOKEN not in cleared.text


def test_a_note_needs_a_conversation_of_the_store(pages: Pages) -> None:
    pages.connect(A)
    pages.record(message(A, "thread-real", "hello"))
    ops = pages.user(A, "ops@a.example")
    csrf = ops.csrf(f"/admin/stores/{A}/conversations/thread-real")
    missing = ops.post(f"/admin/stores/{A}/conversations/no-such-thread/note", {"csrf": csrf, "note": "x"})
    assert missing.status_code == 404
    odd = ops.post(f"/admin/stores/{A}/conversations/bad%20id/tags", {"csrf": csrf, "tag": "x"})
    assert odd.status_code == 404


def test_store_bs_user_can_neither_read_nor_write_store_as_notes(pages: Pages) -> None:
    pages.connect(A)
    pages.connect(B)
    pages.record(message(A, "shared-id", "store A's conversation"))
    pages.record(message(B, "shared-id", "store B's conversation"))
    ops, clerk = pages.user(A, "ops@a.example"), pages.user(B, "clerk@b.example")
    url_a = f"/admin/stores/{A}/conversations/shared-id"
    ops.post(f"{url_a}/tags", {"csrf": ops.csrf(url_a), "action": "add", "tag": "secret-a"})
    ops.post(f"{url_a}/note", {"csrf": ops.csrf(url_a), "note": "A's private note"})
    assert "A&#39;s private note" in ops.get(url_a).text
    # B's user, with B's own valid CSRF token, at A's addresses: the same 404 as a page that does not exist
    csrf_b = clerk.csrf(f"/admin/stores/{B}/conversations/shared-id")
    assert clerk.get(url_a).status_code == 404
    assert clerk.get(f"/admin/stores/{A}/conversations", tag="secret-a").status_code == 404
    for path, form in (
        ("note", {"note": "overwritten by B"}),
        ("tags", {"action": "remove", "tag": "secret-a"}),
    ):
        assert clerk.post(f"{url_a}/{path}", {"csrf": csrf_b, **form}).status_code == 404
    page_a = ops.get(url_a).text
    assert "A&#39;s private note" in page_a and "<strong>secret-a</strong>" in page_a
    # B's own conversation of the same id shows none of A's
    page_b = clerk.get(f"/admin/stores/{B}/conversations/shared-id").text
    assert "private note" not in page_b and "secret-a" not in page_b and "No tags yet." in page_b
    assert "secret-a" not in clerk.get(f"/admin/stores/{B}/conversations").text


def test_the_page_shows_the_latest_note_and_a_short_history(pages: Pages) -> None:
    import re

    pages.connect(A)
    pages.record(message(A, "thread-refund", "I was charged twice"))
    ops, sam = pages.user(A, "ops@a.example"), pages.user(A, "sam@a.example")
    url = f"/admin/stores/{A}/conversations/thread-refund"
    ops.post(f"{url}/note", {"csrf": ops.csrf(url), "note": "Double charged."})
    assert "Note history" not in ops.get(url).text  # one version: the note itself
    page = sam.post(f"{url}/note", {"csrf": sam.csrf(url), "note": "Refunded by Sam."}).text
    assert ">Refunded by Sam.</textarea>" in page and "Written by sam@a.example on " in page
    versions = re.findall(r"UTC, ([^:<]+):</span>\s*([^<]+?)</li>", page)
    assert versions == [("sam@a.example", "Refunded by Sam."), ("ops@a.example", "Double charged.")]
    removed = ops.post(f"{url}/note", {"csrf": ops.csrf(url), "note": ""}).text
    assert "Written by" not in removed and "<em>removed the note</em>" in removed
    for number in range(6):
        ops.post(f"{url}/note", {"csrf": ops.csrf(url), "note": f"version {number}"})
    page = ops.get(url).text
    shown = re.findall(r"UTC, [^:<]+:</span>\s*([^<]+?)</li>", page)
    assert shown == [f"version {n}" for n in (5, 4, 3, 2, 1)] and "Older versions are kept too" in page
