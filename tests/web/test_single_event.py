"""Single-event approval through HTTP, as written in workflows/single_event.yaml: the
10-day rule on submit (docs/domain.md), a reviewer's approval with the directions by
email, a denial with its reason, then delivery by the worker and the certificate counts
until the event is reported."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform import clock
from engine.platform.models import Application, AuditEvent, Obligation, OutboxMessage
from tests.web.helpers import fire, make_user, post, sign_in

APPLICANT = "casey@helena-library.example.org"
REVIEWER = "riley@opi.example.gov"
REFUSED = (
    "Apply at least 10 days before the first date of the event. "
    "For an event on 16 March, apply by 6 March. Check the dates."
)

# A two-day in-person event on Monday 16 and Tuesday 17 March 2026, page by page.
APPLICATION: dict[str, dict[str, Any]] = {
    "about": {
        "title": "Teaching with primary sources",
        "summary": "Two days on using archival documents in grade 6-12 history lessons.",
        "format": "in_person",
    },
    "schedule": {
        "dates-0-date": "2026-03-16",
        "dates-0-schedule": "9:00 AM to 3:30 PM",
        "dates-0-hours": "6",
        "dates-0-units": "6",
        "dates-1-date": "2026-03-17",
        "dates-1-hours": "3",
        "dates-1-units": "3",
    },
    "place": {"location": "Lewis and Clark Library, 120 South Last Chance Gulch, Helena"},
    "content": {
        "audience": ["teachers"],
        "objectives": "Participants design a lesson around three primary sources.",
        "agenda": "Day 1: finding sources, reading them closely. Day 2: lesson design.",
    },
    "presenters": {
        "presenters-0-name": "Casey Morgan",
        "presenters-0-qualifications": "Archivist; taught high school history for 12 years.",
    },
    "organization": {
        "org_name": "Helena Public Library",
        "org_type": "other",
        "address-street": "120 South Last Chance Gulch",
        "address-city": "Helena",
        "address-state": "MT",
        "address-zip": "59601",
    },
    "practical": {
        "cost": "Free",
        "registration_url": "https://helena-library.example.org/register",
        "contact_name": "Casey Morgan",
        "contact_email": APPLICANT,
        "contact_phone": "406 555 0123",
    },
    "attestations": {"attest_714": "yes", "attest_215": "yes", "attest_216": "yes"},
}


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None
        return application


def _owed(app: Flask, application_id: int) -> list[Obligation]:
    with app.extensions["formflow"].db.reading() as session:
        return list(
            session.scalars(
                select(Obligation)
                .where(Obligation.application_id == application_id)
                .order_by(Obligation.due_on, Obligation.id)
            )
        )


def _outbox(app: Flask, application_id: int) -> list[str]:
    with app.extensions["formflow"].db.reading() as session:
        return list(
            session.scalars(
                select(OutboxMessage.template)
                .where(OutboxMessage.application_id == application_id)
                .order_by(OutboxMessage.id)
            )
        )


def _worker(app: Flask, day: str) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--today", day])
    assert result.exit_code == 0, result.output
    return result.output


def _filled(app: Flask, client: FlaskClient) -> int:
    """Sign in as an applicant, start an application and fill every page."""
    make_user(app, APPLICANT)
    sign_in(client, APPLICANT)
    response = post(client, "/apply/single_event", {})
    assert response.status_code == 302
    match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
    assert match
    application_id = int(match.group(1))
    for page, values in APPLICATION.items():
        response = post(
            client,
            f"/applications/{application_id}/pages/{page}",
            {**values, "action": "continue"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return application_id


def _submitted(app: Flask, client: FlaskClient) -> int:
    """An application sent on Friday 6 March 2026, ten days before its first date."""
    application_id = _filled(app, client)
    with clock.frozen_at(date(2026, 3, 6)):
        assert fire(client, application_id, "submit").status_code == 302
    assert _application(app, application_id).state == "submitted"
    return application_id


def _reviewer(app: Flask) -> FlaskClient:
    make_user(app, REVIEWER, "reviewer")
    reviewer = app.test_client()
    sign_in(reviewer, REVIEWER)
    return reviewer


def test_nine_days_before_the_event_is_too_late(app: Flask) -> None:
    client = app.test_client()
    application_id = _filled(app, client)
    # Saturday 7 March 2026 is 9 days before Monday 16 March: the check page says why
    # instead of offering the button ...
    with clock.frozen_at(date(2026, 3, 7)):
        check = client.get(f"/applications/{application_id}/check").get_data(as_text=True)
        assert f"Send the application: {REFUSED}" in check
        assert 'value="submit"' not in check
        # ... and a forged press of the button is refused with the same message.
        version = str(_application(app, application_id).version)
        response = post(
            client,
            f"/applications/{application_id}/fire",
            {"trigger": "submit", "version": version, "comment": ""},
        )
        assert response.status_code == 302
        status = client.get(response.headers["Location"]).get_data(as_text=True)
        assert REFUSED in status
    application = _application(app, application_id)
    assert (application.state, application.due_on) == ("draft", None)
    assert _outbox(app, application_id) == []
    with app.extensions["formflow"].db.reading() as session:
        triggers = session.scalars(
            select(AuditEvent.trigger).where(AuditEvent.application_id == application_id)
        ).all()
    assert "submit" not in triggers


def test_ten_days_before_is_in_time_and_a_denial_gives_its_reason(
    mail_app: Flask, smtp_server: Any
) -> None:
    app = mail_app
    client = app.test_client()
    application_id = _submitted(app, client)
    # Seven business days from Friday 6 March 2026: Tuesday 17 March.
    assert _application(app, application_id).due_on == date(2026, 3, 17)
    received = smtp_server.wait_for(1)[0]
    assert received.to == APPLICANT
    assert received.subject.startswith("We received your application for single-event approval")
    assert "Tuesday 17 March 2026" in received.body

    reviewer = _reviewer(app)
    with clock.frozen_at(date(2026, 3, 9)):
        queue = reviewer.get("/review").get_data(as_text=True)
        assert f"/review/applications/{application_id}" in queue
        # A denial needs a reason.
        response = fire(reviewer, application_id, "deny")
        assert response.status_code == 302
        assert _application(app, application_id).state == "submitted"
        reason = "The agenda is a sales presentation of a product."
        assert fire(reviewer, application_id, "deny", comment=reason).status_code == 302
    assert _application(app, application_id).state == "denied"
    denied = smtp_server.wait_for(2)[1]
    assert denied.to == APPLICANT
    assert denied.subject.startswith("Decision on your application for single-event approval")
    assert reason in denied.body
    assert _owed(app, application_id) == []
    assert "Moved 0" in _worker(app, "2026-03-16")
    assert _application(app, application_id).state == "denied"


def test_approved_delivered_counted_reported(mail_app: Flask, smtp_server: Any) -> None:
    app = mail_app
    client = app.test_client()
    application_id = _submitted(app, client)
    reviewer = _reviewer(app)
    with clock.frozen_at(date(2026, 3, 10)):
        assert fire(reviewer, application_id, "approve").status_code == 302
    assert _application(app, application_id).state == "approved"

    # The directions go to the person who applied, by SMTP.
    directions = smtp_server.wait_for(2)[1]
    assert directions.to == APPLICANT
    assert directions.subject == (
        "Your event is approved for renewal units: Teaching with primary sources "
        f"({application_id:06d})"
    )
    assert "Complete an OPI certificate for each participant" in directions.body
    assert "within 30 days of it" in directions.body
    assert f"/applications/{application_id}" in directions.body
    assert [(o.key, o.due_on, o.status) for o in _owed(app, application_id)] == [
        ("date:2026-03-16", date(2026, 4, 15), "open"),
        ("date:2026-03-17", date(2026, 4, 16), "open"),
    ]

    # The day before the first date nothing moves; on it the worker marks it delivered.
    assert "automatic_moves: Moved 0, skipped 0." in _worker(app, "2026-03-15")
    assert "automatic_moves: Moved 1, skipped 0." in _worker(app, "2026-03-16")
    assert _application(app, application_id).state == "delivered"

    # A week before the first count is due, the reminder goes to the applicant.
    assert "obligation_reminders: Reminded 1, skipped 0." in _worker(app, "2026-04-08")
    reminder = smtp_server.wait_for(3)[2]
    assert reminder.to == APPLICANT
    assert reminder.subject == "Certificate count due in 7 days: Teaching with primary sources"
    assert "Wednesday 15 April 2026" in reminder.body

    first, second = _owed(app, application_id)
    with clock.frozen_at(date(2026, 4, 8)):
        status = client.get(f"/applications/{application_id}").get_data(as_text=True)
        assert "Delivered, waiting for certificate counts" in status
        url = f"/applications/{application_id}/obligations/{first.id}"
        assert (
            post(
                client, url, {"certificates": "18", "difference_reason": "Given on paper."}
            ).status_code
            == 302
        )
        assert _application(app, application_id).state == "delivered"
        url = f"/applications/{application_id}/obligations/{second.id}"
        assert (
            post(
                client, url, {"certificates": "17", "difference_reason": "Given on paper."}
            ).status_code
            == 302
        )
    # The last count was the last thing owed: it is reported at once.
    assert _application(app, application_id).state == "reported"
    assert [o.data["answers"]["certificates"] for o in _owed(app, application_id)] == [18, 17]
    with app.extensions["formflow"].db.reading() as session:
        trail = session.scalars(
            select(AuditEvent.trigger).where(AuditEvent.application_id == application_id)
        ).all()
    assert trail[-4:] == [
        "deliver",
        "report:certificate_count",
        "report:certificate_count",
        "report",
    ]


def test_an_approved_event_cancelled_before_its_date_owes_nothing(app: Flask) -> None:
    client = app.test_client()
    application_id = _submitted(app, client)
    with clock.frozen_at(date(2026, 3, 10)):
        assert fire(_reviewer(app), application_id, "approve").status_code == 302
    assert [o.status for o in _owed(app, application_id)] == ["open", "open"]
    # Once the first date has come, it cannot be cancelled any more ...
    with clock.frozen_at(date(2026, 3, 16)):
        fire(client, application_id, "cancel")
    assert _application(app, application_id).state == "approved"
    # ... before it, cancelling the event cancels what it owes.
    with clock.frozen_at(date(2026, 3, 12)):
        assert fire(client, application_id, "cancel").status_code == 302
    assert _application(app, application_id).state == "cancelled"
    assert [o.status for o in _owed(app, application_id)] == ["cancelled", "cancelled"]
    assert "automatic_moves: Moved 0, skipped 0." in _worker(app, "2026-03-16")
    assert _application(app, application_id).state == "cancelled"


def test_a_waiting_application_can_be_withdrawn(app: Flask) -> None:
    client = app.test_client()
    application_id = _submitted(app, client)
    with clock.frozen_at(date(2026, 3, 9)):
        assert fire(client, application_id, "withdraw").status_code == 302
    assert _application(app, application_id).state == "withdrawn"
    assert _owed(app, application_id) == []


def test_a_reviewer_accepts_a_late_application_with_a_written_reason(
    mail_app: Flask, smtp_server: Any
) -> None:
    app = mail_app
    client = app.test_client()
    application_id = _filled(app, client)
    reviewer = _reviewer(app)
    page = f"/review/applications/{application_id}"
    # Saturday 7 March 2026 is too late; the applicant phoned and the agency agrees.
    with clock.frozen_at(date(2026, 3, 7)):
        shown = reviewer.get(page).get_data(as_text=True)
        assert "Override the check: Send the application" in shown
        assert REFUSED in shown
        version = str(_application(app, application_id).version)
        # Without a reason nothing moves.
        response = post(
            reviewer,
            f"/applications/{application_id}/fire",
            {"trigger": "submit", "version": version, "override_reason": " "},
        )
        assert response.status_code == 302
        assert _application(app, application_id).state == "draft"
        reason = "The venue cancelled; the event moved, phoned in on 6 March."
        response = post(
            reviewer,
            f"/applications/{application_id}/fire",
            {"trigger": "submit", "version": version, "override_reason": reason},
        )
        assert response.status_code == 302
    application = _application(app, application_id)
    assert application.state == "submitted"
    with app.extensions["formflow"].db.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.application_id == application_id, AuditEvent.trigger == "submit"
            )
        ).one()
        assert (event.overridden, event.override_reason) == (REFUSED, reason)
        assert event.actor is not None and event.actor.email == REVIEWER
    # The applicant is told it was sent, and sees that a check was set aside, not why.
    assert smtp_server.wait_for(1)[0].to == APPLICANT
    status = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert f"Agency staff went ahead although: {REFUSED}" in status
    assert reason not in status
    assert reason in reviewer.get(page).get_data(as_text=True)
    # The report of overrides lists it, and only for its own kind of application.
    report = reviewer.get("/review/overrides").get_data(as_text=True)
    assert f"{application_id:06d}" in report and reason in report
    other = reviewer.get("/review/overrides?workflow=event_report").get_data(as_text=True)
    assert reason not in other and "No check has been overridden" in other


def test_a_reviewer_is_not_offered_to_send_an_application_that_is_on_time(app: Flask) -> None:
    client = app.test_client()
    application_id = _filled(app, client)
    reviewer = _reviewer(app)
    with clock.frozen_at(date(2026, 3, 5)):
        shown = reviewer.get(f"/review/applications/{application_id}").get_data(as_text=True)
        assert "Override the check" not in shown
        version = str(_application(app, application_id).version)
        post(
            reviewer,
            f"/applications/{application_id}/fire",
            {"trigger": "submit", "version": version, "override_reason": "Helping out"},
        )
    assert _application(app, application_id).state == "draft"
