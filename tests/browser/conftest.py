"""Browser-test set-up: one headless Chromium per session, a page per test (fresh storage), and the
measurements printed at the end of the run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from .browser import DESKTOP, MEASUREMENTS, launch


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


class PageErrors(list[str]):
    """Uncaught exceptions of the page (the store's page and the widget share one window)."""


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """``new_page(viewport=...)`` -> a page in a fresh context; ``page.errors`` lists uncaught errors."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, **options: Any) -> Any:
        context = chromium.new_context(viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = PageErrors()
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            # a page that navigated away or crashed has nothing more to give
            with contextlib.suppress(Exception):
                MEASUREMENTS.collect(page)
        context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if MEASUREMENTS.ready_ms or MEASUREMENTS.reply_ms:
        terminalreporter.section("storefront widget, measured in Chromium")
        for line in MEASUREMENTS.lines():
            terminalreporter.write_line(line)
