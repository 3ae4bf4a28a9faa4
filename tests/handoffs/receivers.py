"""Real receivers on loopback for the delivery tests: an SMTP server (aiosmtpd's controller) that keeps
the messages it accepts (or refuses them while ``refuse`` is set), and an HTTP endpoint that checks each
webhook's signature with the Standard Webhooks library and keeps the verified bodies."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook

from agent.ports import free_port


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int, Controller]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port, controller
    finally:
        controller.stop()


@dataclass
class Hooks:
    secret: str
    received: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    bad_signatures: int = 0
    answer: int = 200


@contextmanager
def webhook_receiver(secret: str) -> Iterator[tuple[Hooks, str]]:
    hooks = Hooks(secret)  # ``hooks.secret`` may change (a rotated secret): each delivery is checked with it

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = Webhook(hooks.secret).verify(body, headers)
            except Exception:
                hooks.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            if hooks.answer == 200:
                hooks.received.append(payload)
                hooks.ids.append(headers["webhook-id"])
            self.send_response(hooks.answer)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks, f"http://127.0.0.1:{port}/hooks/handoff"
    finally:
        server.shutdown()
        server.server_close()


def body_json(raw: bytes) -> Any:
    return json.loads(raw)
