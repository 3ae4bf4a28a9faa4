"""Handoff delivery latency: 100 handoffs queued a few at a time, delivered from the outbox by the same
``Deliverer`` `bcagent serve` runs, to a real SMTP server (aiosmtpd) and a real webhook receiver on
loopback, with the SMTP server stopped for part of the run.

Prints p50 / p95 / max of handoff -> email accepted and handoff -> webhook received, how many were
delivered, and how many arrived twice (both must be 100 and 0). Latency while the server is down is the
outbox's back-off (1 s, 2 s, 5 s, ...), shown apart from the rest.

    .venv/bin/python benchmarks/handoff_delivery.py [--handoffs 100] [--down-from 30 --down-to 60]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook

from agent.handoff.delivery import Deliverer, StoreLabel, enqueue_handoff
from agent.persistence.records import open_records
from agent.ports import free_port
from agent.settings import HandoffSettings, Settings

SECRET = "whsec_" + base64.b64encode(b"benchmark-webhook-secret-32byte!").decode()


class Mail:
    def __init__(self) -> None:
        self.arrived: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        subject = next(
            (
                line
                for line in envelope.content.decode(errors="replace").splitlines()
                if line.startswith("Subject:")
            ),
            "",
        )
        number = subject.split("Request #", 1)[1].split(":", 1)[0] if "Request #" in subject else "?"
        with self.lock:
            self.arrived.setdefault(number, []).append(time.monotonic())
        return "250 OK"


def start_receiver(received: dict[str, list[float]]) -> tuple[ThreadingHTTPServer, str]:
    verifier = Webhook(SECRET)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            payload = verifier.verify(body, {k.lower(): v for k, v in self.headers.items()})
            received.setdefault(str(payload["data"]["handoff"]["id"]), []).append(time.monotonic())
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/hook"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def line(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:34} (none)"
    ms = [v * 1000 for v in values]
    return (
        f"{name:34} n={len(ms):3}  p50 {statistics.median(ms):8.1f} ms  p95 {pct(ms, 95):8.1f} ms  "
        f"max {max(ms):8.1f} ms"
    )


async def run(handoffs: int, down_from: int, down_to: int, pace: float) -> None:
    mail = Mail()
    smtp_port = free_port()
    controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    hooks: dict[str, list[float]] = {}
    receiver, url = start_receiver(hooks)
    settings = HandoffSettings(
        smtp_url=f"smtp://127.0.0.1:{smtp_port}",
        email_to="team@bench.example",
        webhook_url=url,
        webhook_secret=SECRET,
    )
    with tempfile.TemporaryDirectory() as home:
        records = await open_records(Settings(home=Path(home)), "bench", home)
        deliverer = Deliverer(records, settings, StoreLabel("bench", "Bench Store"))
        stop = asyncio.Event()
        sender = asyncio.create_task(deliverer.run(0.02, stop))
        made: dict[str, float] = {}
        down: set[str] = set()
        smtp_down = False
        for n in range(handoffs):
            if n == down_from:
                controller.stop()
                smtp_down = True
            if n == down_to and smtp_down:
                controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
                controller.start()
                smtp_down = False
            handoff = await records.handoff_requests.add(
                "bench", f"t{n}", f"handoff number {n}", "benchmark", contact_email=f"s{n}@example.com"
            )
            made[str(handoff.id)] = time.monotonic()
            if smtp_down:
                down.add(str(handoff.id))
            await enqueue_handoff(records, settings, handoff, wait_for_contact=False)
            await asyncio.sleep(pace)
        if smtp_down:
            controller = Controller(mail, hostname="127.0.0.1", port=smtp_port)
            controller.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (len(mail.arrived) < handoffs or len(hooks) < handoffs):
            await asyncio.sleep(0.1)
        stop.set()
        await sender
        health = await records.outbox.health()
        await records.aclose()
    controller.stop()
    receiver.shutdown()

    def latencies(arrivals: dict[str, list[float]], which: set[str] | None, inside: bool) -> list[float]:
        return [
            arrivals[k][0] - made[k]
            for k in made
            if k in arrivals and (which is None or ((k in which) == inside))
        ]

    dup_mail = sum(1 for v in mail.arrived.values() if len(v) > 1)
    dup_hooks = sum(1 for v in hooks.values() if len(v) > 1)
    print(
        f"{handoffs} handoffs, one every {pace * 1000:.0f} ms; SMTP server stopped for handoffs {down_from}..{down_to - 1}"
    )
    print(line("handoff -> email accepted (all)", latencies(mail.arrived, None, True)))
    print(line("  ... made while SMTP was up", latencies(mail.arrived, down, False)))
    print(line("  ... made while SMTP was down", latencies(mail.arrived, down, True)))
    print(line("handoff -> webhook received", latencies(hooks, None, True)))
    print(
        f"emails delivered {len(mail.arrived)}/{handoffs}, duplicates {dup_mail}; "
        f"webhooks delivered {len(hooks)}/{handoffs}, duplicates {dup_hooks}; "
        f"outbox: {health.sent} sent, {health.pending} pending, {health.failed} failed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--handoffs", type=int, default=100)
    parser.add_argument("--down-from", type=int, default=30)
    parser.add_argument("--down-to", type=int, default=60)
    parser.add_argument("--pace-ms", type=float, default=50.0)
    args = parser.parse_args()
    asyncio.run(run(args.handoffs, args.down_from, args.down_to, args.pace_ms / 1000))


if __name__ == "__main__":
    main()
