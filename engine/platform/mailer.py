"""Ways to send one plain-text email: SMTP for real, the console for development."""

from __future__ import annotations

import smtplib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import MappingProxyType
from typing import Any, Protocol, TextIO

# What a failed send raises: SMTP refusals and network trouble (refused, timeout, DNS).
SEND_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)
# Tries of one message before it is failed for a person to judge (MAIL_MAX_ATTEMPTS).
MAX_ATTEMPTS = 5
# The outgoing-mail settings of an app's config and their defaults: app.py starts from
# these, and a config that leaves one out (a test's) gets the same value here.
MAIL_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 25,
        "SMTP_TIMEOUT": 10,
        "MAIL_MAX_ATTEMPTS": MAX_ATTEMPTS,
    }
)


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email, made when the email is sent."""

    filename: str
    content_type: str  # e.g. application/pdf
    data: bytes


class Mailer(Protocol):
    """Something that sends one email or raises one of SEND_ERRORS."""

    def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> None:
        """Send one plain-text email, with any files attached."""


def _one_line(value: str) -> str:
    # A line break in a header would let message text forge headers; fold it away.
    return " ".join(value.split())


def build_message(
    sender: str, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """Return a plain-text UTF-8 message with the usual headers and any attachments."""
    message = EmailMessage()
    message["From"] = _one_line(sender)
    message["To"] = _one_line(to)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid()
    message.set_content(body, charset="utf-8")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


class SmtpMailer:
    """Send through an SMTP server, one connection per message."""

    def __init__(
        self,
        host: str,
        port: int,
        timeout: float,
        sender: str,
        starttls: bool = False,
        username: str = "",
        password: str = "",
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sender = sender
        self.starttls = starttls
        self.username = username
        self.password = password

    def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> None:
        """Send one plain-text email; raise smtplib.SMTPException or OSError on failure."""
        message = build_message(self.sender, to, subject, body, attachments)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


class ConsoleMailer:
    """Print each email instead of sending it (for `make run` and demos)."""

    def __init__(self, stream: TextIO | None = None, sender: str = "") -> None:
        # None means "sys.stdout at the time of sending", so captured output still works.
        self.stream = stream
        self.sender = sender

    def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> None:
        """Write the email to the stream (attachments by name and size)."""
        out = self.stream or sys.stdout
        rule = "-" * 72
        print(rule, file=out)
        if self.sender:
            print(f"From: {self.sender}", file=out)
        print(f"To: {_one_line(to)}", file=out)
        print(f"Subject: {_one_line(subject)}", file=out)
        print(file=out)
        print(body.rstrip("\n"), file=out)
        for attachment in attachments:
            print(f"[attached: {attachment.filename}, {len(attachment.data)} bytes]", file=out)
        print(rule, file=out, flush=True)


def mailer_from_config(config: Mapping[str, Any]) -> Mailer:
    """Return the mailer MAIL_BACKEND names: "smtp" (the default) or "console"."""
    backend = str(_setting(config, "MAIL_BACKEND")).lower()
    sender = str(config.get("MAIL_FROM", ""))
    if backend == "console":
        return ConsoleMailer(sender=sender)
    if backend == "smtp":
        return SmtpMailer(
            host=str(_setting(config, "SMTP_HOST")),
            port=int(_setting(config, "SMTP_PORT")),
            timeout=float(_setting(config, "SMTP_TIMEOUT")),
            sender=sender,
            starttls=_flag(config.get("SMTP_STARTTLS", False)),
            username=str(config.get("SMTP_USERNAME", "")),
            password=str(config.get("SMTP_PASSWORD", "")),
        )
    raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'console', not {backend!r}.")


def max_attempts(config: Mapping[str, Any]) -> int:
    """Return how many times a message is tried before it is failed (MAIL_MAX_ATTEMPTS)."""
    return int(_setting(config, "MAIL_MAX_ATTEMPTS"))


def _setting(config: Mapping[str, Any], name: str) -> Any:
    return config.get(name, MAIL_DEFAULTS[name])


def _flag(value: Any) -> bool:
    # FORMFLOW_SMTP_STARTTLS=true arrives parsed as JSON, but accept strings too.
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
