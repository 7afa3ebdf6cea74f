"""Certificates in the database: numbered per event, random codes, revocation in the
history, per-date counts for reconciliation, an educator's own list, and kept like the
rest of the event's record."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine.runtime.roster import Attendee
from engine.spec.layout import load_layout
from engine.store import certificate_batches as batches
from engine.store import certificates as certs
from engine.store import retention
from engine.store.models import Application, AuditEvent, Certificate, CertificateBatch, User
from tests.unit.test_retention import _backdate, _decided

NOW = datetime(2026, 3, 18, 15)
DAY_1, DAY_2 = date(2026, 3, 16), date(2026, 3, 17)
EVENT = {"title": "Teaching with Primary Sources", "event_number": "000001"}
VERIFY = "http://127.0.0.1:5000/verify"
ROOT = Path(__file__).resolve().parents[2]
FULL = {
    "dates": "Monday 16 March 2026",
    "location": "Helena",
    "provider_name": "Big Sky Teacher Academy",
    "provider_number": "RUP-0001",
    "issue_date": "18 March 2026",
}


def _issue(app: Flask, application_id: int, *people: Attendee) -> list[tuple[str, str]]:
    with app.extensions["formflow"].db.transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        by = session.scalar(select(User).where(User.email == "r@example.org"))
        issued = certs.issue(
            session, application, people, {p: "3" for p in people}, EVENT, by, NOW, VERIFY
        )
        return [(c.number, c.code) for c in issued]


AVERY = Attendee("Avery Johnson", "avery@example.org", "MT-1", (DAY_1, DAY_2))
BLAKE = Attendee("Blake Lee", "blake@example.org", "", (DAY_2,))


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
        assert certs.issued_per_date(session, application_id) == {
            DAY_1.isoformat(): 1,
            DAY_2.isoformat(): 2,
        }
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
        assert certs.issued_per_date(session, application_id) == {
            DAY_1.isoformat(): 1,
            DAY_2.isoformat(): 1,
        }
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


def test_a_batch_is_made_once_page_by_page_from_stored_details(app: Flask) -> None:
    application_id = _decided(app)
    people = [Attendee(f"Educator {i}", f"e{i}@example.org", "", (DAY_1,)) for i in range(60)]
    _issue(app, application_id, *people)
    svc = app.extensions["formflow"]
    layout = load_layout(ROOT / "templates" / "certificates" / "certificate.yaml", ROOT / "static")
    with svc.db.transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        # Every printed detail is stored on each certificate; the event's are filled here.
        for certificate in certs.for_application(session, application_id):
            certificate.details = {**FULL, **certificate.details}
        revoked = certs.for_application(session, application_id)[0]
        reviewer = session.scalar(select(User).where(User.email == "r@example.org"))
        assert reviewer is not None
        certs.revoke(session, revoked, reviewer, "Did not attend.", NOW)
        batch_id = batches.request_batch(session, application, reviewer).id
    assert batches.make_pending(svc.db, layout, ROOT / "static") == 1
    # Already made: a second worker finds nothing to do.
    assert batches.make_pending(svc.db, layout, ROOT / "static") == 0
    with svc.db.reading() as session:
        batch = session.get(CertificateBatch, batch_id)
        assert batch is not None and (batch.status, batch.done, batch.error) == ("done", 59, "")
        assert batch.pdf is not None
        pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(batch.pdf)).pages]
    assert len(pages) == 59
    assert "Educator 0\n" not in pages[0] and "Educator 1\n" in pages[0]
    assert "Educator 59\n" in pages[-1]


def test_a_batch_missing_a_detail_fails_with_the_reason(app: Flask) -> None:
    application_id = _decided(app)
    _issue(app, application_id, AVERY)  # the event's details lack the provider, dates...
    svc = app.extensions["formflow"]
    layout = load_layout(ROOT / "templates" / "certificates" / "certificate.yaml", ROOT / "static")
    with svc.db.transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        batch_id = batches.request_batch(session, application, None).id
    batches.make_pending(svc.db, layout, ROOT / "static")
    with svc.db.reading() as session:
        batch = session.get(CertificateBatch, batch_id)
        assert batch is not None and batch.status == "failed" and batch.pdf is None
        assert "has no dates, issue_date, location, provider_name, provider_number" in batch.error
