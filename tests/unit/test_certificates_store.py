"""Certificates in the database: numbered per event, random codes, revocation in the
history, per-date counts for reconciliation, an educator's own list, and kept like the
rest of the event's record."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine.certificates import batches
from engine.certificates import issue as issuing
from engine.certificates import issued as certs
from engine.operations import retention
from engine.platform import clock
from engine.platform.mailer import mailer_from_config
from engine.platform.models import (
    Application,
    AuditEvent,
    Certificate,
    CertificateBatch,
    OutboxMessage,
    User,
)
from engine.platform.outbox import EMAIL, EmailSender, deliver_pending
from engine.runtime.roster import Attendee
from engine.spec.layout import LayoutSpec, load_layout
from tests.unit.test_retention import _backdate, _decided, as_database_owner
from tests.web.helpers import listed_event, make_provider, make_user, sign_in, start_event

NOW = datetime(2026, 3, 18, 15)
DAY_1, DAY_2 = date(2026, 3, 16), date(2026, 3, 17)
DAYS = (DAY_1, DAY_2)
EVENT = {"title": "Teaching with Primary Sources", "event_number": "000001"}
VERIFY = "http://127.0.0.1:5000/verify"
ROOT = Path(__file__).resolve().parents[2]


def _issue(app: Flask, application_id: int, *people: Attendee) -> list[tuple[str, str]]:
    with app.extensions["formflow"].db.transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        by = session.scalar(select(User).where(User.email == "r@example.org"))
        issued = certs.issue(
            session,
            application,
            people,
            {p: {"units": "3"} for p in people},
            EVENT,
            by,
            NOW,
            VERIFY,
        )
        return [(c.number, c.code) for c in issued]


AVERY = Attendee("Avery Johnson", "avery@example.org", "MT-1", (DAY_1, DAY_2))
BLAKE = Attendee("Blake Lee", "blake@example.org", "", (DAY_2,))
AVERY_2027 = Attendee("Avery Johnson", "avery@example.org", "MT-1", (date(2027, 3, 16),))


def test_numbers_follow_on_per_event_and_codes_are_random(app: Flask) -> None:
    application_id = _decided(app)
    first = _issue(app, application_id, AVERY)
    second = _issue(app, application_id, BLAKE, Attendee("C D", "cd@example.org", "", (DAY_1,)))
    numbers = [n for n, _ in first + second]
    assert numbers == [f"{application_id:06d}-000{i}" for i in (1, 2, 3)]
    codes = [c for _, c in first + second]
    assert len(set(codes)) == 3 and all(len(c) == 10 for c in codes)
    assert all(set(c) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for c in codes)
    with app.extensions["formflow"].db.reading() as session:
        stored = certs.by_code(session, certs.shown_code(codes[0]).lower())
        assert stored is not None and stored.details == {
            **EVENT,
            "educator_name": "Avery Johnson",
            "license_number": "MT-1",
            "units": "3",
            "number": numbers[0],
            "code": certs.shown_code(codes[0]),
            "verify_url": f"{VERIFY}/{codes[0]}",
        }
        assert certs.by_code(session, "NOSUCHCODE") is None
        assert certs.by_code(session, "") is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7f3k9-q2wx4", "7F3K9Q2WX4"), (" 7F3K9 Q2WX4 ", "7F3K9Q2WX4"), ("O1IL-0", "01110")],
)
def test_a_typed_code_is_read_as_printed(typed: str, stored: str) -> None:
    assert certs.normalise_code(typed) == stored


def test_revoking_needs_a_reason_is_audited_and_leaves_the_counts(app: Flask) -> None:
    application_id = _decided(app)
    _issue(app, application_id, AVERY, BLAKE)
    db = app.extensions["formflow"].db
    with db.reading() as session:
        assert [certs.issued_between(session, application_id, d, d) for d in DAYS] == [1, 2]
    with db.transaction() as session:
        reviewer = session.scalar(select(User).where(User.email == "r@example.org"))
        assert reviewer is not None
        blake = certs.for_application(session, application_id)[1]
        with pytest.raises(certs.NotRevocable, match="Write why"):
            certs.revoke(session, blake, reviewer, "  ", NOW)
        certs.revoke(session, blake, reviewer, "Left after the first hour.", NOW)
        with pytest.raises(certs.NotRevocable, match="already revoked"):
            certs.revoke(session, blake, reviewer, "Again", NOW)
    with db.reading() as session:
        assert [certs.issued_between(session, application_id, d, d) for d in DAYS] == [1, 1]
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == certs.REVOKE_TRIGGER)
        ).one()
        assert event.from_state == event.to_state == "approved"
        assert "Blake Lee" in event.comment and "Left after the first hour." in event.comment
        mine = certs.for_educator(session, " Blake@Example.org ")
        assert [c.revoke_reason for c in mine] == ["Left after the first hour."]


def test_certificates_are_kept_with_their_event(app: Flask) -> None:
    application_id = _decided(app)
    _issue(app, application_id, AVERY)
    db = app.extensions["formflow"].db
    with pytest.raises(DBAPIError, match="retention period"):
        with db.transaction() as session:
            session.execute(
                text("DELETE FROM certificates WHERE application_id = :id"), {"id": application_id}
            )
    _backdate(app, application_id, datetime(2019, 6, 1, 12))
    svc = app.extensions["formflow"]
    with svc.db.transaction() as session:
        retention.purge(session, svc.registry, application_id, datetime.now(), "tester")
    with db.reading() as session:
        assert session.scalars(select(Certificate)).all() == []


def _listed_and_issued(app: Flask, people: list[Attendee]) -> int:
    """A listed event of 16-17 March 2027, its certificates issued on 18 March."""
    event_id = listed_event(app, app.test_client())
    svc = app.extensions["formflow"]
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        event = issuing.event_for(session, svc.registry, application, date(2027, 3, 18))
        assert event is not None
        issuing.issue_for(session, event, people, None, date(2027, 3, 18), NOW, VERIFY)
    return event_id


def _layouts() -> dict[str, LayoutSpec]:
    return {
        "certificate": load_layout(
            ROOT / "templates" / "certificates" / "certificate.yaml", ROOT / "static"
        )
    }


def test_issuing_prints_the_event_as_listed_and_each_educator_s_own_dates(app: Flask) -> None:
    both, second = (date(2027, 3, 16), date(2027, 3, 17)), (date(2027, 3, 17),)
    event_id = _listed_and_issued(
        app,
        [
            Attendee("Avery Johnson", "avery@example.org", "MT-1", both),
            Attendee("Blake Lee", "blake@example.org", "", second),
        ],
    )
    with app.extensions["formflow"].db.reading() as session:
        avery, blake = certs.for_application(session, event_id)
    common = {
        "title": "Reading coaching cycles",
        "location": "Helena High School library, 1300 Billings Avenue, Helena",
        "provider_name": "Big Sky Teacher Academy",
        "event_number": f"{event_id:06d}",
        "issue_date": "18 March 2027",
    }
    assert {k: avery.details[k] for k in common} == common
    assert avery.details["provider_number"].startswith("RUP-")
    assert (avery.details["dates"], avery.details["units"], avery.units) == (
        "16 March 2027 and 17 March 2027",
        "12",
        "12",
    )
    assert (blake.details["dates"], blake.details["units"]) == ("17 March 2027", "6")


def test_an_event_still_in_draft_issues_nothing(app: Flask) -> None:
    client = app.test_client()
    make_user(app, "jordan@bigsky.example.org")
    make_provider(app, "Big Sky Teacher Academy", "jordan@bigsky.example.org")
    sign_in(client, "jordan@bigsky.example.org")
    with clock.frozen_at(date(2027, 3, 1)):
        event_id = start_event(client)
    svc = app.extensions["formflow"]
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        event = issuing.event_for(session, svc.registry, application, date(2027, 3, 18))
        assert event is not None and not event.open
        with pytest.raises(issuing.NotIssuable, match="while the event is: Draft"):
            issuing.issue_for(session, event, [AVERY], None, date(2027, 3, 18), NOW, VERIFY)


def test_a_batch_is_made_once_page_by_page_from_stored_details(app: Flask) -> None:
    people = [
        Attendee(f"Educator {i}", f"e{i}@example.org", "", (date(2027, 3, 16),)) for i in range(60)
    ]
    event_id = _listed_and_issued(app, people)
    svc = app.extensions["formflow"]
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        revoked = certs.for_application(session, event_id)[0]
        manager = session.scalar(select(User).where(User.email == "jordan@bigsky.example.org"))
        assert manager is not None
        certs.revoke(session, revoked, manager, "Did not attend.", NOW)
        batch_id = batches.request_batch(session, application, manager).id
    assert batches.make_pending(svc.db, svc.registry, _layouts(), ROOT / "static") == 1
    # Already made: a second worker finds nothing to do.
    assert batches.make_pending(svc.db, svc.registry, _layouts(), ROOT / "static") == 0
    with svc.db.reading() as session:
        batch = session.get(CertificateBatch, batch_id)
        assert batch is not None and (batch.status, batch.done, batch.error) == ("done", 59, "")
        assert batch.pdf is not None
        pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(batch.pdf)).pages]
    assert len(pages) == 59
    assert "Educator 0\n" not in pages[0] and "Educator 1\n" in pages[0]
    assert "Educator 59\n" in pages[-1] and "and earned 6 renewal units." in pages[-1]


def test_a_batch_missing_a_detail_fails_with_the_reason(app: Flask) -> None:
    event_id = _listed_and_issued(app, [AVERY_2027])
    svc = app.extensions["formflow"]
    # As if stored by a faulty version: the certificate lost its title.
    with as_database_owner(svc.db) as session:
        certificate = certs.for_application(session, event_id)[0]
        certificate.details = {**certificate.details, "title": ""}
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        batch_id = batches.request_batch(session, application, None).id
    batches.make_pending(svc.db, svc.registry, _layouts(), ROOT / "static")
    with svc.db.reading() as session:
        batch = session.get(CertificateBatch, batch_id)
        assert batch is not None and batch.status == "failed" and batch.pdf is None
        assert batch.error == f"{event_id:06d}-0001 has no title: no PDF was made"


def test_an_email_carries_its_certificate_made_when_it_is_sent(
    mail_app: Flask, smtp_server: Any
) -> None:
    event_id = _listed_and_issued(mail_app, [AVERY_2027])
    svc = mail_app.extensions["formflow"]
    with svc.db.transaction() as session:
        certificate = certs.for_application(session, event_id)[0]
        for refs in ([{"certificate": certificate.id}], [{"invoice": 1}]):
            session.add(
                OutboxMessage(
                    application_id=event_id,
                    template="certificate",
                    to_addr=AVERY_2027.email,
                    subject="Your certificate",
                    body="Attached.",
                    attachments=refs,
                )
            )
    mailer = mailer_from_config(mail_app.config)
    report = deliver_pending(svc.db, {EMAIL: EmailSender(mailer, svc.attachments)})
    assert (report.sent, report.failed) == (1, 1)
    smtp_server.wait_for(2)  # the event's "listed" email went first
    [received] = [m for m in smtp_server.messages if m.subject == "Your certificate"]
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == f"certificate-{event_id:06d}-0001.pdf"
    text = pypdf.PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "Avery Johnson" in text and certs.shown_code(certificate.code) in text
    with svc.db.reading() as session:
        failed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "failed")
        ).one()
        assert "unknown attachment" in failed.last_error
