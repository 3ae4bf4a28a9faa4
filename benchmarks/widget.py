"""Benchmark: the storefront widget before and after a change, in the same run: its size (script + CSS,
raw and gzipped) and the time from pressing Send to the first visible text of the reply, in headless
Chromium against one real `bcagent serve` (offline model) and the sandbox on loopback.

"Before" is the widget at a git revision (default: the commit before structured replies), "after" is the
working tree. Both are served as `/widget.js` is (the stylesheet inlined), swapped in by Playwright on the
same demo page; their turns alternate (ABBA) so a busy machine slows both alike. The visible-text time is taken
in the page (a MutationObserver on the widget's conversation, from the Enter key press), so it does not
depend on either version's own performance marks.

    python benchmarks/widget.py [--before a064549] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

# This file sits next to benchmarks/ingest.py, named like a package: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agent.ports import free_port  # noqa: E402
from agent.server import app as serve_app  # noqa: E402
from agent.server import run as serve_run  # noqa: E402
from agent.server.widget_pages import CSS_PLACEHOLDER  # noqa: E402
from agent.settings import ServeSettings, Settings  # noqa: E402
from agent.store.connect import connect_store  # noqa: E402
from agent.store.connections import ConnectionStore, Secret  # noqa: E402
from sandbox.app import Sandbox  # noqa: E402
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.state import SandboxStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STATIC = "agent/server/static"
QUESTION = "Where is my order #12345? jane.doe@example.com"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]

# In the page: the time from the Enter key press in the widget's textarea to the first reply text shown.
WATCH = """() => {
  const root = document.querySelector('bcagent-chat').shadowRoot;
  const log = root.querySelector('.log'), box = root.querySelector('textarea');
  window.__sent = null; window.__visible = null;
  box.addEventListener('keydown', e => { if (e.key === 'Enter') window.__sent = performance.now(); }, true);
  new MutationObserver(() => {
    if (window.__sent === null || window.__visible !== null) return;
    const bots = [...log.querySelectorAll('li.msg.bot:not(.greeting)')];
    if (bots.some(li => li.textContent.includes('12345'))) window.__visible = performance.now() - window.__sent;
  }).observe(log, {childList: true, subtree: true, characterData: true});
}"""


def version(revision: str | None) -> tuple[str, str]:
    """(widget.js, widget.css) at ``revision``, or in the working tree."""
    if revision is None:
        return tuple(
            (ROOT / STATIC / name).read_text(encoding="utf-8") for name in ("widget.js", "widget.css")
        )  # type: ignore[return-value]

    def show(name: str) -> str:
        return subprocess.run(
            ["git", "show", f"{revision}:{STATIC}/{name}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    return show("widget.js"), show("widget.css")


def served_script(script: str, css: str) -> str:
    return script.replace(CSS_PLACEHOLDER, json.dumps(css), 1)


def sizes(script: str, css: str) -> tuple[int, int]:
    data = (script + css).encode()
    return len(data), len(gzip.compress(data, compresslevel=9))


def one_turn(browser: Any, base_url: str, script: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.route("**/widget.js", lambda route: route.fulfill(body=script, content_type="text/javascript"))
        page.goto(base_url + "/")
        page.wait_for_selector("bcagent-chat[data-state=ready]", state="attached", timeout=30_000)
        page.locator("bcagent-chat button.launcher").click()
        page.evaluate(WATCH)
        box = page.locator("bcagent-chat textarea")
        box.fill(QUESTION)
        box.press("Enter")
        page.wait_for_function("window.__visible !== null", timeout=60_000)
        visible: float = page.evaluate("window.__visible")
        return visible
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="a064549", help="git revision of the 'before' widget")
    parser.add_argument("--rounds", type=int, default=10, help="turns per version (alternating, ABBA)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    versions = {"before": version(args.before), "after": version(None)}
    home = Path(tempfile.mkdtemp(prefix="bcagent-widget-bench-"))
    demo = SandboxStore.from_data(generate_demo_store(20, seed=0))
    with SandboxServer(Sandbox([demo], quota=10**6)) as sandbox:
        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API keeps a loop running in this thread
            pool.submit(
                asyncio.run,
                connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), sandbox.base_url, ConnectionStore(home)),
            ).result()
        port = free_port()
        app = serve_app.create_app(Settings(home=home, serve=ServeSettings(port=port)))
        with serve_run.BackgroundServer(app, port=port) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            scripts = {name: served_script(*files) for name, files in versions.items()}
            one_turn(browser, server.base_url, scripts["after"])  # warm up the server and the browser
            times: dict[str, list[float]] = {"before": [], "after": []}
            for round_number in range(args.rounds):  # ABBA: neither version always goes first
                for name in ("before", "after") if round_number % 2 == 0 else ("after", "before"):
                    times[name].append(one_turn(browser, server.base_url, scripts[name]))
            browser.close()
    print(
        f"widget before ({args.before}) and after (working tree), {args.rounds} order-status turns each, ABBA order"
    )
    for name in ("before", "after"):
        raw, zipped = sizes(*versions[name])
        values = sorted(times[name])
        print(
            f"{name:6}  size {raw:6d} B raw, {zipped:6d} B gzipped   Send -> first visible text: "
            f"p50 {statistics.median(values):6.0f} ms, min {values[0]:5.0f}, max {values[-1]:5.0f}"
        )
    b_zip, a_zip = sizes(*versions["before"])[1], sizes(*versions["after"])[1]
    ratio = statistics.median(times["after"]) / statistics.median(times["before"])
    print(
        f"after / before: gzipped size {a_zip / b_zip:.2f}x (budget 30720 B), first visible text p50 {ratio:.2f}x"
    )


if __name__ == "__main__":
    main()
