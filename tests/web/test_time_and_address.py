"""A time and an address through HTTP: posted as people type them, errors next to each
part, answers stored canonical and shown as text on the check and review pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.platform.models import Application
from tests.conftest import ROOT, make_test_app
from tests.web.helpers import fire, make_user, post, sign_in

VISITS = ROOT / "tests" / "fixtures" / "visits"
PAGE = "/applications/{}/pages/visit"
GOOD = {
    "place_name": "Lincoln School",
    "site-street": "1300 11th Avenue",
    "site-street2": "Room 4",
    "site-city": "Helena",
    "site-state": "MT",
    "site-zip": "59601",
    "arrive": "9am",
    "leave": "2:30 pm",
}


@pytest.fixture
def visits(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app running only the site-visit fixture (a time and an address on one page)."""
    app = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(VISITS))
    yield app
    app.extensions["formflow"].db.dispose()


def start(client: FlaskClient) -> int:
    response = post(client, "/apply/site_visit", {})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
    assert match
    return int(match.group(1))


def test_bad_parts_are_shown_next_to_them_and_kept(visits: Flask) -> None:
    client = visits.test_client()
    make_user(visits, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start(client)
    page = client.get(PAGE.format(application_id)).get_data(as_text=True)
    # The default picks Montana before the applicant changes anything.
    assert '<option value="MT" selected>Montana</option>' in page
    bad = {**GOOD, "site-city": "", "site-zip": "5960", "arrive": "half past nine"}
    response = post(client, PAGE.format(application_id), {**bad, "action": "continue"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for anchor, message in [
        ("f-site-city", "Enter the city or town of “Address of the site”."),
        ("f-site-zip", "Enter the ZIP code of “Address of the site” like 59601 or 59601-1234."),
        ("f-arrive", "Enter a time like 9:00 AM for “Arrival time”."),
    ]:
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}-error"' in html
        assert message in html
    assert 'aria-describedby="f-site-zip-error" aria-invalid="true"' in html
    assert 'aria-describedby="f-arrive-hint f-arrive-error"' in html
    # What was typed comes back: the bad ZIP, the bad time, the good time as 2:30 PM.
    assert 'value="5960"' in html
    assert 'value="half past nine"' in html
    assert 'value="2:30 PM"' in html


def test_answers_are_stored_canonical_and_shown_as_text(visits: Flask) -> None:
    client = visits.test_client()
    make_user(visits, "a@example.org")
    make_user(visits, "r@opi.example.gov", "reviewer")
    sign_in(client, "a@example.org")
    application_id = start(client)
    response = post(client, PAGE.format(application_id), {**GOOD, "action": "continue"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with visits.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        answers = dict(found.answers)
    assert answers["site"] == {
        "street": "1300 11th Avenue",
        "street2": "Room 4",
        "city": "Helena",
        "state": "MT",
        "zip": "59601",
    }
    assert (answers["arrive"], answers["leave"]) == ("09:00", "14:30")
    check = client.get(f"/applications/{application_id}/check").get_data(as_text=True)
    assert "1300 11th Avenue, Room 4, Helena, MT 59601" in check
    assert "9:00 AM" in check and "2:30 PM" in check
    assert fire(client, application_id, "send").status_code == 302
    sign_in(client, "r@opi.example.gov")
    review = client.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "1300 11th Avenue, Room 4, Helena, MT 59601" in review
    assert "2:30 PM" in review


def test_a_departure_before_the_arrival_is_refused(visits: Flask) -> None:
    client = visits.test_client()
    make_user(visits, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start(client)
    early = {**GOOD, "leave": "8:15 AM", "action": "continue"}
    post(client, PAGE.format(application_id), early)
    check = client.get(f"/applications/{application_id}/check").get_data(as_text=True)
    assert "The departure time comes after the arrival time." in check
