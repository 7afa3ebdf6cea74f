"""`flask demo load`: demo accounts and a few applications, so a newcomer sees it working."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select, update

from engine.store import applications as ops
from engine.store.models import Application, AuditEvent, User
from engine.store.users import create_user
from engine.web.cases import today
from engine.web.decisions import mail_settings
from engine.web.services import services

group = AppGroup("demo", help="Load demonstration data.")

# Demo passwords are public on purpose (README); `make run` is for trying the system out.
ACCOUNTS = (
    ("applicant@example.org", "Alex Applicant", ("applicant",), "demo-applicant-1"),
    ("reviewer@example.org", "Riley Reviewer", ("reviewer",), "demo-reviewer-1"),
    ("admin@example.org", "Ada Admin", ("admin", "reviewer"), "demo-admin-0001"),
)

SAMPLE: dict[str, Any] = {
    "legal_name": "Big Sky Teacher Academy",
    "org_type": "professional_organization",
    "street": "1300 11th Avenue",
    "city": "Helena",
    "state": "MT",
    "zip": "59601",
    "phone": "406 444 3095",
    "website": "https://bigsky-academy.example.org",
    "manager_name": "Jordan Rivers",
    "manager_title": "Director of Programs",
    "manager_email": "jordan@bigsky-academy.example.org",
    "manager_phone": "406 555 0100",
    "has_other_users": False,
    "description": "Workshops and coaching cycles on literacy, mathematics and classroom "
    "assessment, planned with district leaders and followed by classroom coaching.",
    "audiences": ["teachers", "administrators"],
    "events_per_year": 24,
    "attest_714": True,
    "attest_215": True,
    "attest_216": True,
    "attest_records": True,
}


@group.command("load")
def load_command() -> None:
    """Create the demo accounts and sample applications (skipped if already there)."""
    svc = services()
    with svc.db.transaction() as session:
        svc.registry.publish(session, by="demo")
        if session.scalar(select(User).where(User.email == ACCOUNTS[0][0])) is not None:
            click.echo("Demo data is already loaded.")
            return
        users = {}
        for email, name, roles, password in ACCOUNTS:
            users[email] = create_user(session, email, password, roles=roles, name=name)
        session.flush()
        applicant, reviewer = users[ACCOUNTS[0][0]], users[ACCOUNTS[1][0]]
        compiled = svc.registry.latest("provider_registration")
        samples = [
            ("Big Sky Teacher Academy", ()),
            ("Treasure State Learning Cooperative", ("submit",)),
            ("Glacier Regional Education Service", ("submit", "request_changes")),
            ("Prairie Schools Consortium", ("submit", "approve")),
        ]
        for number, (name, steps) in enumerate(samples):
            # Spread the samples over past weeks, so the queue shows one decision overdue.
            day = today() - timedelta(days=21 - 5 * number)
            application = ops.start(session, compiled, applicant)
            answers = dict(SAMPLE, legal_name=name)
            ops.save_answers(session, application, compiled, answers)
            for step in steps:
                actor = reviewer if step in ("request_changes", "approve") else applicant
                comment = (
                    "Please describe how your coaching follows up in classrooms."
                    if step == "request_changes"
                    else ""
                )
                ops.fire(
                    session,
                    svc.registry,
                    application.id,
                    step,
                    actor,
                    application.version,
                    comment,
                    day,
                    svc.calendar,
                    mail_settings(),
                )
                session.refresh(application)
            moment = datetime.combine(day, time(16, 0))
            application.created_at = application.state_entered_at = moment
            if steps:
                application.submitted_at = moment
            session.execute(
                update(AuditEvent)
                .where(AuditEvent.application_id == application.id)
                .values(at=moment)
            )
        count = session.query(Application).count()
    for email, _name, roles, password in ACCOUNTS:
        click.echo(f"  {email:<24} password {password:<18} roles {', '.join(roles)}")
    click.echo(f"Demo data loaded: {len(ACCOUNTS)} accounts, {count} applications.")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
