"""Answers posted just after an idle sign-out are kept: sign in again and send them on."""

from __future__ import annotations

import re
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform.models import Application, ParkedForm
from tests.web.helpers import make_user, sign_in, token
from tests.web.test_time_and_address import GOOD, PAGE, start, visits  # noqa: F401

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _idle(client: FlaskClient, minutes: int = 121) -> None:
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - minutes * 60


def _post_after_idling(app: Flask) -> tuple[FlaskClient, int]:
    """Start a visit request, go idle, then send its page: the session has ended."""
    make_user(app, "a@example.org")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start(client)
    form = {"csrf_token": token(client), **GOOD, "action": "continue"}
    _idle(client)
    response = client.post(PAGE.format(application_id), data=form)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "what you just sent was not saved yet" in login
    return client, application_id


def _answers(app: Flask, application_id: int) -> dict[str, object]:
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None
        return dict(application.answers or {})


def test_signing_in_again_offers_what_was_sent_and_sends_it_on(visits: Flask) -> None:  # noqa: F811
    client, application_id = _post_after_idling(visits)
    assert "place_name" not in _answers(visits, application_id)
    signed_in = sign_in(client, "a@example.org")
    assert signed_in.headers["Location"] == "/auth/resume"
    page = client.get("/auth/resume").get_data(as_text=True)
    assert "Send what you typed before you were signed out" in page
    fields = dict(_HIDDEN.findall(page))
    assert fields["place_name"] == "Lincoln School" and "csrf_token" in fields
    sent = client.post("/auth/resume", data={**fields, "resume": "send"})
    assert sent.status_code == 307
    assert sent.headers["Location"] == PAGE.format(application_id)
    # The browser sends the same body on to where it was going.
    client.post(sent.headers["Location"], data={**fields, "resume": "send"})
    assert _answers(visits, application_id)["place_name"] == "Lincoln School"
    with visits.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(ParkedForm)) is None
    # Offered once: the next sign-in goes where it always does.
    post_logout = client.post("/auth/logout", data={"csrf_token": token(client)})
    assert post_logout.status_code == 302
    assert sign_in(client, "a@example.org").headers["Location"] != "/auth/resume"


def test_leaving_it_forgets_it_and_saves_nothing(visits: Flask) -> None:  # noqa: F811
    client, application_id = _post_after_idling(visits)
    sign_in(client, "a@example.org")
    left = client.post("/auth/resume", data={"csrf_token": token(client), "resume": "leave"})
    assert left.status_code == 303 and left.headers["Location"] == PAGE.format(application_id)
    assert "place_name" not in _answers(visits, application_id)
    assert client.get("/auth/resume").headers["Location"] == "/applications"


def test_someone_else_signing_in_on_that_browser_is_not_offered_it(visits: Flask) -> None:  # noqa: F811
    client, _ = _post_after_idling(visits)
    make_user(visits, "b@example.org")
    assert sign_in(client, "b@example.org").headers["Location"] != "/auth/resume"
    assert client.get("/auth/resume").status_code == 302
    with visits.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(ParkedForm)) is not None  # still a@'s, for a@


def test_resuming_needs_a_csrf_token(visits: Flask) -> None:  # noqa: F811
    client, _ = _post_after_idling(visits)
    sign_in(client, "a@example.org")
    assert client.post("/auth/resume", data={"resume": "leave"}).status_code == 400
