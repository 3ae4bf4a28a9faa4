"""Store pages to sections: a parser (not regexes) reads the merchant's HTML, headings cut it, tables and
lists read as lines; hidden, customers-only, link and blog pages are left out; broken, empty and huge
bodies neither raise nor stop the others, and what was skipped is said."""

from __future__ import annotations

from bigcommerce.types.content import Page
from ingest.pages import MAX_SECTION_CHARS, read_pages, sections_of
from sandbox.demo_knowledge import knockout_pages


def make(body: str, **fields: object) -> Page:
    return Page.model_validate(
        {"id": 7, "name": "Help", "type": "page", "is_visible": True, "url": "/help/", "body": body, **fields}
    )


def test_demo_pages_are_cut_at_their_headings_with_the_heading_path() -> None:
    reading = read_pages(Page.model_validate(p) for p in knockout_pages())
    headings = [s.heading for s in reading.sections]
    assert "Shipping & Returns > Returns" in headings
    assert "Frequently asked questions > Payment > Which payment methods do you accept?" in headings
    returns = next(s for s in reading.sections if s.heading == "Shipping & Returns > Returns")
    assert returns.text.splitlines()[0] == "Send items back within 30 days of delivery."
    assert returns.url == "/shipping-returns/" and returns.page_name == "Shipping & Returns"
    rates = next(s for s in reading.sections if s.heading.endswith("Shipping rates"))
    assert "Canada: Flat rate: $14.95: 5-10 business days" in rates.text.splitlines()
    assert reading.skipped == []


def test_scripts_styles_and_forms_are_dropped_and_entities_decoded() -> None:
    sections = sections_of(
        make("<h2>Fees</h2><script>alert(1)</script><style>p{}</style><p>Fish &amp; chips</p><form>x</form>")
    )
    assert [(s.heading, s.text) for s in sections] == [("Fees", "Fish & chips")]


def test_broken_markup_still_gives_its_text() -> None:
    sections = sections_of(make("<h2>Returns<p>Within <b>30 days<table><tr><td>a<td>b"))
    text = " ".join(s.text for s in sections)
    assert "Within 30 days" in text and "a b" in text  # td inside td, as the parser nests them


def test_hidden_customers_only_link_and_empty_pages_are_left_out_and_said() -> None:
    pages = [
        make("<p>secret</p>", id=1, is_visible=False),
        make("<p>members</p>", id=2, is_customers_only=True),
        make("", id=3, type="link", link="https://example.com"),
        make("   ", id=4, name="Blank"),
        make("<p>Open daily</p>", id=5),
    ]
    reading = read_pages(pages)
    assert [s.text for s in reading.sections] == ["Open daily"]
    assert reading.skipped == ["page 4 (Blank): no text"]


def test_a_huge_page_is_read_up_to_a_limit_and_sections_are_capped() -> None:
    sections = sections_of(make("<h2>Long</h2><p>" + "word " * 250_000 + "</p>"))
    assert sections and all(len(s.text) <= MAX_SECTION_CHARS for s in sections)


def test_section_ids_and_hashes_follow_the_content() -> None:
    first = sections_of(make("<h2>A</h2><p>one</p>"))[0]
    same = sections_of(make("<h2>A</h2><p>one</p>"))[0]
    other = sections_of(make("<h2>A</h2><p>two</p>"))[0]
    assert first.doc_id == same.doc_id and first.content_hash == same.content_hash
    assert first.content_hash != other.content_hash
