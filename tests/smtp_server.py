"""A pytest plugin: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    """One email as the server got it."""

    to: str
    subject: str
    body: str
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """A running aiosmtpd server and the messages it has received so far."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port = free_port()
        self._messages: list[Received] = []
        self._lock = threading.Condition()
        self._controller = Controller(self, hostname=self.host, port=self.port)

    @property
    def messages(self) -> list[Received]:
        """Return a copy of the messages received so far, in arrival order."""
        with self._lock:
            return list(self._messages)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Parse and keep one message (aiosmtpd's handler hook)."""
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        part = parsed.get_body(("plain",))
        # SMTP carries CRLF line ends; tests compare with the text as it was written.
        body = part.get_content().replace("\r\n", "\n") if part is not None else ""
        received = Received(
            to=str(parsed["To"]),
            subject=str(parsed["Subject"]),
            body=body,
            sender=envelope.mail_from,
            recipients=tuple(envelope.rcpt_tos),
            message=parsed,
        )
        with self._lock:
            self._messages.append(received)
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5) -> list[Received]:
        """Wait until at least `count` messages arrived; return them or fail the test."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"expected {count} emails, got {len(self._messages)}")
                self._lock.wait(left)
            return list(self._messages)

    def start(self) -> None:
        """Start listening."""
        self._controller.start()

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 and a free port, for one test."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
