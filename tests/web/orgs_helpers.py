"""Helpers for organization web tests: providers with people, and a member workflow."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.organizations import memberships as orgs
from engine.platform.models import Application, Membership, Organization, OutboxMessage, User
from tests.conftest import ROOT, make_test_app
from tests.web.helpers import make_user, post

FIXTURES = ROOT / "tests" / "fixtures" / "definitions"


def app_with_member_workflow(database_url: str, tmp_path: Path, **config: Any) -> Flask:
    """An app running the shipped definitions plus the fixture `shared` (organization: member)."""
    root = tmp_path / "definitions"
    shutil.copytree(ROOT / "forms", root / "forms")
    shutil.copytree(ROOT / "workflows", root / "workflows")
    shutil.copy(FIXTURES / "forms" / "people.yaml", root / "forms")
    shutil.copy(FIXTURES / "workflows" / "shared.yaml", root / "workflows")
    return make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root), **config)


def make_provider(app: Flask, name: str, manager: str, *members: str) -> str:
    """Create an active provider with a manager and members who can sign in; return its number."""
    for email in (manager, *members):
        make_user(app, email)
    with app.extensions["formflow"].db.transaction() as session:
        organization = orgs.create_organization(session, name=name, email=manager)
        orgs.invite(session, organization, name=f"Manager {name}", email=manager, role="manager")
        for email in members:
            orgs.invite(session, organization, name=email, email=email)
        return organization.number


def start(client: FlaskClient, workflow: str, **data: str) -> int:
    """Start an application of a workflow; return its id."""
    response = post(client, f"/apply/{workflow}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
    assert match
    return int(match.group(1))


def application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found


def organization(app: Flask, number: str) -> Organization | None:
    with app.extensions["formflow"].db.reading() as session:
        return session.scalar(select(Organization).where(Organization.number == number))


def memberships(app: Flask, number: str) -> dict[str, tuple[str, str | None]]:
    """Return email -> (role, username) for everyone who works for the organization."""
    with app.extensions["formflow"].db.reading() as session:
        rows = session.execute(
            select(User.email, Membership.role, User.username)
            .join(Membership, Membership.user_id == User.id)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Organization.number == number)
        ).all()
    return {email: (role, username) for email, role, username in rows}


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.extensions["formflow"].db.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
