"""A certificate count is checked against the certificates issued in the system."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.certificates import issue as issuing
from engine.certificates import issued as certs
from engine.platform import clock
from engine.platform.models import Application, Obligation, User
from engine.runtime.roster import Attendee
from tests.web.helpers import listed_event, make_user, post, sign_in

DAY_1, DAY_2 = date(2027, 3, 16), date(2027, 3, 17)
AFTER = date(2027, 3, 20)


def _issue(app: Flask, event_id: int, count: int, days: tuple[date, ...]) -> None:
    svc = app.extensions["formflow"]
    people = [Attendee(f"Person {i}", f"p{i}@example.org", "", days) for i in range(count)]
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        event = issuing.event_for(session, svc.registry, application, AFTER)
        assert event is not None
        issuing.issue_for(session, event, people, None, AFTER, datetime(2027, 3, 20, 9), "/verify")


def _first(app: Flask, event_id: int) -> Obligation:
    with app.extensions["formflow"].db.reading() as session:
        return session.scalars(
            select(Obligation).where(Obligation.application_id == event_id).order_by(Obligation.key)
        ).all()[0]


def _event_with_certificates(app: Flask, client: FlaskClient) -> tuple[int, str]:
    event_id = listed_event(app, client)
    _issue(app, event_id, 3, (DAY_1, DAY_2))
    _issue(app, event_id, 1, (DAY_2,))
    # A revoked certificate does not count.
    with app.extensions["formflow"].db.transaction() as session:
        last = certs.for_application(session, event_id)[-1]
        make_user(app, "staff@example.org", "reviewer")
        staff = session.scalar(select(User).where(User.email == "staff@example.org"))
        assert staff is not None
        certs.revoke(session, last, staff, "Left early.", datetime(2027, 3, 20, 10))
    return event_id, f"/applications/{event_id}/obligations/{_first(app, event_id).id}"


def test_the_count_is_filled_in_with_the_certificates_issued(
    app: Flask, client: FlaskClient
) -> None:
    event_id, url = _event_with_certificates(app, client)
    with clock.frozen_at(AFTER):
        page = client.get(url).get_data(as_text=True)
    assert "You issued 3 certificates for this date in the system." in page
    assert 'id="f-certificates"' in page and 'value="3"' in page


def test_a_matching_count_is_filed_without_a_reason(app: Flask, client: FlaskClient) -> None:
    event_id, url = _event_with_certificates(app, client)
    with clock.frozen_at(AFTER):
        assert post(client, url, {"certificates": "3"}).status_code == 302
    filed = _first(app, event_id)
    assert filed.status == "met"
    assert (filed.data["issued"], filed.data["reported"], filed.data["reason"]) == (3, 3, "")


def test_a_different_count_needs_a_reason_next_to_its_field(
    app: Flask, client: FlaskClient
) -> None:
    event_id, url = _event_with_certificates(app, client)
    with clock.frozen_at(AFTER):
        response = post(client, url, {"certificates": "5", "note": "Busy day."})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        message = (
            "You issued 3 certificates for this date here. "
            "Say why the number you report is different."
        )
        assert 'href="#f-difference_reason"' in html and message in html
        assert 'id="f-difference_reason-error"' in html
        # The answers are kept.
        assert 'value="5"' in html and "Busy day." in html
        assert _first(app, event_id).status == "open"

        reason = "Two teachers got paper certificates."
        response = post(client, url, {"certificates": "5", "difference_reason": reason})
        assert response.status_code == 302
    filed = _first(app, event_id)
    assert (filed.data["issued"], filed.data["reported"], filed.data["reason"]) == (3, 5, reason)


def test_staff_see_the_counts_that_differ(app: Flask, client: FlaskClient) -> None:
    event_id, url = _event_with_certificates(app, client)
    with clock.frozen_at(AFTER):
        post(client, url, {"certificates": "5", "difference_reason": "Paper certificates."})
    reviewer = app.test_client()
    sign_in(reviewer, "staff@example.org")
    with clock.frozen_at(AFTER):
        page = reviewer.get("/review/obligations").get_data(as_text=True)
    section = page.split("Counts that differ from the certificates issued", 1)[1]
    assert "Paper certificates." in section
    assert f"/review/applications/{event_id}" in section
    with clock.frozen_at(AFTER):
        case = reviewer.get(f"/review/applications/{event_id}").get_data(as_text=True)
    assert "reported 5, issued in the system 3. Reason: Paper certificates." in case
    assert '<td data-label="Reported">5</td>' in section
    assert '<td data-label="Issued in the system">3</td>' in section


def test_a_matching_count_is_not_listed_for_staff(app: Flask, client: FlaskClient) -> None:
    _event_id, url = _event_with_certificates(app, client)
    with clock.frozen_at(AFTER):
        post(client, url, {"certificates": "3"})
    reviewer = app.test_client()
    sign_in(reviewer, "staff@example.org")
    with clock.frozen_at(AFTER):
        page = reviewer.get("/review/obligations").get_data(as_text=True)
    assert "Every count filed matches the certificates issued in the system." in page
