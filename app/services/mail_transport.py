"""Where mail goes: an SMTP server (SMTP_URL), or .eml files in a folder when none is set, so a
newcomer running the service locally can read what it sent."""

import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

_ADDRESS = re.compile(r"[^\s<>\"']+@[^\s<>\"']+")


def scrub(text: str) -> str:
    """An error's text without e-mail addresses, fit for a log line."""
    return _ADDRESS.sub("<address>", text)[:500]


class Permanent(Exception):
    """The server refused the message for good (a 5xx for its recipient): retrying will not help."""


class Transport(Protocol):
    """Delivers one message; raises if it could not (Permanent if it never will)."""

    logs_links: bool  # a local transport: the sender logs the links for whoever runs it

    def deliver(self, message: EmailMessage, name: str) -> str:
        """Deliver; return where the message went, for the log."""
        ...


class SmtpTransport:
    """smtp://user:password@host:587 with STARTTLS (required whenever a password is sent), or
    smtps://host:465 with TLS from the start. Certificates are checked against the system's CAs."""

    logs_links = False

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password or "")
        self.timeout = timeout

    def __repr__(self) -> str:  # never the password
        return (
            f"SmtpTransport({'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port})"
        )

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif self.user:
            client.close()
            raise smtplib.SMTPNotSupportedError(
                f"{self.host}:{self.port} offers no STARTTLS; a password is never sent in clear"
            )
        return client

    def deliver(self, message: EmailMessage, name: str) -> str:
        with self._connect() as client:
            if self.user:
                client.login(self.user, self.password)
            try:
                client.send_message(message)
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _text in error.recipients.values()]
                if all(code >= 500 for code in codes):
                    raise Permanent(f"recipient refused ({', '.join(map(str, codes))})") from None
                raise
        return f"{self.host}:{self.port}"


class FolderTransport:
    """Each message as an .eml file in a folder (written aside, then renamed into place)."""

    logs_links = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"FolderTransport({self.folder})"

    def deliver(self, message: EmailMessage, name: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{name}.eml"
        handle, aside = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(message.as_bytes())
        os.replace(aside, target)
        return str(target)


def transport_for(smtp_url: str | None, outbox_dir: Path) -> Transport:
    return SmtpTransport(smtp_url) if smtp_url else FolderTransport(outbox_dir)
