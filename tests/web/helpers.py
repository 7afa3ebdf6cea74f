"""Helpers for web tests: accounts, signing in, and posting with the CSRF token."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.accounts.users import create_user
from engine.organizations import memberships as orgs
from engine.platform import clock
from engine.platform.models import User

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]
# The administrator who edits definitions in the editor tests.
EDITOR = "ada@opi.example.gov"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

COMPLETE: dict[str, Any] = {
    "organization": {
        "legal_name": "Big Sky Teacher Academy",
        "org_type": "college",
        "accreditor": "NWCCU",
        "address-street": "1300 11th Avenue",
        "address-city": "Helena",
        "address-state": "MT",
        "address-zip": "59601",
        "phone": "406 444 3095",
        "website": "https://bigsky.example.org",
    },
    "people": {
        "manager_name": "Jordan Rivers",
        "manager_title": "Director",
        "manager_email": "jordan@bigsky.example.org",
        "manager_phone": "406 555 0100",
        "has_other_users": "no",
    },
    "learning": {
        "description": "Literacy and mathematics coaching cycles for K-8 teachers, "
        "followed by classroom visits.",
        "audiences": ["teachers"],
        "events_per_year": "12",
    },
    "attestations": {
        "attest_714": "yes",
        "attest_215": "yes",
        "attest_216": "yes",
        "attest_records": "yes",
    },
}


def make_user(app: Flask, email: str, *roles: str) -> int:
    """Create an account with the given roles; return its id."""
    services = app.extensions["formflow"]
    with services.db.transaction() as session:
        user = create_user(session, email, PASSWORD, roles=roles or ("applicant",), name=email)
        session.flush()
        return user.id


def token(client: FlaskClient, url: str = "/auth/login") -> str:
    """Return the CSRF token of this client's session."""
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str) -> Any:
    """Sign a client in (fresh session); return the sign-in's redirect."""
    client.post("/auth/logout", data={"csrf_token": token(client)})
    response = client.post(
        "/auth/login", data={"csrf_token": token(client), "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """POST a form with this session's CSRF token."""
    return client.post(url, data={"csrf_token": token(client), **data})


def start_application(client: FlaskClient) -> int:
    """Start a provider registration; return its id."""
    response = post(client, "/apply/provider_registration", {})
    assert response.status_code == 302
    match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
    assert match
    return int(match.group(1))


def fill_all(client: FlaskClient, application_id: int, **changes: Any) -> None:
    """Fill every page with valid answers (with overrides) and continue past each."""
    for page, values in COMPLETE.items():
        data = {**values, **{k: v for k, v in changes.items() if k in values}}
        response = post(
            client,
            f"/applications/{application_id}/pages/{page}",
            {**data, "action": "continue"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def fire(
    client: FlaskClient, application_id: int, trigger: str, comment: str = "", **extra: str
) -> Any:
    """Press a trigger button with the application's current version (and any other fields)."""
    version = None
    for url in ("/review/applications/{}", "/applications/{}/check", "/applications/{}"):
        page = client.get(url.format(application_id)).get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page)
        if version:
            break
    assert version, f"no decision form for application {application_id}"
    return post(
        client,
        f"/applications/{application_id}/fire",
        {"trigger": trigger, "version": version.group(1), "comment": comment, **extra},
    )


# A two-day in-person event, page by page, as the browser posts it.
EVENT: dict[str, dict[str, Any]] = {
    "about": {
        "title": "Reading coaching cycles",
        "summary": "Two days of coaching cycles for K-3 reading teachers, with practice.",
        "format": "in_person",
    },
    "schedule": {
        "dates-0-date": "2027-03-16",
        "dates-0-hours": "6",
        "dates-0-units": "6",
        "dates-1-date": "2027-03-17",
        "dates-1-hours": "6",
        "dates-1-units": "6",
    },
    "place": {"location": "Helena High School library, 1300 Billings Avenue, Helena"},
    "people": {
        "instructors-0-name": "Casey Morgan",
        "audience": ["teachers"],
        "grade_band": ["elementary"],
    },
    "alignment": {
        "objectives": "Participants plan, teach and review a reading lesson with a coach.",
        "attest_arms": "yes",
        "standards": ["learning_communities", "learning_designs"],
        "traits": ["sustained", "collaborative"],
        "evidence": "What Works Clearinghouse practice guide on foundational reading.",
    },
    "practical": {
        "cost": "Free",
        "contact_name": "Jordan Rivers",
        "contact_email": "jordan@bigsky.example.org",
        "publish": "yes",
    },
}


def start_event(client: FlaskClient) -> int:
    """Start an event report and fill every page with valid answers; return its id."""
    response = post(client, "/apply/event_report", {})
    assert response.status_code == 302
    match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
    assert match
    application_id = int(match.group(1))
    fill_event(client, application_id, EVENT)
    return application_id


def fill_event(client: FlaskClient, application_id: int, pages: dict[str, Any]) -> None:
    """Post each of these pages of an event report and continue past it."""
    for page, values in pages.items():
        response = post(
            client,
            f"/applications/{application_id}/pages/{page}",
            {**values, "action": "continue"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def make_provider(app: Flask, name: str, manager: str, *members: str) -> int:
    """Create an organization with an account manager and users (accounts must exist)."""
    services = app.extensions["formflow"]
    with services.db.transaction() as session:
        organization = orgs.create_organization(session, name=name)
        for email, role in [(manager, orgs.MANAGER), *((m, orgs.MEMBER) for m in members)]:
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None, f"make_user({email!r}) first"
            orgs.invite(session, organization, name=user.name, email=email, role=role)
        session.flush()
        return organization.id


def listed_event(app: Flask, client: FlaskClient, day: date = date(2027, 3, 1)) -> int:
    """Sign in Big Sky's account manager, report EVENT (16-17 March 2027) and list it."""
    make_user(app, "jordan@bigsky.example.org")
    make_provider(app, "Big Sky Teacher Academy", "jordan@bigsky.example.org")
    sign_in(client, "jordan@bigsky.example.org")
    with clock.frozen_at(day):
        event_id = start_event(client)
        assert fire(client, event_id, "list").status_code == 302
    return event_id


def copy_definitions(root: Path) -> Path:
    """Copy the shipped forms and workflows under root, for a test to change; return it."""
    for folder in ("forms", "workflows"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def replace_in(path: Path, old: str, new: str) -> None:
    """Change one text in a copied definition file; the text must be there."""
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def signed_in_admin(app: Flask, email: str = EDITOR) -> FlaskClient:
    """Return a client signed in as a new administrator (also a reviewer)."""
    make_user(app, email, "admin", "reviewer")
    client = app.test_client()
    sign_in(client, email)
    return client


def publish_text(client: FlaskClient, url: str, text: str) -> Any:
    """Open a definition's editor, then publish `text` from it, as the page's form does."""
    page = client.get(url).get_data(as_text=True)
    base = re.search(r'name="base" value="([0-9a-f]+)"', page)
    assert base, "the editor page carries the text it was opened on"
    return post(client, url, {"text": text, "action": "publish", "base": base.group(1)})
