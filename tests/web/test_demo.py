"""`flask demo load`: providers made the real way, events in every state, one count
overdue, requests waiting; the people sign in and see it; loading twice changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from engine.cli.demo_story import DemoError, Story, read_demo, resolve
from engine.organizations.memberships import MANAGER
from engine.platform import clock
from engine.platform.models import (
    Application,
    AuditEvent,
    Base,
    Certificate,
    Membership,
    Obligation,
    Organization,
    User,
)
from tests.web.helpers import token

DEMO = read_demo()
PASSWORDS = {a["key"]: a["password"] for a in DEMO["accounts"]}


def _load(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _rows(app: Flask) -> dict[str, int]:
    with app.extensions["formflow"].db.reading() as session:
        return {
            table.name: int(session.scalar(text(f"SELECT count(*) FROM {table.name}")) or 0)
            for table in Base.metadata.sorted_tables
        }


def _signed_in(app: Flask, login: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"csrf_token": token(client), "email": login, "password": password},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def test_the_demo_is_a_living_system_loaded_once(app: Flask) -> None:
    output = _load(app)
    assert "Demo data loaded: 15 accounts, 3 providers, 11 events" in output
    assert "(1 overdue)." in output
    assert "JRivers" in output and "demo-provider-1" in output
    today = clock.today()
    with app.extensions["formflow"].db.reading() as session:
        # Three providers, numbered by their approvals, each with an account manager.
        providers = session.execute(
            select(Organization.number, User.username)
            .join(Membership, Membership.organization_id == Organization.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role == MANAGER)
            .order_by(Organization.number)
        ).all()
        assert [tuple(p) for p in providers] == [
            ("RUP-0001", "JRivers"),
            ("RUP-0002", "DWhitford"),
            ("RUP-0003", "NPetersen"),
        ]
        states = set(
            session.scalars(select(Application.state).where(Application.workflow == "event_report"))
        )
        compiled = app.extensions["formflow"].registry.latest("event_report")
        assert states == set(compiled.workflow.states)
        # Single events too, in every state; one was accepted late, with the reason kept.
        singles = set(
            session.scalars(select(Application.state).where(Application.workflow == "single_event"))
        )
        compiled = app.extensions["formflow"].registry.latest("single_event")
        assert singles == set(compiled.workflow.states)
        exceptions = session.scalars(
            select(AuditEvent.override_reason).where(AuditEvent.overridden != "")
        ).all()
        assert len(exceptions) == 1 and "summer fires" in exceptions[0]
        # Certificates for a delivered event (one revoked, with its reason) and a single event.
        issued = session.execute(
            select(Application.title, Certificate.number, Certificate.revoke_reason)
            .join(Application, Application.id == Certificate.application_id)
            .order_by(Certificate.id)
        ).all()
        assert [(t, r) for t, _, r in issued] == [
            ("Structured Literacy Foundations for K-3 Teachers", ""),
            ("Structured Literacy Foundations for K-3 Teachers", ""),
            (
                "Structured Literacy Foundations for K-3 Teachers",
                "Issued in error: attended another session.",
            ),
            ("Digital Archives Workshop", ""),
            ("Digital Archives Workshop", ""),
        ]
        overdue = session.scalars(
            select(Obligation).where(Obligation.status == "open", Obligation.due_on < today)
        ).all()
        assert len(overdue) == 1
        late = session.get(Application, overdue[0].application_id)
        assert late is not None and late.state == "delivered"
        requests = session.scalars(
            select(Application).where(Application.workflow == "access_request")
        ).all()
        assert [r.state for r in requests] == ["submitted"]
        registrations = session.scalars(
            select(Application.state).where(Application.workflow == "provider_registration")
        ).all()
        assert sorted(registrations) == sorted(
            ["approved"] * 3 + ["submitted", "changes_requested", "denied", "draft"]
        )
        # Timestamps follow the story, not the moment it was loaded.
        first = session.scalar(select(func.min(Application.created_at)))
        assert first is not None and (today - first.date()).days > 365

    # The account manager of Big Sky sees its events and the overdue count.
    jordan = _signed_in(app, "JRivers", PASSWORDS["jordan"])
    board = jordan.get("/applications").get_data(as_text=True)
    assert "Formative Assessment in the Mathematics Classroom" in board
    assert "Structured Literacy Foundations" in board
    assert "Reports you owe" in board and "Overdue" in board
    # The person who works for two providers gets the switcher.
    sam = _signed_in(app, "sam.lee@example.org", PASSWORDS["sam"])
    page = sam.get("/applications").get_data(as_text=True)
    assert 'id="switch-organization"' in page
    assert "Big Sky Teacher Academy" in page and "Treasure State Learning Cooperative" in page
    # The access request waits for Flathead Valley's account manager.
    noah = _signed_in(app, "NPetersen", PASSWORDS["noah"])
    board = noah.get("/applications").get_data(as_text=True)
    assert "Waiting for you as account manager of Flathead Valley Schools" in board
    assert "Taylor Brooks" in board
    # Staff see the overdue count first.
    reviewer = _signed_in(app, "reviewer@example.org", PASSWORDS["reviewer"])
    owed = reviewer.get("/review/obligations").get_data(as_text=True)
    assert "Overdue" in owed and "Formative Assessment" in owed

    # The public pages: reported events on /events; posted portal items on /portal.
    anyone = app.test_client()
    events = anyone.get("/events").get_data(as_text=True)
    assert "Structured Literacy Foundations for K-3 Teachers" in events
    # A single event, shown with the organization named in its answers.
    assert "Lewis and Clark in the Helena Valley" in events and "Helena Public Library" in events
    assert "Formative Assessment" not in events  # its count is overdue: not findable yet
    assert "Trauma-Informed" not in events  # listed, not yet held
    portal = anyone.get("/portal").get_data(as_text=True)
    calendar = portal[portal.index('id="calendar"') : portal.index('id="catalogue"')]
    catalogue = portal[portal.index('id="catalogue"') :]
    assert "Number Talks Across the Grades" in calendar
    assert "Rural School Leadership, a Self-Paced Course" in catalogue
    for gone in ("Classroom Technology Showcase", "Summer Institute", "Coaching Webinar"):
        assert gone not in portal  # refused, withdrawn, cancelled
    assert "Multilingual Learners in Rural Classrooms" not in portal  # waiting for staff
    with app.extensions["formflow"].db.reading() as session:
        items = session.scalars(
            select(Application.state).where(Application.workflow == "portal_item")
        ).all()
    assert sorted(items) == sorted(
        ["posted", "posted", "refused", "withdrawn", "cancelled", "submitted"]
    )

    before = _rows(app)
    assert "Demo data is already loaded." in _load(app)
    assert _rows(app) == before


def test_the_definitions_still_lint(app: Flask) -> None:
    with app.app_context():  # `lint` is a plain click command: it finds the app here
        result = app.test_cli_runner().invoke(args=["lint"])
    assert result.exit_code == 0, result.output


def test_relative_days_become_dates() -> None:
    today = date(2027, 3, 1)
    assert resolve({"a": ["today-1", {"b": "today+30"}], "c": "today", "d": "todays"}, today) == {
        "a": ["2027-02-28", {"b": "2027-03-31"}],
        "c": "2027-03-01",
        "d": "todays",
    }


def test_a_step_the_workflow_refuses_stops_the_demo_with_the_reason(app: Flask) -> None:
    event = next(a for a in DEMO["applications"] if a["workflow"] == "event_report")
    data = {
        "accounts": DEMO["accounts"][:1],
        "applications": [
            {
                "workflow": "provider_registration",
                "by": DEMO["accounts"][0]["key"],
                "started": "today-3",
                "answers": {"legal_name": "Half Done Academy"},
                "steps": [{"day": "today-2", "do": "submit"}],
            }
        ],
    }
    with app.app_context(), pytest.raises(DemoError) as stopped:
        Story(data, clock.today()).play()
    assert "Half Done Academy: submit refused" in str(stopped.value)
    data["applications"] = [{**event, "steps": [{"day": "today+1", "do": "list"}]}]
    with app.app_context(), pytest.raises(DemoError, match="dated after today"):
        Story(data, clock.today()).play()
