"""Delivering the outbox through a real SMTP server: sending, retrying, never twice."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from engine.platform.clock import utcnow
from engine.platform.db import Database
from engine.platform.mailer import ConsoleMailer, Mailer, SmtpMailer, mailer_from_config
from engine.platform.models import OutboxMessage
from engine.platform.outbox import (
    EMAIL,
    Claimed,
    DeliveryReport,
    EmailSender,
    Sender,
    deliver_pending,
    fail_interrupted,
    send_again,
)
from engine.platform.web.outbox_hook import MAILER_EXTENSION, deliver_after_commit
from tests.smtp_server import SmtpServer, free_port

SENDER = "Renewal Units <no-reply@opi.example.gov>"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated, empty database."""
    database = Database(database_url)
    yield database
    database.dispose()


def smtp(server: SmtpServer) -> SmtpMailer:
    """A mailer pointed at the test server."""
    return SmtpMailer(server.host, server.port, timeout=5, sender=SENDER)


def emails(mailer: Mailer) -> dict[str, Sender]:
    """The senders of a delivery run that sends email through this mailer."""
    return {EMAIL: EmailSender(mailer)}


def enqueue(db: Database, count: int = 1, subject: str = "Message") -> list[int]:
    """Write pending outbox rows; return their ids."""
    with db.transaction() as session:
        rows = [
            OutboxMessage(
                template="test",
                to_addr=f"person{n}@example.org",
                subject=f"{subject} {n}",
                body=f"Hello {n}.\nCafé — déjà vu.\n",
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def rows(db: Database) -> list[OutboxMessage]:
    """Every outbox row, oldest first."""
    with db.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_pending_mail_is_sent_and_marked(db: Database, smtp_server: SmtpServer) -> None:
    enqueue(db, 2)
    report = deliver_pending(db, emails(smtp(smtp_server)))
    assert report == DeliveryReport(sent=2, failed=0, skipped=0)
    first, second = smtp_server.wait_for(2)
    assert (first.to, first.subject) == ("person0@example.org", "Message 0")
    assert first.body == "Hello 0.\nCafé — déjà vu.\n"
    assert first.recipients == ("person0@example.org",)
    assert first.sender == "no-reply@opi.example.gov"
    assert second.subject == "Message 1"
    for row in rows(db):
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
        assert row.sent_at is not None


def test_sent_mail_is_not_sent_again(db: Database, smtp_server: SmtpServer) -> None:
    enqueue(db, 1)
    deliver_pending(db, emails(smtp(smtp_server)))
    assert deliver_pending(db, emails(smtp(smtp_server))) == DeliveryReport()
    assert len(smtp_server.wait_for(1)) == 1


def test_limit_sends_the_oldest_first(db: Database, smtp_server: SmtpServer) -> None:
    enqueue(db, 3)
    assert deliver_pending(db, emails(smtp(smtp_server)), limit=2).sent == 2
    assert [r.status for r in rows(db)] == ["sent", "sent", "pending"]


def test_retry_after_the_server_was_down(db: Database, smtp_server: SmtpServer) -> None:
    enqueue(db, 1)
    down = SmtpMailer("127.0.0.1", free_port(), timeout=2, sender=SENDER)
    assert deliver_pending(db, emails(down)) == DeliveryReport(failed=1)
    [row] = rows(db)
    assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
    assert "ConnectionRefusedError" in row.last_error
    assert deliver_pending(db, emails(smtp(smtp_server))) == DeliveryReport(sent=1)
    [row] = rows(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert smtp_server.wait_for(1)[0].subject == "Message 0"


def test_gives_up_after_max_attempts(db: Database) -> None:
    enqueue(db, 1)
    down = SmtpMailer("127.0.0.1", free_port(), timeout=2, sender=SENDER)
    for _ in range(3):
        deliver_pending(db, emails(down), max_attempts=3)
    [row] = rows(db)
    assert (row.status, row.attempts) == ("failed", 3)
    assert deliver_pending(db, emails(down), max_attempts=3) == DeliveryReport()


def test_a_broken_message_fails_visibly_and_the_rest_go(
    db: Database, smtp_server: SmtpServer
) -> None:
    enqueue(db, 2)
    real = smtp(smtp_server)

    class Picky:
        def send(self, to: str, subject: str, body: str, attachments: object = ()) -> None:
            if subject.endswith("0"):
                raise RuntimeError("cannot render")
            real.send(to, subject, body)

    assert deliver_pending(db, emails(Picky())) == DeliveryReport(sent=1, failed=1)
    first, second = rows(db)
    assert (first.status, second.status) == ("failed", "sent")
    assert "RuntimeError: cannot render" in first.last_error


def test_each_row_goes_to_the_sender_of_its_kind(db: Database, smtp_server: SmtpServer) -> None:
    email_id, other_id, unknown_id = enqueue(db, 3)
    with db.transaction() as session:
        for message_id, kind in ((other_id, "webhook"), (unknown_id, "carrier_pigeon")):
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id).values(kind=kind)
            )
    posted: list[Claimed] = []
    senders = {**emails(smtp(smtp_server)), "webhook": posted.append}
    assert deliver_pending(db, senders) == DeliveryReport(sent=2, failed=1)
    assert [m.to for m in smtp_server.wait_for(1)] == ["person0@example.org"]
    assert [(m.id, m.kind, m.to) for m in posted] == [(other_id, "webhook", "person1@example.org")]
    statuses = {row.id: (row.kind, row.status) for row in rows(db)}
    assert statuses == {
        email_id: ("email", "sent"),
        other_id: ("webhook", "sent"),
        unknown_id: ("carrier_pigeon", "failed"),
    }
    [unknown] = [row for row in rows(db) if row.id == unknown_id]
    assert "no sender for messages of the kind 'carrier_pigeon'" in unknown.last_error


def test_a_row_claimed_by_another_deliverer_is_skipped(
    db: Database, smtp_server: SmtpServer
) -> None:
    # The first send runs a whole second deliverer, which claims every other row
    # between the first deliverer's SELECT and its UPDATEs: a deterministic race.
    enqueue(db, 4)
    real = smtp(smtp_server)
    inner: list[DeliveryReport] = []

    class Interloper:
        def send(self, to: str, subject: str, body: str, attachments: object = ()) -> None:
            if not inner:
                inner.append(deliver_pending(db, emails(real)))
            real.send(to, subject, body)

    outer = deliver_pending(db, emails(Interloper()))
    assert outer == DeliveryReport(sent=1, skipped=3)
    assert inner == [DeliveryReport(sent=3)]
    received = smtp_server.wait_for(4)
    assert sorted(m.subject for m in received) == [f"Message {n}" for n in range(4)]


def test_two_concurrent_deliverers_never_send_twice(db: Database, smtp_server: SmtpServer) -> None:
    count = 40
    enqueue(db, count)
    start = threading.Barrier(2)
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            reports.append(deliver_pending(db, emails(smtp(smtp_server))))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(r.sent for r in reports) == count
    assert sum(r.failed for r in reports) == 0
    received = smtp_server.wait_for(count)
    subjects = [m.subject for m in received]
    assert len(subjects) == count
    assert len(set(subjects)) == count
    assert all(r.status == "sent" and r.attempts == 1 for r in rows(db))


def test_console_mailer_prints_the_message() -> None:
    out = io.StringIO()
    ConsoleMailer(out, sender=SENDER).send("pat@example.org", "Hello\nBcc: x", "Body line.\n")
    text = out.getvalue()
    assert "To: pat@example.org" in text
    assert "Subject: Hello Bcc: x" in text
    assert f"From: {SENDER}" in text
    assert "Body line." in text


def test_mailer_from_config_picks_the_backend() -> None:
    console = mailer_from_config({"MAIL_BACKEND": "console", "MAIL_FROM": SENDER})
    assert isinstance(console, ConsoleMailer)
    real = mailer_from_config(
        {
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "mail.example",
            "SMTP_PORT": 2525,
            "MAIL_FROM": "x@y.z",
        }
    )
    assert isinstance(real, SmtpMailer)
    assert (real.host, real.port, real.sender) == ("mail.example", 2525, "x@y.z")
    with pytest.raises(ValueError, match="MAIL_BACKEND"):
        mailer_from_config({"MAIL_BACKEND": "carrier-pigeon"})


def test_header_injection_is_folded_away(db: Database, smtp_server: SmtpServer) -> None:
    smtp(smtp_server).send("pat@example.org", "Hi\r\nBcc: victim@example.org", "Body.")
    [received] = smtp_server.wait_for(1)
    assert received.subject == "Hi Bcc: victim@example.org"
    assert received.message["Bcc"] is None
    assert received.recipients == ("pat@example.org",)


def test_hook_delivers_with_the_apps_mailer(app: Flask, smtp_server: SmtpServer) -> None:
    app.config["SMTP_PORT"] = smtp_server.port
    db = app.extensions["formflow"].db
    enqueue(db, 1)
    with app.app_context():
        assert deliver_after_commit() == DeliveryReport(sent=1)
    assert smtp_server.wait_for(1)[0].subject == "Message 0"


def test_hook_never_raises(app: Flask) -> None:
    db = app.extensions["formflow"].db
    enqueue(db, 1)
    with app.app_context():
        # Nothing listens on the test config's SMTP port: logged, kept pending.
        assert deliver_after_commit() == DeliveryReport(failed=1)

        class Exploding:
            def send(self, to: str, subject: str, body: str, attachments: object = ()) -> None:
                raise RuntimeError("boom")

        app.extensions[MAILER_EXTENSION] = Exploding()
        assert deliver_after_commit() == DeliveryReport(failed=1)
        app.config["MAIL_MAX_ATTEMPTS"] = "not a number"
        assert deliver_after_commit() is None
    assert [r.status for r in rows(db)] == ["failed"]


def test_outbox_cli(app: Flask, smtp_server: SmtpServer) -> None:
    app.config["SMTP_PORT"] = smtp_server.port
    enqueue(app.extensions["formflow"].db, 2)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "list"])
    assert listed.exit_code == 0, listed.output
    assert "pending" in listed.output and "Message 1" in listed.output
    delivered = runner.invoke(args=["outbox", "deliver"])
    assert delivered.exit_code == 0, delivered.output
    assert "Sent 2, failed 0, skipped 0." in delivered.output
    assert len(smtp_server.wait_for(2)) == 2


def test_an_interrupted_send_fails_visibly_and_is_never_resent_by_itself(
    db: Database, smtp_server: SmtpServer
) -> None:
    stuck, fresh = enqueue(db, 2)
    with db.transaction() as session:
        # One deliverer died mid-send an hour ago; another is sending right now.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == stuck)
            .values(status="sending", attempts=1, claimed_at=utcnow() - timedelta(hours=1))
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == fresh)
            .values(status="sending", attempts=1, claimed_at=utcnow())
        )
    assert fail_interrupted(db, timedelta(minutes=15)) == 1
    assert fail_interrupted(db, timedelta(minutes=15)) == 0
    first, second = rows(db)
    assert (first.status, second.status) == ("failed", "sending")
    assert "may or may not have arrived" in first.last_error
    assert deliver_pending(db, emails(smtp(smtp_server))).sent == 0
    assert smtp_server.messages == []
    # A person decides it must go: it is queued once, and sent once.
    with db.transaction() as session:
        assert send_again(session, stuck)
        assert not send_again(session, fresh)  # only a failed row can be queued again
    assert deliver_pending(db, emails(smtp(smtp_server))).sent == 1
    assert [m.to for m in smtp_server.messages] == ["person0@example.org"]


def test_an_admin_sends_a_failed_email_again(app: Flask, smtp_server: SmtpServer) -> None:
    from tests.web.helpers import make_user, post, sign_in

    db = app.extensions["formflow"].db
    (message_id,) = enqueue(db, 1)
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(status="failed")
        )
    make_user(app, "admin@example.org", "admin")
    client = app.test_client()
    sign_in(client, "admin@example.org")
    page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert "Send it again" in page
    response = post(client, f"/admin/outbox/{message_id}/send-again", {})
    assert response.status_code == 302
    assert rows(db)[0].status == "pending"
    again = post(client, f"/admin/outbox/{message_id}/send-again", {})
    assert "Only a failed email" in client.get(again.headers["Location"]).get_data(as_text=True)
