"""The insights page's top unanswered questions: similar dead-end questions shown as one row with their
count and an example (personal details masked), in the CSV too; another store's questions never shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.models.capabilities import cannot_help_sentence
from tests.console.pages_app import Pages, message, pages_app

A, B = "storea", "storeb"
CANNOT = cannot_help_sentence(None)


@pytest.fixture
def pages(tmp_path: Path, embedder: Any) -> Iterator[Pages]:
    yield from pages_app(tmp_path / "home", embedder=embedder)


def test_similar_unanswered_questions_are_one_row_with_their_count(pages: Pages) -> None:
    pages.connect(A)
    pages.connect(B)
    asked = ["Do you ship to Canada?", "can you deliver to canada", "Is shipping to Canada available?"]
    pages.record(
        *(message(A, f"ca-{n}", text, replies=[CANNOT], minutes_ago=10 + n) for n, text in enumerate(asked))
    )
    pages.record(
        message(A, "wrap", "Do you gift wrap? mail me at jo@example.com", replies=[CANNOT], minutes_ago=5),
        message(A, "fine", "where is order 12345", replies=["Order #12345 is Shipped."], minutes_ago=4),
    )
    pages.record(message(B, "b-1", "Do you sell saddles for unicorns?", replies=[CANNOT]))
    ops = pages.user(A, "ops@a.example")
    ops.get(f"/admin/stores/{A}/insights", days="7")  # the first view hands the questions to the grouper
    pages.client.portal.call(pages.console.question_grouper().settled, A)  # type: ignore[union-attr]
    page = ops.get(f"/admin/stores/{A}/insights", days="7").text
    rows = re.findall(r'<td class="count">(\d+)</td><td class="example">([^<]*)</td>', page)
    assert [int(count) for count, _ in rows] == [3, 1]
    assert rows[0][1] in asked and rows[1][1] == "Do you gift wrap? mail me at [email]"
    assert "jo@example.com" not in page and "unicorns" not in page and "where is order" not in page
    assert "4 messages in this period." in page
    # the four dead ends are four unresolved conversations of five, and the page says what resolved means
    assert re.search(r'id="fig-dead-ends">4 \(80.0%\), 4 unanswered messages<', page)
    assert re.search(r'id="fig-resolved">1 \(20.0%\)<', page)
    assert "without a handoff, without a dead end and without an error" in page
    csv_text = ops.get(f"/admin/stores/{A}/insights", days="7", format="csv").text
    assert (
        f"unanswered:{rows[0][1]},3" in csv_text
        and "unanswered:Do you gift wrap? mail me at [email],1" in csv_text
    )
    clerk = pages.user(B, "clerk@b.example")
    clerk.get(f"/admin/stores/{B}/insights", days="7")
    pages.client.portal.call(pages.console.question_grouper().settled, B)  # type: ignore[union-attr]
    other = clerk.get(f"/admin/stores/{B}/insights", days="7").text
    assert re.findall(r'<td class="count">(\d+)</td>', other) == ["1"] and "Canada" not in other


def test_the_console_clusters_with_the_model_serve_already_loaded(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from agent.console.config import ConsoleConfig
    from agent.console.context import ConsoleContext
    from agent.settings import Settings

    model = object()
    served = SimpleNamespace(
        agent=SimpleNamespace(context=SimpleNamespace(nlu=SimpleNamespace(embedder=model)))
    )
    console = ConsoleContext(Settings(home=tmp_path), ConsoleConfig(), state=None)  # type: ignore[arg-type]
    assert console.embedding_model(SimpleNamespace(stores={"abc": served})) is model
    assert console.embedding_model() is model and console.embedder is model  # kept (the syncs use it too)


class Gated:
    """The real model behind a gate: ``encode`` waits until the test opens it (a slow model, no clock)."""

    def __init__(self, model: Any) -> None:
        import threading

        self.model = model
        self.gate = threading.Event()
        self.embedded: list[str] = []

    @staticmethod
    def name() -> str:
        return "gated-minilm"

    def encode(self, texts: list[str]) -> Any:
        self.gate.wait()
        self.embedded += texts
        return self.model.encode(texts)


def test_the_page_answers_with_what_is_grouped_while_the_rest_is_embedded(
    tmp_path: Path, embedder: Any
) -> None:
    gated = Gated(embedder)
    pages_iter = pages_app(tmp_path / "home", embedder=gated)
    pages = next(pages_iter)
    try:
        grouper = pages.console.question_grouper()
        grouper.wait_seconds = 0.01  # the page's wait; nothing below depends on it
        pages.connect(A)
        asked = ["Do you ship to Canada?", "can you deliver to canada"]
        pages.record(
            *(
                message(A, f"ca-{n}", text, replies=[CANNOT], minutes_ago=10 + n)
                for n, text in enumerate(asked)
            )
        )
        ops = pages.user(A, "ops@a.example")
        first = ops.get(f"/admin/stores/{A}/insights", days="7")
        assert first.status_code == 200  # answered while the model is still busy
        assert 'id="unanswered-pending" role="status">2 more being grouped' in first.text
        assert (
            "No unanswered question in this period." not in first.text and 'id="unanswered"' not in first.text
        )
        gated.gate.set()
        pages.client.portal.call(grouper.settled, A)  # type: ignore[union-attr]
        done = ops.get(f"/admin/stores/{A}/insights", days="7").text
        assert re.findall(r'<td class="count">(\d+)</td>', done) == ["2"] and "being grouped" not in done
        # two more arrive while the model is busy again: the two grouped are shown, the others counted
        gated.gate.clear()
        pages.record(
            message(A, "wrap-1", "Do you gift wrap?", replies=[CANNOT], minutes_ago=3),
            message(A, "wrap-2", "gift wrapping available?", replies=[CANNOT], minutes_ago=2),
        )
        partial = ops.get(f"/admin/stores/{A}/insights", days="7").text
        assert re.findall(r'<td class="count">(\d+)</td>', partial) == ["2"]
        assert 'id="unanswered-pending" role="status">2 more being grouped:' in partial
        gated.gate.set()
        pages.client.portal.call(grouper.settled, A)  # type: ignore[union-attr]
        final = ops.get(f"/admin/stores/{A}/insights", days="7").text
        assert sorted(re.findall(r'<td class="count">(\d+)</td>', final)) == ["2", "2"]
        assert sorted(gated.embedded) == sorted(
            [*asked, "Do you gift wrap?", "gift wrapping available?"]
        )  # once each
    finally:
        gated.gate.set()  # the worker thread must not outlive the app
        next(pages_iter, None)
