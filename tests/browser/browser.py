"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright (never a
downloaded browser), the widget's measurements, and the small page helpers the tests share."""

from __future__ import annotations

import gzip
import os
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("BCAGENT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STATIC = Path(__file__).resolve().parents[2] / "agent" / "server" / "static"
OUTPUT = Path(
    os.environ.get("BCAGENT_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-output" / "browser")
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}


def chromium_or_skip() -> str:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    return CHROMIUM


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)


@dataclass
class Measurements:
    """What the suite prints at the end: p50 of the widget's own performance measures over every turn."""

    ready_ms: list[float] = field(default_factory=list)
    first_text_ms: list[float] = field(default_factory=list)
    reply_ms: list[float] = field(default_factory=list)

    def collect(self, page: Any) -> None:
        """Take the page's measures (each once: the page is about to be left or closed)."""
        entries = page.evaluate(
            """() => ({
              ready: performance.getEntriesByName('bcagent:ready').map(e => e.startTime),
              first: performance.getEntriesByName('bcagent:first-text').map(e => e.duration),
              reply: performance.getEntriesByName('bcagent:reply').map(e => e.duration)})"""
        )
        self.ready_ms += entries["ready"]
        self.first_text_ms += entries["first"]
        self.reply_ms += entries["reply"]

    def lines(self) -> list[str]:
        def p50(values: list[float]) -> str:
            return f"{statistics.median(values):.0f} ms (n={len(values)})" if values else "n/a"

        raw, zipped = widget_size()
        return [
            f"page load -> widget ready:  p50 {p50(self.ready_ms)}",
            f"Send -> first text:         p50 {p50(self.first_text_ms)}",
            f"Send -> final reply:        p50 {p50(self.reply_ms)}",
            f"widget size (script + CSS): {raw} bytes raw, {zipped} bytes gzipped (goal < 30720 gzipped)",
        ]


MEASUREMENTS = Measurements()


def widget_size() -> tuple[int, int]:
    data = (STATIC / "widget.js").read_bytes() + (STATIC / "widget.css").read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9))


def widget(page: Any) -> Any:
    """The widget's host element (Playwright's CSS selectors pierce its open shadow root)."""
    return page.locator("bcagent-chat")


def wait_ready(page: Any, state: str = "ready") -> None:
    page.wait_for_selector(f"bcagent-chat[data-state={state}]", state="attached", timeout=20_000)


def wait_idle(page: Any, timeout: float = 60_000) -> None:
    """Until the widget is not running a turn."""
    page.wait_for_selector("bcagent-chat[data-busy=false]", state="attached", timeout=timeout)


def bot_texts(page: Any) -> list[str]:
    """The assistant's bubbles as a shopper reads them (without the screen-reader prefix, the buttons, the
    quick-reply chips and the timestamp shown on hover)."""
    texts: list[str] = page.locator("bcagent-chat li.msg.bot").evaluate_all(
        "els => els.map(e => { const c = e.cloneNode(true);"
        " c.querySelectorAll('.sr, .confirm, .ts, .chips').forEach(n => n.remove()); return c.textContent; })"
    )
    return texts


def turns(page: Any) -> int:
    """How many turns (messages, answers) the widget has finished, well or not."""
    return int(page.evaluate("Number(document.querySelector('bcagent-chat').dataset.turns || 0)"))


def wait_turns(page: Any, count: int, timeout: float = 60_000) -> None:
    page.wait_for_function(
        f"Number(document.querySelector('bcagent-chat').dataset.turns || 0) >= {count}", timeout=timeout
    )


def send(page: Any, text: str) -> None:
    """Type ``text``, press Enter, and wait for the turn to end."""
    before = turns(page)
    page.locator("bcagent-chat textarea").fill(text)
    page.locator("bcagent-chat textarea").press("Enter")
    wait_turns(page, before + 1)


def storage(page: Any) -> dict[str, Any]:
    """The widget's saved thread (id, secret) from localStorage."""
    value = page.evaluate(
        "() => { for (const k of Object.keys(localStorage)) if (k.startsWith('bcagent:') && !k.endsWith(':open'))"
        " return JSON.parse(localStorage.getItem(k)); return null; }"
    )
    assert isinstance(value, dict), "the widget saved no thread"
    return value


def shot(page: Any, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path))
    return path
