"""Segregation of duties: nobody decides an application they filed, or one for their own
organization, whatever staff roles their account holds; the buttons say the same."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from engine.platform.models import Application
from tests.web.helpers import fill_all, fire, make_user, post, sign_in, start_application


def _state(app: Flask, application_id: int) -> str:
    with app.extensions["formflow"].db.reading() as session:
        return str(
            session.scalar(select(Application.state).where(Application.id == application_id))
        )


def test_a_reviewer_cannot_approve_their_own_registration(app: Flask) -> None:
    make_user(app, "both@example.org", "applicant", "reviewer", "admin")
    client = app.test_client()
    sign_in(client, "both@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    fire(client, application_id, "submit")
    submitted = _state(app, application_id)
    page = client.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert 'value="approve"' not in page
    with app.extensions["formflow"].db.reading() as session:
        version = session.scalar(
            select(Application.version).where(Application.id == application_id)
        )
    refused = post(
        client,
        f"/applications/{application_id}/fire",
        {"trigger": "approve", "version": str(version), "comment": ""},
    )
    # Refused like any move the person may not make: sent back, nothing changed.
    assert refused.status_code == 302
    assert _state(app, application_id) == submitted
    # Another reviewer may.
    make_user(app, "other@example.org", "reviewer")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert 'value="approve"' in other.get(f"/review/applications/{application_id}").get_data(
        as_text=True
    )
    assert fire(other, application_id, "approve").status_code == 302
    assert _state(app, application_id) != submitted
