"""The Learning Opportunities Portal through HTTP, as written in workflows/portal_item.yaml:
a provider sends an item, the agency posts it or refuses it with a reason; posted items
are on /portal (dated ones in the calendar, self-paced ones in the catalogue) until the
provider withdraws them or marks them cancelled."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform import clock
from engine.platform.models import Application, AuditEvent, OutboxMessage
from tests.web.helpers import fire, make_provider, make_user, post, sign_in

PROVIDER = "Big Sky Teacher Academy"
MANAGER = "jordan@bigsky.example.org"
COLLEAGUE = "casey@bigsky.example.org"
OUTSIDER = "user@other.example.org"
REVIEWER = "riley@opi.example.gov"
TODAY = date(2027, 3, 1)

DATED: dict[str, dict[str, Any]] = {
    "about": {
        "title": "Math talks in the primary grades",
        "description": "An afternoon on number talks for K-3 teachers, with a lesson planned.",
        "format": "in_person",
    },
    "when": {
        "dates-0-date": "2027-04-14",
        "dates-0-starts_at": "1:00 PM",
        "dates-0-ends_at": "4:00 PM",
        "dates-1-date": "2027-05-12",
        "dates-1-starts_at": "1 pm",
        "dates-1-ends_at": "4pm",
    },
    "place": {"location": "Whitefish Central School, 600 East 2nd Street, Whitefish"},
    "practical": {
        "audience": ["teachers"],
        "cost": "Free",
        "registration_url": "https://bigsky.example.org/math-talks",
        "contact_name": "Jordan Rivers",
        "contact_email": MANAGER,
        "attest_not_sales": "yes",
    },
}
SELF_PACED: dict[str, dict[str, Any]] = {
    **DATED,
    "about": {
        "title": "Science standards, self-paced",
        "description": "Six modules on planning three-dimensional science lessons.",
        "format": "asynchronous",
    },
    "when": {"available_from": "2027-02-01", "available_until": "2027-12-31"},
    "place": {"online_url": "https://learn.bigsky.example.org/science"},
}


def _state(app: Flask, application_id: int) -> str:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found.state


def people(app: Flask) -> dict[str, FlaskClient]:
    """The provider's manager and a colleague, someone of another provider, a reviewer."""
    for email in (MANAGER, COLLEAGUE, OUTSIDER):
        make_user(app, email)
    make_user(app, REVIEWER, "reviewer")
    make_provider(app, PROVIDER, MANAGER, COLLEAGUE)
    make_user(app, "manager@other.example.org")
    make_provider(app, "Other Schools", "manager@other.example.org", OUTSIDER)
    clients = {}
    for key, email in (
        ("manager", MANAGER),
        ("colleague", COLLEAGUE),
        ("outsider", OUTSIDER),
        ("reviewer", REVIEWER),
    ):
        clients[key] = app.test_client()
        sign_in(clients[key], email)
    return clients


def submitted(client: FlaskClient, pages: dict[str, dict[str, Any]]) -> int:
    """Start a portal item, fill every page and send it; return its id."""
    with clock.frozen_at(TODAY):
        response = post(client, "/apply/portal_item", {})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
        assert match
        application_id = int(match.group(1))
        for page, values in pages.items():
            response = post(
                client,
                f"/applications/{application_id}/pages/{page}",
                {**values, "action": "continue"},
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        assert fire(client, application_id, "submit").status_code == 302
    return application_id


def decided(
    reviewer: FlaskClient, application_id: int, trigger: str, comment: str = "", **extra: str
) -> None:
    with clock.frozen_at(TODAY):
        assert fire(reviewer, application_id, trigger, comment, **extra).status_code == 302


def portal(app: Flask, day: date = TODAY) -> str:
    with clock.frozen_at(day):
        response = app.test_client().get("/portal")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, heading_id: str) -> str:
    """The part of the page from a heading to the next heading of its level."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start)
    return page[start : end if end != -1 else len(page)]


def test_a_provider_sends_an_item_and_the_agency_posts_it(app: Flask) -> None:
    clients = people(app)
    item = submitted(clients["colleague"], DATED)
    assert _state(app, item) == "submitted"
    # Five business days from Monday 1 March 2027: Monday 8 March.
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, item)
        assert found is not None and found.due_on == date(2027, 3, 8)
        mails = session.scalars(
            select(OutboxMessage.template).where(OutboxMessage.application_id == item)
        ).all()
    assert list(mails) == ["portal_received"]
    assert "Math talks" not in portal(app)  # not posted yet
    with clock.frozen_at(TODAY):
        assert f"/review/applications/{item}" in clients["reviewer"].get("/review").get_data(
            as_text=True
        )
    decided(clients["reviewer"], item, "post")
    assert _state(app, item) == "posted"

    page = portal(app)
    calendar = section(page, "calendar")
    # In each month of its dates, with the provider, format, place and registration link.
    assert 'id="month-2027-04"' in calendar and 'id="month-2027-05"' in calendar
    assert calendar.count("Math talks in the primary grades") == 2
    assert "Wednesday 14 April 2027</time>, 1:00 PM to 4:00 PM" in calendar
    assert PROVIDER in calendar and "In person" in calendar
    assert "Whitefish Central School" in calendar
    assert '<a class="usa-link" href="https://bigsky.example.org/math-talks">' in calendar
    assert "1 upcoming event and 0 self-paced courses." in page
    # The heading and introduction come from templates/listings/portal.md.
    assert "<h1>Learning Opportunities Portal</h1>" in page
    # Past dates are not shown: after the first date only May remains; after both, nothing.
    later = section(portal(app, date(2027, 4, 20)), "calendar")
    assert 'id="month-2027-04"' not in later and 'id="month-2027-05"' in later
    assert "Math talks" not in portal(app, date(2027, 5, 13))


def test_a_self_paced_item_is_in_the_catalogue_while_available(app: Flask) -> None:
    clients = people(app)
    dated = submitted(clients["manager"], DATED)
    paced = submitted(clients["manager"], SELF_PACED)
    decided(clients["reviewer"], dated, "post")
    decided(clients["reviewer"], paced, "post")
    page = portal(app)
    catalogue = section(page, "catalogue")
    assert "Science standards, self-paced" in catalogue
    assert "Math talks" not in catalogue
    assert "Science standards" not in section(page, "calendar")
    assert "Available from <time" in catalogue and "Friday 31 December 2027" in catalogue
    assert "Self-paced online" in catalogue
    assert "1 upcoming event and 1 self-paced course." in page
    # The search and the format filter.
    with clock.frozen_at(TODAY):
        client = app.test_client()
        found = client.get("/portal?q=sciense+modules").get_data(as_text=True)
        assert "Science standards" in found and "Math talks" not in found
        found = client.get("/portal?format=in_person").get_data(as_text=True)
        assert "Math talks" in found and "Science standards" not in found
        assert "1 upcoming event and 0 self-paced courses match your search." in found
        empty = client.get("/portal?q=astrophysics").get_data(as_text=True)
        assert "Nothing matches your search." in empty
    # Not available yet, or no more: not in the catalogue.
    assert "Science standards" not in portal(app, date(2027, 1, 31))
    assert "Science standards" not in portal(app, date(2028, 1, 1))


def test_a_refusal_needs_a_reason_and_the_item_never_shows(app: Flask) -> None:
    clients = people(app)
    item = submitted(clients["manager"], DATED)
    chosen = {"reason-refuse": "sales"}
    decided(clients["reviewer"], item, "refuse", **chosen)  # no comment: refused
    assert _state(app, item) == "submitted"
    reason = "The afternoon presents a product for purchase."
    decided(clients["reviewer"], item, "refuse", reason)  # no reason chosen: refused
    assert _state(app, item) == "submitted"
    decided(clients["reviewer"], item, "refuse", reason, **{"reason-refuse": "free lunch"})
    assert _state(app, item) == "submitted"
    decided(clients["reviewer"], item, "refuse", reason, **chosen)
    assert _state(app, item) == "refused"
    with app.extensions["formflow"].db.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.application_id == item, AuditEvent.trigger == "refuse"
            )
        ).one()
    assert (event.reason, event.comment) == ("sales", reason)
    # The provider sees the reason chosen, in words, in the history.
    with clock.frozen_at(TODAY):
        history = clients["manager"].get(f"/applications/{item}").get_data(as_text=True)
    assert "Reason: Sales-based" in history
    with app.extensions["formflow"].db.reading() as session:
        mail = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.application_id == item, OutboxMessage.template == "portal_refused"
            )
        ).one()
    assert reason in mail.body and mail.to_addr == MANAGER
    assert "The reason: Sales-based." in mail.body
    assert "Math talks" not in portal(app)
    # A refused item is final: nobody can post it after all.
    with clock.frozen_at(TODAY):
        status = clients["reviewer"].get(f"/review/applications/{item}").get_data(as_text=True)
    assert 'value="post"' not in status


def test_a_posted_item_withdrawn_or_cancelled_leaves_the_portal_at_once(app: Flask) -> None:
    clients = people(app)
    first = submitted(clients["manager"], DATED)
    second = submitted(clients["manager"], SELF_PACED)
    for item in (first, second):
        decided(clients["reviewer"], item, "post")
    assert "Math talks" in portal(app) and "Science standards" in portal(app)
    # Someone of another provider cannot withdraw it (nor even see it).
    with clock.frozen_at(TODAY):
        assert clients["outsider"].get(f"/applications/{first}").status_code == 404
        assert fire_as(clients["outsider"], first, "withdraw") == 404
    assert _state(app, first) == "posted"
    # A colleague at the provider can.
    with clock.frozen_at(TODAY):
        assert fire(clients["colleague"], first, "withdraw").status_code == 302
    assert _state(app, first) == "withdrawn"
    assert "Math talks" not in portal(app)
    with clock.frozen_at(TODAY):
        assert fire(clients["manager"], second, "cancel").status_code == 302
    assert _state(app, second) == "cancelled"
    page = portal(app)
    assert "Science standards" not in page
    assert "Nothing is posted yet." in page


def fire_as(client: FlaskClient, application_id: int, trigger: str) -> int:
    """Press a trigger on an application this client cannot see; return the status."""
    response = post(
        client,
        f"/applications/{application_id}/fire",
        {"trigger": trigger, "version": "3", "comment": ""},
    )
    return int(response.status_code)


def test_a_dated_item_whose_first_date_passed_cannot_be_sent(app: Flask) -> None:
    clients = people(app)
    client = clients["manager"]
    with clock.frozen_at(date(2027, 4, 20)):
        response = post(client, "/apply/portal_item", {})
        match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
        assert match
        item = int(match.group(1))
        for page, values in DATED.items():
            post(client, f"/applications/{item}/pages/{page}", {**values, "action": "continue"})
        check = client.get(f"/applications/{item}/check").get_data(as_text=True)
        assert "The first date has passed. Check the dates." in check
        assert 'value="submit"' not in check
    assert _state(app, item) == "draft"
