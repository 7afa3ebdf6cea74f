"""What the database itself refuses: rewriting history, snapshots or certificates, moving
a retention date earlier, and (on PostgreSQL) TRUNCATE; a hold changed by hand is traced."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine.certificates import issued as certs
from engine.operations import retention
from engine.platform.models import Application, AuditEvent, Certificate, User
from tests.unit.test_certificates_store import AVERY, _issue
from tests.unit.test_retention import _decided
from tests.web.helpers import sign_in


def _refused(app: Flask, statement: str, match: str, **values: object) -> None:
    with pytest.raises(DBAPIError, match=match):
        with app.extensions["formflow"].db.transaction() as session:
            session.execute(text(statement), values)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET comment = 'rewritten' WHERE application_id = :id",
        "UPDATE audit_events SET at = '2001-01-01' WHERE application_id = :id",
        "UPDATE answer_snapshots SET form_version = 'x' WHERE application_id = :id",
    ],
)
def test_the_history_and_snapshots_cannot_be_rewritten(app: Flask, statement: str) -> None:
    application_id = _decided(app)
    _refused(app, statement, "cannot be changed", id=application_id)


def test_the_retention_date_only_moves_later(app: Flask) -> None:
    application_id = _decided(app)
    for value in ("'2000-01-01'", "NULL"):
        _refused(
            app,
            f"UPDATE applications SET keep_until = {value} WHERE id = :id",
            "can only move later",
            id=application_id,
        )
    with app.extensions["formflow"].db.transaction() as session:
        session.execute(
            text("UPDATE applications SET keep_until = '2999-01-01' WHERE id = :id"),
            {"id": application_id},
        )


@pytest.mark.parametrize(
    "change", ["educator_name = 'Someone Else'", "units = '99'", "attended = '[]'", "code = 'X'"]
)
def test_an_issued_certificate_keeps_what_it_certifies(app: Flask, change: str) -> None:
    application_id = _decided(app)
    _issue(app, application_id, AVERY)
    _refused(
        app,
        f"UPDATE certificates SET {change} WHERE application_id = :id",
        "cannot be changed",
        id=application_id,
    )


def test_a_certificate_is_revoked_once_and_stays_revoked(app: Flask) -> None:
    application_id = _decided(app)
    ((number, _),) = _issue(app, application_id, AVERY)
    db = app.extensions["formflow"].db
    with db.transaction() as session:
        certificate = session.scalar(select(Certificate).where(Certificate.number == number))
        assert certificate is not None
        certificate.emailed_at = datetime(2026, 3, 19)  # delivery is not what it certifies
        reviewer = session.scalar(select(User).where(User.email == "r@example.org"))
        assert reviewer is not None
        certs.revoke(session, certificate, reviewer, "Did not attend", datetime(2026, 3, 20))
    for change in ("revoked_at = NULL", "revoke_reason = 'changed my mind'"):
        _refused(
            app,
            f"UPDATE certificates SET {change} WHERE number = :n",
            "stays revoked",
            n=number,
        )


def test_placing_and_lifting_a_hold_is_in_the_history_with_who_and_why(app: Flask) -> None:
    application_id = _decided(app)
    db = app.extensions["formflow"].db
    with db.transaction() as session:
        retention.set_hold(session, application_id, "Audit 2026", "Kai", held=True)
    with db.transaction() as session:
        retention.set_hold(session, application_id, "Audit closed", "Kai", held=False)
    # By hand, around the engine: still written down, and said to be so.
    with db.transaction() as session:
        session.execute(
            text("UPDATE applications SET legal_hold = :held WHERE id = :id"),
            {"held": True, "id": application_id},
        )
    with db.reading() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.application_id == application_id)
            .where(AuditEvent.trigger.like("staff:legal_hold%"))
            .order_by(AuditEvent.id)
        ).all()
        state = session.get(Application, application_id)
        assert state is not None
        assert [(r.trigger, r.from_state, r.to_state) for r in rows] == [
            ("staff:legal_hold", state.state, state.state),
            ("staff:legal_hold_lifted", state.state, state.state),
            ("staff:legal_hold", state.state, state.state),
        ]
        assert rows[0].comment == "Audit 2026 (by Kai)"
        assert rows[1].comment == "Audit closed (by Kai)"
        assert "someone with direct database access" in rows[2].comment


@pytest.mark.parametrize(
    "table", ["applications", "audit_events", "answer_snapshots", "certificates", "obligations"]
)
def test_truncate_is_refused_on_postgresql(app: Flask, table: str) -> None:
    application_id = _decided(app)
    db = app.extensions["formflow"].db
    with db.reading() as session:
        dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite has no TRUNCATE: a DELETE without WHERE meets the row triggers instead.
        _refused(app, "DELETE FROM applications", "retention period")
    else:
        _refused(app, f"TRUNCATE {table} CASCADE", "TRUNCATE is refused")
    with db.reading() as session:
        assert session.get(Application, application_id) is not None


def test_staff_see_the_hold_in_the_history_and_the_applicant_does_not(app: Flask) -> None:
    application_id = _decided(app)
    with app.extensions["formflow"].db.transaction() as session:
        retention.set_hold(session, application_id, "Audit 2026", "Kai", held=True)
    reviewer = app.test_client()
    sign_in(reviewer, "r@example.org")
    page = reviewer.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "Put under legal hold" in page and "Audit 2026 (by Kai)" in page
    applicant = app.test_client()
    sign_in(applicant, "a@example.org")
    page = applicant.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "legal hold" not in page
