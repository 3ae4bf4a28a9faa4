"""A store's web pages (``GET /v3/content/pages``) as plain-text sections, one per heading.

The body is the merchant's HTML: it is parsed with Beautiful Soup (Python's own ``html.parser`` below it,
which tolerates broken markup), scripts, styles and forms are dropped, and the text is cut at every
heading (``h1``-``h4``) into :class:`PageSection` s that keep the page's name and storefront URL. Table
rows become "cell: cell" lines and list items their own lines, so a section reads as the page does.

Bodies are untrusted: a body over :data:`MAX_BODY_CHARS` is cut (and said so) and each section's text
is capped; instruction-shaped text is removed where the text reaches the model (the tools' results are
scrubbed as product descriptions are, ``agent/tools/untrusted.py``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from bigcommerce.types.content import Page

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 200_000  # a 1 MB page is read up to here
MAX_SECTION_CHARS = 2_000
HEADINGS = ("h1", "h2", "h3", "h4")
_DROPPED = ("script", "style", "noscript", "iframe", "form", "svg", "template", "head")
_BLOCKS = ("p", "div", "li", "tr", "br", "table", "ul", "ol", "section", "article", "dd", "dt", "blockquote")


@dataclass(frozen=True)
class PageSection:
    """One heading's part of a page: ``heading`` is the path of headings above it ("FAQ > Payment")."""

    page_id: int
    page_name: str
    url: str | None
    heading: str
    text: str

    @property
    def doc_id(self) -> str:
        digest = hashlib.sha1(f"{self.heading}\n{self.text}".encode()).hexdigest()[:12]
        return f"page-{self.page_id}-{digest}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(
            f"{self.page_name}\n{self.url}\n{self.heading}\n{self.text}".encode()
        ).hexdigest()


@dataclass
class PageReading:
    """The sections read from pages, and what was skipped and why (for the sync report and the answer)."""

    sections: list[PageSection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _cell_line(row: Tag) -> str:
    cells = [
        " ".join(c.get_text(" ", strip=True).split()) for c in row.find_all(["th", "td"], recursive=False)
    ]
    return ": ".join(c for c in cells if c) if cells else ""


def _own_heading(text: NavigableString) -> Tag | None:
    """The heading this text is the title of: none when a block (a paragraph, a table) stands between,
    as in broken markup where an unclosed ``<h2>`` swallows the page."""
    for parent in text.parents:
        if parent.name in HEADINGS:
            return parent
        if parent.name in _BLOCKS or parent.name in ("th", "td"):
            return None
    return None


def _title(heading: Tag) -> str:
    strings = (str(t) for t in heading.find_all(string=True) if _own_heading(t) is heading)
    return " ".join(" ".join(strings).split())


def _lines(root: Tag) -> Iterable[tuple[str, str]]:
    """("heading", level-and-text), ("text", line) or ("break", "") in document order."""
    for element in root.descendants:
        if isinstance(element, Tag):
            if element.name in HEADINGS:
                yield "heading", element.name[1] + _title(element)
            elif element.name == "tr":
                line = _cell_line(element)
                if line:
                    yield "break", ""
                    yield "text", line
                    yield "break", ""
            elif element.name in _BLOCKS:
                yield "break", ""
        elif isinstance(element, NavigableString):
            parent = element.parent
            if parent is None or _own_heading(element) is not None:
                continue
            if parent.find_parent("tr") is not None or parent.name in ("th", "td"):
                continue
            text = " ".join(str(element).split())
            if text:
                yield "text", text


def sections_of(page: Page) -> list[PageSection]:
    """The page's sections, in order (none for a link page or an empty body)."""
    if not page.has_body or page.id is None:
        return []
    body = page.body or ""
    if len(body) > MAX_BODY_CHARS:
        log.warning("page %s is %d characters: read up to %d", page.id, len(body), MAX_BODY_CHARS)
        body = body[:MAX_BODY_CHARS]
    soup = BeautifulSoup(body, "html.parser")
    for dropped in soup.find_all(_DROPPED):
        dropped.decompose()
    name = " ".join((page.name or "").split()) or f"Page {page.id}"
    path: dict[int, str] = {}
    heading, current, out = name, [""], []

    def close() -> None:
        text = "\n".join(line.strip() for line in current if line.strip())
        text = text[:MAX_SECTION_CHARS].strip()
        if text:
            out.append(PageSection(page.id or 0, name, page.url, heading, text))

    for kind, value in _lines(soup):
        if kind == "heading":
            close()
            level, title = int(value[0]), value[1:]
            path = {lvl: t for lvl, t in path.items() if lvl < level}
            path[level] = title
            heading = " > ".join(path[lvl] for lvl in sorted(path)) or name
            current = [""]
        elif kind == "break":
            if current[-1]:
                current.append("")
        else:
            glue = "" if value[0] in ".,;:!?)" else " "
            current[-1] = f"{current[-1]}{glue}{value}".strip()
    close()
    return out


def read_pages(pages: Iterable[Page]) -> PageReading:
    """Sections of every visible page meant for every shopper; what was left out, with the reason."""
    reading = PageReading()
    for page in pages:
        label = f"page {page.id} ({page.name or 'unnamed'})"
        if page.is_visible is False or page.is_customers_only:
            continue
        if page.type in ("link", "blog"):
            continue
        try:
            sections = sections_of(page)
        except Exception as exc:
            log.warning("%s could not be read: %s", label, exc)
            reading.skipped.append(f"{label}: unreadable ({type(exc).__name__})")
            continue
        if not sections:
            reading.skipped.append(f"{label}: no text")
        reading.sections.extend(sections)
    return reading
