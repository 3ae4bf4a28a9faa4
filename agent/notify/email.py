"""Email over SMTP with aiosmtplib: ``BCAGENT_SMTP_URL`` = ``smtp://user:pass@host:port`` (STARTTLS when
the server offers it) or ``smtps://...`` (TLS from the first byte).

``SmtpSender.send`` sends one ``EmailMessage``; a refusal or a dead server raises ``EmailFailed`` with a
sentence that never carries the password (the URL is never shown whole). Whoever calls it decides
about retries (the outbox does).
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib


class EmailFailed(Exception):
    """The message was not accepted; ``permanent`` when retrying cannot help (a 5xx refusal)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSender:
    host: str
    port: int
    sender: str
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    tls: bool = False  # smtps: TLS from the start; else STARTTLS when offered
    timeout: float = 20.0
    validate_certs: bool = True

    @classmethod
    def from_url(cls, url: str, sender: str | None = None, timeout: float = 20.0) -> SmtpSender:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("the SMTP URL must look like smtp://user:pass@host:587")
        tls = parts.scheme == "smtps"
        port = parts.port or (465 if tls else 587)
        user = unquote(parts.username) if parts.username else None
        return cls(
            host=parts.hostname,
            port=port,
            sender=sender or (user if user and "@" in user else f"bcagent@{parts.hostname}"),
            username=user,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            timeout=timeout,
        )

    @property
    def where(self) -> str:
        """The server, for messages: host and port, never the credentials."""
        return f"{self.host}:{self.port}"

    def message(
        self,
        to: str,
        subject: str,
        text: str,
        *,
        reply_to: str | None = None,
        message_id: str | None = None,
        html: str | None = None,
    ) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = to
        mail["Subject"] = " ".join(subject.split())[:200]
        mail["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = message_id or email.utils.make_msgid(domain="bcagent.local")
        if reply_to:
            mail["Reply-To"] = reply_to
        mail.set_content(text)
        if html is not None:
            mail.add_alternative(html, subtype="html")
        return mail

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.tls,
                start_tls=None if not self.tls else False,
                timeout=self.timeout,
                validate_certs=self.validate_certs,
            )
        except aiosmtplib.SMTPResponseException as exc:
            raise EmailFailed(
                f"the mail server {self.where} refused the message: {exc.code} {exc.message}"[:300],
                permanent=500 <= exc.code < 600,
            ) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise EmailFailed(
                f"could not reach the mail server {self.where}: {type(exc).__name__}: {exc}"[:300]
            ) from None
