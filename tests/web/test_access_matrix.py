"""Every route × every kind of visitor: who may see what, and every POST needs CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.store import clock
from engine.store.models import Application, Obligation
from tests.web.helpers import (
    fill_all,
    fire,
    make_user,
    post,
    sign_in,
    start_application,
    start_event,
)

VISITORS = ("anonymous", "owner", "other_applicant", "reviewer", "admin")
LOGIN = 302  # anonymous visitors are sent to sign in

# route → expected status for each visitor, in VISITORS order. {id} is the owner's
# submitted application, {event} a listed event and {owed} what it owes. Other
# applicants get 404 so nobody learns what exists.
GET_MATRIX: list[tuple[str, tuple[int, ...]]] = [
    ("/", (200, 200, 200, 200, 200)),
    ("/auth/login", (200, 200, 200, 200, 200)),
    ("/auth/signup", (200, 302, 302, 302, 302)),
    ("/applications", (LOGIN, 200, 200, 200, 200)),
    ("/apply/provider_registration", (LOGIN, 200, 200, 403, 403)),
    ("/apply/no_such_workflow", (LOGIN, 404, 404, 403, 403)),
    # organization: chosen; an unknown ?organization= only leaves the choice open.
    ("/apply/access_request?organization=RUP-9999", (LOGIN, 200, 200, 403, 403)),
    ("/applications/{id}", (LOGIN, 200, 404, 302, 302)),
    ("/applications/{id}/check", (LOGIN, 200, 404, 403, 403)),
    ("/applications/{id}/pages/organization", (LOGIN, 302, 404, 403, 403)),
    ("/applications/{id}/versions", (LOGIN, 200, 404, 200, 200)),
    ("/applications/{id}/versions/1", (LOGIN, 200, 404, 200, 200)),
    ("/applications/{id}/versions/9", (LOGIN, 404, 404, 404, 404)),
    ("/applications/{event}/obligations/{owed}", (LOGIN, 200, 404, 200, 200)),
    ("/applications/{id}/obligations/{owed}", (LOGIN, 404, 404, 404, 404)),
    ("/review", (LOGIN, 403, 403, 200, 200)),
    ("/review/obligations", (LOGIN, 403, 403, 200, 200)),
    ("/review/applications/{id}", (LOGIN, 403, 403, 200, 200)),
    ("/admin/outbox", (LOGIN, 403, 403, 403, 200)),
    ("/admin/outbox/1", (LOGIN, 403, 403, 403, 200)),
    ("/admin/users", (LOGIN, 403, 403, 403, 200)),
]

POST_ROUTES = [
    "/auth/logout",
    "/apply/provider_registration",
    "/apply/access_request",
    "/applications/{id}/pages/organization",
    "/applications/{id}/fire",
    "/admin/outbox/1/send-again",
    "/applications/{event}/obligations/{owed}",
]


@pytest.fixture
def world(app: Flask) -> Iterator[dict[str, Any]]:
    """An owner with a submitted application and a delivered event, another applicant, a
    reviewer, an admin; on a fixed day after the event's first date."""
    make_user(app, "owner@example.org")
    make_user(app, "other@example.org")
    make_user(app, "reviewer@example.org", "reviewer")
    make_user(app, "admin@example.org", "admin")
    client = app.test_client()
    sign_in(client, "owner@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    fire(client, application_id, "submit")
    with clock.frozen_at(date(2027, 3, 1)):
        event_id = start_event(client)
        fire(client, event_id, "list")
    with app.extensions["formflow"].db.reading() as session:
        owed = session.scalars(select(Obligation.id).where(Obligation.application_id == event_id))
        first = min(owed)
    with clock.frozen_at(date(2027, 3, 20)):
        yield {"id": application_id, "event": event_id, "owed": first}


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found


def _client_for(app: Flask, visitor: str) -> Any:
    client = app.test_client()
    emails = {
        "owner": "owner@example.org",
        "other_applicant": "other@example.org",
        "reviewer": "reviewer@example.org",
        "admin": "admin@example.org",
    }
    if visitor in emails:
        sign_in(client, emails[visitor])
    return client


def test_the_matrix_covers_every_route(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    ids = {"id": 1, "event": 2, "owed": 1}
    covered = {adapter.match(r.format(**ids))[0] for r, _ in GET_MATRIX}
    covered |= {adapter.match(r.format(**ids), method="POST")[0] for r in POST_ROUTES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints - covered == set(), "routes missing from the access matrix"


@pytest.mark.parametrize("visitor", VISITORS)
def test_get_matrix(app: Flask, world: dict[str, Any], visitor: str) -> None:
    client = _client_for(app, visitor)
    got = {}
    for route, expected in GET_MATRIX:
        url = route.format(**world)
        status = client.get(url).status_code
        got[url] = (status, expected[VISITORS.index(visitor)])
    wrong = {url: pair for url, pair in got.items() if pair[0] != pair[1]}
    assert not wrong, f"{visitor}: (got, expected) {wrong}"


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_post_without_a_csrf_token_is_refused(
    app: Flask, world: dict[str, Any], visitor: str
) -> None:
    client = _client_for(app, visitor)
    for route in POST_ROUTES:
        response = client.post(route.format(**world), data={"trigger": "approve", "version": "2"})
        assert response.status_code == 400, route


@pytest.mark.parametrize(
    ("visitor", "allowed"),
    [("owner", False), ("other_applicant", False), ("reviewer", True), ("admin", False)],
)
def test_only_reviewers_can_decide(
    app: Flask, world: dict[str, Any], visitor: str, allowed: bool
) -> None:
    client = _client_for(app, visitor)
    version = str(_application(app, world["id"]).version)
    response = post(
        client,
        f"/applications/{world['id']}/fire",
        {"trigger": "approve", "version": version, "comment": ""},
    )
    assert (_application(app, world["id"]).state == "approved") is allowed
    if visitor == "other_applicant":
        assert response.status_code == 404
