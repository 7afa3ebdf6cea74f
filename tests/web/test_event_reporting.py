"""Event reporting through HTTP: list an event, the worker delivers it and reminds the
provider by email, the provider files each certificate count, the event is reported;
revisions, versions, cancellation and the staff list of reports owed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform import clock
from engine.platform.models import Application, AuditEvent, Obligation
from tests.web.helpers import (
    EVENT,
    fill_event,
    fire,
    make_provider,
    make_user,
    post,
    sign_in,
    start_event,
)

LISTING_DAY = date(2027, 3, 1)  # the first date is Tuesday 16 March 2027
# No certificate of these events was issued in the system: a count needs a reason.
PAPER = "Certificates given on paper at the door."


def _state(app: Flask, application_id: int) -> str:
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None
        return application.state


def _owed(app: Flask, application_id: int) -> list[Obligation]:
    with app.extensions["formflow"].db.reading() as session:
        return list(
            session.scalars(
                select(Obligation)
                .where(Obligation.application_id == application_id)
                .order_by(Obligation.due_on, Obligation.id)
            )
        )


def _worker(app: Flask, day: str) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--today", day])
    assert result.exit_code == 0, result.output
    return result.output


def _listed(app: Flask, client: FlaskClient) -> int:
    make_user(app, "jordan@bigsky.example.org")
    make_provider(app, "Big Sky Teacher Academy", "jordan@bigsky.example.org")
    sign_in(client, "jordan@bigsky.example.org")
    with clock.frozen_at(LISTING_DAY):
        event_id = start_event(client)
        assert fire(client, event_id, "list").status_code == 302
    assert _state(app, event_id) == "listed"
    return event_id


def test_an_event_is_listed_delivered_reminded_reported(mail_app: Flask, smtp_server: Any) -> None:
    app = mail_app
    client = app.test_client()
    event_id = _listed(app, client)
    smtp_server.wait_for(1)
    assert smtp_server.messages[0].subject.startswith("Your event is listed")
    assert [(o.key, o.due_on, o.status) for o in _owed(app, event_id)] == [
        ("date:2027-03-16", date(2027, 4, 15), "open"),
        ("date:2027-03-17", date(2027, 4, 16), "open"),
    ]

    # The day before: nothing moves. On the first date the worker marks it delivered.
    assert "automatic_moves: Moved 0, skipped 0." in _worker(app, "2027-03-15")
    assert "automatic_moves: Moved 1, skipped 0." in _worker(app, "2027-03-16")
    assert _state(app, event_id) == "delivered"
    with clock.frozen_at(date(2027, 3, 16)):
        status = client.get(f"/applications/{event_id}").get_data(as_text=True)
    assert "Delivered, waiting for certificate counts" in status
    assert "by the system" in status

    # A week before the first count is due, the reminder goes out by SMTP, once.
    assert "obligation_reminders: Reminded 1, skipped 0." in _worker(app, "2027-04-08")
    assert "obligation_reminders: Reminded 0, skipped 0." in _worker(app, "2027-04-08")
    smtp_server.wait_for(2)
    reminder = smtp_server.messages[1]
    assert reminder.to == "jordan@bigsky.example.org"
    assert reminder.subject == "Certificate count due in 7 days: Reading coaching cycles"
    first, second = _owed(app, event_id)
    assert f"/applications/{event_id}/obligations/{first.id}" in reminder.body
    assert "Thursday 15 April 2027" in reminder.body

    with clock.frozen_at(date(2027, 4, 8)):
        url = f"/applications/{event_id}/obligations/{first.id}"
        page = client.get(url).get_data(as_text=True)
        assert '<label class="usa-label" for="f-certificates">' in page
        # One bad answer: the error is by the field, and the answers are kept.
        response = post(client, url, {"certificates": "twenty", "note": "Snow day."})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'href="#f-certificates"' in html and 'id="f-certificates-error"' in html
        assert 'value="twenty"' in html and "Snow day." in html
        assert _owed(app, event_id)[0].status == "open"

        assert (
            post(
                client, url, {"certificates": "24", "note": "", "difference_reason": PAPER}
            ).status_code
            == 302
        )
        assert _state(app, event_id) == "delivered"
        assert "Filed" in client.get(f"/applications/{event_id}").get_data(as_text=True)
        second_url = f"/applications/{event_id}/obligations/{second.id}"
        assert (
            post(client, second_url, {"certificates": "22", "difference_reason": PAPER}).status_code
            == 302
        )
    # The last count was the last thing owed: the event is reported at once.
    assert _state(app, event_id) == "reported"
    assert [o.data["answers"]["certificates"] for o in _owed(app, event_id)] == [24, 22]
    with app.extensions["formflow"].db.reading() as session:
        trail = session.scalars(
            select(AuditEvent.trigger).where(AuditEvent.application_id == event_id)
        ).all()
    assert trail[-3:] == ["report:certificate_count", "report:certificate_count", "report"]
    assert "obligation_reminders: Reminded 0, skipped 0." in _worker(app, "2027-04-15")


def test_a_change_before_the_first_date_is_free_and_after_it_is_reviewed(app: Flask) -> None:
    client = app.test_client()
    event_id = _listed(app, client)
    moved = {**EVENT["schedule"], "dates-1-date": "2027-03-18"}
    with clock.frozen_at(date(2027, 3, 10)):
        assert fire(client, event_id, "revise").status_code == 302
        fill_event(client, event_id, {"schedule": moved})
        assert fire(client, event_id, "save_revision").status_code == 302
    assert _state(app, event_id) == "listed"
    assert [o.due_on for o in _owed(app, event_id)] == [date(2027, 4, 15), date(2027, 4, 17)]

    _worker(app, "2027-03-16")
    assert _state(app, event_id) == "delivered"
    with clock.frozen_at(date(2027, 3, 20)):
        assert fire(client, event_id, "revise").status_code == 302
        fill_event(client, event_id, {"schedule": {**moved, "dates-1-units": "5"}})
        check = client.get(f"/applications/{event_id}/check").get_data(as_text=True)
        # After delivery the only way on is the review: no free "save" is offered.
        assert 'value="submit_revision"' in check
        assert 'value="save_revision"' not in check
        assert fire(client, event_id, "submit_revision").status_code == 302
        assert _state(app, event_id) == "revision_review"

        make_user(app, "riley@opi.example.gov", "reviewer")
        reviewer = app.test_client()
        sign_in(reviewer, "riley@opi.example.gov")
        queue = reviewer.get("/review").get_data(as_text=True)
        assert f"/review/applications/{event_id}" in queue
        review = reviewer.get(f"/review/applications/{event_id}").get_data(as_text=True)
        assert "What changed since changes were requested" in review
        assert fire(reviewer, event_id, "accept_revision").status_code == 302
    assert _state(app, event_id) == "delivered"

    # Every version is kept and shown with what changed, to the provider and to staff.
    versions = client.get(f"/applications/{event_id}/versions").get_data(as_text=True)
    steps = re.findall(r'data-label="Step">([^<]+)<', versions)
    assert steps == [
        "List the event",
        "Change the event",
        "Save the changes",
        "Mark as delivered",
        "Change the event",
        "Send the changes for review",
        "Accept the changes",
    ]
    assert "The system" in versions
    third = client.get(f"/applications/{event_id}/versions/3").get_data(as_text=True)
    assert "What changed since version 2" in third
    assert "17 March 2027" in third and "18 March 2027" in third
    assert "No answer changed." in client.get(f"/applications/{event_id}/versions/2").get_data(
        as_text=True
    )
    staff = reviewer.get(f"/applications/{event_id}/versions/6").get_data(as_text=True)
    assert "Renewal units offered: 5" in staff


def test_cancelling_the_event_cancels_what_it_owes(app: Flask) -> None:
    client = app.test_client()
    event_id = _listed(app, client)
    with clock.frozen_at(date(2027, 3, 5)):
        assert fire(client, event_id, "cancel").status_code == 302
        assert _state(app, event_id) == "cancelled"
        assert [o.status for o in _owed(app, event_id)] == ["cancelled", "cancelled"]
        status = client.get(f"/applications/{event_id}").get_data(as_text=True)
        assert "No longer owed" in status
    with clock.frozen_at(date(2027, 3, 20)):
        owed = _owed(app, event_id)[0]
        response = post(
            client, f"/applications/{event_id}/obligations/{owed.id}", {"certificates": "3"}
        )
        assert response.status_code == 302
        assert _owed(app, event_id)[0].status == "cancelled"
    assert "Moved 0" in _worker(app, "2027-03-20")
    assert "Reminded 0" in _worker(app, "2027-04-20")


def test_staff_see_what_providers_owe_overdue_first_and_providers_see_it_too(
    app: Flask,
) -> None:
    client = app.test_client()
    event_id = _listed(app, client)
    _worker(app, "2027-03-16")
    make_user(app, "riley@opi.example.gov", "reviewer")
    reviewer = app.test_client()
    sign_in(reviewer, "riley@opi.example.gov")
    with clock.frozen_at(date(2027, 4, 16)):
        assert "/review/obligations" in reviewer.get("/review").get_data(as_text=True)
        html = reviewer.get("/review/obligations").get_data(as_text=True)
        overdue, upcoming = html.split("<h2>Coming up</h2>")
        assert "16 March 2027" in overdue and "Overdue" in overdue
        assert "17 March 2027" in upcoming
        # Staff may read the report page, but only the provider files it.
        first = _owed(app, event_id)[0]
        url = f"/applications/{event_id}/obligations/{first.id}"
        assert reviewer.get(url).status_code == 200
        assert post(reviewer, url, {"certificates": "3"}).status_code == 403
        dashboard = client.get("/applications").get_data(as_text=True)
        assert "Reports you owe" in dashboard and "Overdue" in dashboard
        status = client.get(f"/applications/{event_id}").get_data(as_text=True)
        assert "Overdue" in status and "Ready to file" in status
