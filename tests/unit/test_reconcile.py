"""Certificate counts checked against the certificates issued: what a report covers, the
reason asked for, and the count of certificates in a date or a period."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask

from engine.certificates import issued as certs
from engine.platform.models import Application
from engine.runtime import reconcile
from engine.runtime.obligations import covered
from engine.runtime.roster import Attendee
from engine.runtime.validation import AnswerError
from engine.spec.model import Reconcile
from tests.unit.test_retention import _decided

SPEC = Reconcile("certificates", "difference_reason")
NOW = datetime(2026, 3, 18, 15)


@pytest.mark.parametrize(
    ("key", "opens_on", "span"),
    [
        ("date:2027-03-16", date(2027, 3, 16), (date(2027, 3, 16), date(2027, 3, 16))),
        # A second item on the same day covers the same day.
        ("date:2027-03-16#2", date(2027, 3, 16), (date(2027, 3, 16), date(2027, 3, 16))),
        # A period's report opens the day after the period ends.
        ("period:2027-03-01", date(2028, 3, 1), (date(2027, 3, 1), date(2028, 2, 29))),
        ("other:2027-03-01", date(2027, 3, 1), None),
        ("date:not-a-date", date(2027, 3, 1), None),
    ],
)
def test_what_a_report_covers_is_read_from_its_key(
    key: str, opens_on: date, span: tuple[date, date] | None
) -> None:
    assert covered(key, opens_on) == span


def test_a_matching_count_needs_no_reason() -> None:
    assert reconcile.errors(SPEC, {"certificates": 23}, 23, "date:2027-03-16") == []


def test_a_different_count_needs_a_reason_on_the_reason_question() -> None:
    (error,) = reconcile.errors(SPEC, {"certificates": 20, "difference_reason": " "}, 23, "date:x")
    assert error.path == "difference_reason"
    assert error.message == (
        "You issued 23 certificates for this date here. Say why the number you report is different."
    )
    given = {"certificates": 20, "difference_reason": "Paper certificates."}
    assert reconcile.errors(SPEC, given, 23, "date:x") == []
    assert reconcile.checked(SPEC, given, 23) == {
        "issued": 23,
        "reported": 20,
        "reason": "Paper certificates.",
    }


def test_a_count_that_is_not_a_number_is_left_to_the_form() -> None:
    assert reconcile.errors(SPEC, {"certificates": "twenty"}, 23, "date:x") == []


def test_the_notice_says_one_certificate_and_a_period() -> None:
    assert reconcile.notice(1, "period:2027-03-01") == (
        "You issued 1 certificate for this period in the system."
    )


def test_certificates_are_counted_by_a_date_attended_in_the_span(app: Flask) -> None:
    application_id = _decided(app)
    people = [
        Attendee("A", "a@example.org", "", (date(2026, 3, 16), date(2026, 3, 17))),
        Attendee("B", "b@example.org", "", (date(2026, 3, 17),)),
        Attendee("C", "c@example.org", "", (date(2026, 4, 2),)),
    ]
    db = app.extensions["formflow"].db
    with db.transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        issued = certs.issue(
            session, application, people, {p: {"units": "3"} for p in people}, {}, None, NOW, "/v"
        )
        issued[1].revoked_at = NOW  # revoked: not counted
    with db.reading() as session:
        count = certs.issued_between
        assert count(session, application_id, date(2026, 3, 16), date(2026, 3, 16)) == 1
        assert count(session, application_id, date(2026, 3, 17), date(2026, 3, 17)) == 1
        assert count(session, application_id, date(2026, 3, 1), date(2026, 4, 30)) == 2
        assert count(session, application_id, date(2026, 5, 1), date(2026, 5, 31)) == 0


def test_no_reason_is_asked_for_a_count_that_is_itself_wrong() -> None:
    wrong = [AnswerError("certificates", "certificates", "minimum", "must be 0 or more")]
    spec = Reconcile("certificates", "difference_reason")
    assert reconcile.errors(spec, {"certificates": -3}, 0, "date:2027-03-16", wrong) == []
    assert reconcile.errors(spec, {"certificates": 3}, 0, "date:2027-03-16") != []
