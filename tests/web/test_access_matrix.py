"""Every route × every kind of visitor: who may see what, and every POST needs CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.certificates import batches
from engine.certificates import issue as issuing
from engine.platform import clock
from engine.platform.clock import utcnow
from engine.platform.models import Application, Obligation, User
from engine.runtime.roster import Attendee
from tests.web.helpers import (
    fill_all,
    fire,
    make_provider,
    make_user,
    post,
    sign_in,
    start_application,
    start_event,
)

VISITORS = (
    "anonymous",
    "owner",
    "other_applicant",
    "reviewer",
    "admin",
    "manager_a",  # account manager of provider A
    "user_a",  # a plain user of provider A
    "user_b",  # a plain user of provider B
)
LOGIN = 302  # anonymous visitors are sent to sign in

# route → expected status for each visitor, in VISITORS order. {id} is the owner's
# submitted application; {org_a} is provider A and {member_a} the id of its plain user;
# {event} is an event provider A listed (filed by its plain user) and {owed} a count it
# owes. Other applicants, and people of another provider, get 404 so nobody learns what
# exists.
GET_MATRIX: list[tuple[str, tuple[int, ...]]] = [
    ("/", (200, 200, 200, 200, 200, 200, 200, 200)),
    # The public provider directory: everyone, signed in or not.
    ("/providers", (200, 200, 200, 200, 200, 200, 200, 200)),
    # The rule book of each service: public.
    ("/rules", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/rules/single_event", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/rules/no_such_workflow", (404, 404, 404, 404, 404, 404, 404, 404)),
    # The public listing pages that workflows' `listing:` name; any other name is 404.
    ("/events", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/portal", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/no-such-listing", (404, 404, 404, 404, 404, 404, 404, 404)),
    ("/auth/login", (200, 200, 200, 200, 200, 200, 200, 200)),
    # Help is for everyone; a topic that has no file is 404 for everyone.
    ("/help", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/help/issuing-certificates", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/help/no-such-topic", (404, 404, 404, 404, 404, 404, 404, 404)),
    ("/auth/signup", (200, 302, 302, 302, 302, 302, 302, 302)),
    ("/auth/forgot-password", (200, 200, 200, 200, 200, 200, 200, 200)),
    # Educators need no account: anyone may ask for a code; without one, the code and
    # certificate pages send them back to ask.
    ("/educator", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/educator/code", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("/educator/certificates", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("/auth/set-password/not-a-token", (400, 400, 400, 400, 400, 400, 400, 400)),
    ("/auth/signup/confirm/not-a-token", (400, 400, 400, 400, 400, 400, 400, 400)),
    # What was sent as a session ended: only for its signed-in owner (none here: home).
    ("/auth/resume", (LOGIN, 302, 302, 302, 302, 302, 302, 302)),
    ("/account", (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    ("/account/password", (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    ("/applications", (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    ("/apply/provider_registration", (LOGIN, 200, 200, 403, 403, 200, 200, 200)),
    # No organization: key, so anyone who applies may start one, in a provider or not.
    ("/apply/single_event", (LOGIN, 200, 200, 403, 403, 200, 200, 200)),
    (
        "/apply/provider_registration?organization_name=Alpha",
        (LOGIN, 200, 200, 403, 403, 200, 200, 200),
    ),
    ("/apply/no_such_workflow", (LOGIN, 404, 404, 403, 403, 404, 404, 404)),
    # organization: chosen; an unknown ?organization= only leaves the choice open.
    ("/apply/access_request?organization=RUP-9999", (LOGIN, 200, 200, 403, 403, 200, 200, 200)),
    ("/applications/{id}", (LOGIN, 200, 404, 302, 302, 404, 404, 404)),
    ("/applications/{id}/check", (LOGIN, 200, 404, 403, 403, 404, 404, 404)),
    ("/applications/{id}/pages/organization", (LOGIN, 302, 404, 403, 403, 404, 404, 404)),
    ("/applications/{id}/versions", (LOGIN, 200, 404, 200, 200, 404, 404, 404)),
    ("/applications/{id}/versions/1", (LOGIN, 200, 404, 200, 200, 404, 404, 404)),
    ("/applications/{id}/versions/9", (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    # A provider's event: its people see it, nobody of another provider does.
    ("/applications/{event}", (LOGIN, 404, 404, 302, 302, 200, 200, 404)),
    ("/applications/{event}/check", (LOGIN, 404, 404, 403, 403, 200, 200, 404)),
    ("/applications/{event}/versions", (LOGIN, 404, 404, 200, 200, 200, 200, 404)),
    ("/applications/{event}/obligations/{owed}", (LOGIN, 404, 404, 200, 200, 200, 200, 404)),
    ("/applications/{id}/obligations/{owed}", (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    # An event's certificates: its provider's people and staff; only events have them.
    ("/applications/{event}/certificates", (LOGIN, 404, 404, 200, 200, 200, 200, 404)),
    ("/applications/{id}/certificates", (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    (
        "/applications/{event}/certificates/template.csv",
        (LOGIN, 404, 404, 200, 200, 200, 200, 404),
    ),
    ("/applications/{event}/certificates/{cert}.pdf", (LOGIN, 404, 404, 200, 200, 200, 200, 404)),
    ("/applications/{event}/certificates/all.pdf", (LOGIN, 404, 404, 200, 200, 200, 200, 404)),
    (
        "/applications/{event}/certificates/{cert}/revoke",
        (LOGIN, 404, 404, 200, 200, 200, 200, 404),
    ),
    (
        "/applications/{event}/certificates/batches/{batch}",
        (LOGIN, 404, 404, 200, 200, 200, 200, 404),
    ),
    (
        "/applications/{event}/certificates/batches/{batch}.pdf",
        (LOGIN, 404, 404, 200, 200, 200, 200, 404),
    ),
    # Verifying a certificate is public; an unknown code is 404 for everyone.
    ("/verify", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/verify/{code}", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("/verify/ZZZZZZZZZZ", (404, 404, 404, 404, 404, 404, 404, 404)),
    ("/review", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/review/obligations", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/review/overrides", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    # The queue as CSV: staff only.
    ("/review/export.csv", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/review/applications/{id}", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/review/applications/{event}", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/admin/outbox", (LOGIN, 403, 403, 403, 200, 403, 403, 403)),
    # The workflows and their diagrams: staff.
    ("/admin/workflows", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/admin/workflows/event_report", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/admin/workflows/no_such_workflow", (LOGIN, 403, 403, 404, 404, 403, 403, 403)),
    # Editing the definitions: administrators only.
    ("/admin/definitions", (LOGIN, 403, 403, 403, 200, 403, 403, 403)),
    ("/admin/definitions/workflow/single_event", (LOGIN, 403, 403, 403, 200, 403, 403, 403)),
    # Every publication of a definition, with its changes: administrators only.
    (
        "/admin/definitions/workflow/single_event/versions",
        (LOGIN, 403, 403, 403, 200, 403, 403, 403),
    ),
    (
        "/admin/definitions/form/single_event_application",
        (LOGIN, 403, 403, 403, 200, 403, 403, 403),
    ),
    ("/admin/definitions/workflow/no_such", (LOGIN, 403, 403, 403, 404, 403, 403, 403)),
    ("/admin/outbox/1", (LOGIN, 403, 403, 403, 200, 403, 403, 403)),
    ("/admin/users", (LOGIN, 403, 403, 403, 200, 403, 403, 403)),
    # The people of the provider one works for now: 404 for people who work for none,
    # read-only for its users, changes for its account manager only.
    ("/organization/people", (LOGIN, 404, 404, 404, 404, 200, 200, 200)),
    ("/organization/people/{member_a}/remove", (LOGIN, 404, 404, 404, 404, 200, 403, 403)),
    ("/organization/people/{member_a}/hand-over", (LOGIN, 404, 404, 404, 404, 200, 403, 403)),
    # Staff's provider pages: reviewers and admins.
    ("/admin/providers", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    ("/admin/providers/{org_a}", (LOGIN, 403, 403, 200, 200, 403, 403, 403)),
    (
        "/admin/providers/{org_a}/people/{member_a}/remove",
        (LOGIN, 403, 403, 200, 200, 403, 403, 403),
    ),
    (
        "/admin/providers/{org_a}/people/{member_a}/hand-over",
        (LOGIN, 403, 403, 200, 200, 403, 403, 403),
    ),
]

POST_ROUTES = [
    "/auth/logout",
    "/auth/resume",
    "/admin/definitions/workflow/single_event",
    "/admin/definitions/workflow/single_event/preview",
    "/educator",
    "/educator/code",
    "/educator/sign-out",
    "/auth/forgot-password",
    "/auth/set-password/not-a-token",
    "/auth/signup/confirm/not-a-token",
    "/account/password",
    "/organization/switch",
    "/organization/people",
    "/organization/people/{member_a}/remove",
    "/organization/people/{member_a}/hand-over",
    "/admin/providers/{org_a}",
    "/admin/providers/{org_a}/status",
    "/admin/providers/{org_a}/people/{member_a}/remove",
    "/admin/providers/{org_a}/people/{member_a}/hand-over",
    "/apply/provider_registration",
    "/apply/access_request",
    "/apply/single_event",
    "/applications/{id}/pages/organization",
    "/applications/{id}/fire",
    "/applications/{event}/obligations/{owed}",
    "/applications/{event}/certificates",
    "/applications/{event}/certificates/upload",
    "/applications/{event}/certificates/batches",
    "/applications/{event}/certificates/email",
    "/applications/{event}/certificates/{cert}/revoke",
    "/applications/{event}/certificates/{cert}/email",
    "/review/applications/{id}/assign",
    "/review/assign",
    "/review/decide",
    "/admin/outbox/1/send-again",
    "/admin/workflows/single_event/upgrade",
]
# Any id fits a route's pattern when checking that the matrix covers every route.
SAMPLE_IDS = {
    "id": 1,
    "org_a": 1,
    "member_a": 1,
    "colleague_a": 1,
    "event": 2,
    "owed": 1,
    "cert": 1,
    "batch": 1,
    "code": "7F3K9Q2WX4",
}

EMAILS = {
    "owner": "owner@example.org",
    "other_applicant": "other@example.org",
    "reviewer": "reviewer@example.org",
    "admin": "admin@example.org",
    "manager_a": "manager@a.example.org",
    "user_a": "user@a.example.org",
    "user_b": "user@b.example.org",
}

STAFF_ROLES = {"reviewer": ("reviewer",), "admin": ("admin",)}
# A second user of provider A, who is handed the manager role in the POST matrix.
COLLEAGUE_A = "colleague@a.example.org"


@pytest.fixture
def world(app: Flask) -> Iterator[dict[str, Any]]:
    """An owner with a submitted application, another applicant, staff, two providers,
    and an event of provider A delivered and owing counts; on a day after its first date."""
    for visitor, email in EMAILS.items():
        make_user(app, email, *STAFF_ROLES.get(visitor, ()))
    make_user(app, "manager@b.example.org")
    make_user(app, COLLEAGUE_A)
    org_a = make_provider(app, "Alpha Academy", EMAILS["manager_a"], EMAILS["user_a"], COLLEAGUE_A)
    make_provider(app, "Beta Schools", "manager@b.example.org", EMAILS["user_b"])
    client = app.test_client()
    sign_in(client, "owner@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    fire(client, application_id, "submit")
    provider = app.test_client()
    sign_in(provider, EMAILS["user_a"])
    with clock.frozen_at(date(2027, 3, 1)):
        event_id = start_event(provider)
        fire(provider, event_id, "list")
    with app.extensions["formflow"].db.reading() as session:
        member_a = session.scalar(select(User.id).where(User.email == EMAILS["user_a"]))
        colleague_a = session.scalar(select(User.id).where(User.email == COLLEAGUE_A))
        owed = session.scalars(select(Obligation.id).where(Obligation.application_id == event_id))
        first = min(owed)
    cert, code, batch = _certificate_and_batch(app, event_id, member_a)
    with clock.frozen_at(date(2027, 3, 20)):
        yield {
            "id": application_id,
            "org_a": org_a,
            "member_a": member_a,
            "colleague_a": colleague_a,
            "event": event_id,
            "owed": first,
            "cert": cert,
            "code": code,
            "batch": batch,
        }


def _certificate_and_batch(app: Flask, event_id: int, by: int) -> tuple[int, str, int]:
    """Issue one certificate for the event, and make a batch PDF of it."""
    svc = app.extensions["formflow"]
    day = date(2027, 3, 20)
    attendee = Attendee("Ann Lee", "ann@school.example.org", "", (date(2027, 3, 16),))
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        event = issuing.event_for(session, svc.registry, application, day, svc.calendar)
        assert event is not None
        (certificate,) = issuing.issue_for(
            session, event, [attendee], session.get(User, by), day, utcnow(), "http://x/verify"
        )
        batch = batches.request_batch(session, application, None)
        ids = certificate.id, certificate.code, batch.id
    assert batches.make_pending(svc.db, svc.registry, svc.layouts, svc.static_dir) == 1
    return ids


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found


def _client_for(app: Flask, visitor: str) -> Any:
    client = app.test_client()
    if visitor in EMAILS:
        sign_in(client, EMAILS[visitor])
    return client


def test_the_matrix_covers_every_route(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(r.format(**SAMPLE_IDS))[0] for r, _ in GET_MATRIX}
    covered |= {adapter.match(r.format(**SAMPLE_IDS), method="POST")[0] for r in POST_ROUTES}
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
    [
        ("owner", False),
        ("other_applicant", False),
        ("reviewer", True),
        ("admin", False),
        ("manager_a", False),
    ],
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
    if visitor in ("other_applicant", "manager_a"):
        assert response.status_code == 404


OK = 0  # allowed: the route does its work (or refuses the empty form), it does not deny
# Every state-changing route × every visitor, with a valid CSRF token and an empty form:
# who is refused, and how. Removals and hand-overs come after the rest, since they change
# who works for provider A (a hand-over demotes the manager), and signing out comes last.
POST_MATRIX: list[tuple[str, tuple[int, ...]]] = [
    ("/auth/login", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/auth/signup", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/auth/forgot-password", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/auth/set-password/not-a-token", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/auth/signup/confirm/not-a-token", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/educator", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/educator/code", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/educator/sign-out", (OK, OK, OK, OK, OK, OK, OK, OK)),
    ("/account/password", (LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    ("/auth/resume", (LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    ("/organization/switch", (LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    ("/organization/people", (LOGIN, 404, 404, 404, 404, OK, 403, 403)),
    ("/admin/providers/{org_a}", (LOGIN, 403, 403, OK, OK, 403, 403, 403)),
    ("/admin/providers/{org_a}/status", (LOGIN, 403, 403, OK, OK, 403, 403, 403)),
    ("/apply/provider_registration", (LOGIN, OK, OK, 403, 403, OK, OK, OK)),
    ("/apply/access_request", (LOGIN, OK, OK, 403, 403, OK, OK, OK)),
    ("/apply/event_report", (LOGIN, 403, 403, 403, 403, OK, OK, OK)),
    # Only people who work for a provider send portal items.
    ("/apply/portal_item", (LOGIN, 403, 403, 403, 403, OK, OK, OK)),
    ("/apply/single_event", (LOGIN, OK, OK, 403, 403, OK, OK, OK)),
    ("/applications/{id}/pages/organization", (LOGIN, OK, 404, 403, 403, 404, 404, 404)),
    ("/applications/{id}/fire", (LOGIN, OK, 404, OK, OK, 404, 404, 404)),
    ("/applications/{event}/pages/about", (LOGIN, 404, 404, 403, 403, OK, OK, 404)),
    ("/applications/{event}/fire", (LOGIN, 404, 404, OK, OK, OK, OK, 404)),
    # Staff read reports; only the provider files them.
    ("/applications/{event}/obligations/{owed}", (LOGIN, 404, 404, 403, 403, OK, OK, 404)),
    ("/admin/outbox/1/send-again", (LOGIN, 403, 403, 403, OK, 403, 403, 403)),
    # Moving applications onto the version in force: administrators only.
    ("/admin/workflows/single_event/upgrade", (LOGIN, 403, 403, 403, OK, 403, 403, 403)),
    # An empty text is checked and refused (400), never written: allowed, not denied.
    ("/admin/definitions/workflow/single_event", (LOGIN, 403, 403, 403, OK, 403, 403, 403)),
    # The live preview checks an empty text too, and writes nothing.
    (
        "/admin/definitions/workflow/single_event/preview",
        (LOGIN, 403, 403, 403, OK, 403, 403, 403),
    ),
    # Issuing (an empty form is refused), batches, email: the provider's people and staff.
    ("/applications/{event}/certificates", (LOGIN, 404, 404, OK, OK, OK, OK, 404)),
    ("/applications/{event}/certificates/upload", (LOGIN, 404, 404, OK, OK, OK, OK, 404)),
    ("/applications/{event}/certificates/batches", (LOGIN, 404, 404, OK, OK, OK, OK, 404)),
    ("/applications/{event}/certificates/email", (LOGIN, 404, 404, OK, OK, OK, OK, 404)),
    ("/applications/{event}/certificates/{cert}/email", (LOGIN, 404, 404, OK, OK, OK, OK, 404)),
    # Revoking without a reason is refused; others' certificates are 404.
    (
        "/applications/{event}/certificates/{cert}/revoke",
        (LOGIN, 404, 404, OK, OK, OK, OK, 404),
    ),
    # Assigning and deciding in bulk: staff only (an empty form is refused as incomplete).
    ("/review/applications/{id}/assign", (LOGIN, 403, 403, OK, OK, 403, 403, 403)),
    ("/review/applications/{event}/assign", (LOGIN, 403, 403, OK, OK, 403, 403, 403)),
    ("/review/assign", (LOGIN, 403, 403, OK, OK, 403, 403, 403)),
    ("/review/decide", (LOGIN, 403, 403, OK, OK, 403, 403, 403)),
    ("/organization/people/{member_a}/remove", (LOGIN, 404, 404, 404, 404, OK, 403, 403)),
    (
        "/admin/providers/{org_a}/people/{member_a}/remove",
        (LOGIN, 403, 403, OK, OK, 403, 403, 403),
    ),
    ("/organization/people/{colleague_a}/hand-over", (LOGIN, 404, 404, 404, 404, OK, 403, 403)),
    (
        "/admin/providers/{org_a}/people/{colleague_a}/hand-over",
        (LOGIN, 403, 403, OK, OK, 403, 403, 403),
    ),
    # Signing out works for everyone, and lands on the sign-in page.
    ("/auth/logout", (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
]


def test_the_post_matrix_covers_every_state_changing_route(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    posted = {
        adapter.match(route.format(**SAMPLE_IDS), method="POST")[0] for route, _ in POST_MATRIX
    }
    changing = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods and "POST" in rule.methods and rule.endpoint != "static"
    }
    assert changing - posted == set(), "POST routes missing from the POST matrix"


def _denied_how(response: Any) -> int:
    """Return the status if the visitor was refused (sent to sign in, 403, 404), else OK."""
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code in (401, 403, 404):
        return int(response.status_code)
    return OK


@pytest.mark.parametrize("visitor", VISITORS)
def test_post_matrix(app: Flask, world: dict[str, Any], visitor: str) -> None:
    client = _client_for(app, visitor)
    got = {}
    for route, expected in POST_MATRIX:
        url = route.format(**world)
        response = post(client, url, {})
        assert response.status_code < 500, f"{visitor} {url}: {response.status_code}"
        got[url] = (_denied_how(response), expected[VISITORS.index(visitor)])
    wrong = {url: pair for url, pair in got.items() if pair[0] != pair[1]}
    assert not wrong, f"{visitor}: (got, expected; 0 = allowed) {wrong}"
