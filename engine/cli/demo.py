"""`flask demo load`: a living system to try, played out from engine/cli/demo_data.yaml.

Three approved providers with their people, events in every state, counts filed and one
overdue, registrations and an access request waiting: a newcomer signs in and sees the
system at work. The story is data; engine/cli/demo_story.py plays it.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from engine.accounts.users import normalise_email
from engine.applications import obligations as owed
from engine.cli.broken_files import CheckedGroup
from engine.cli.demo_story import DemoError, Story, read_demo
from engine.platform import clock
from engine.platform.models import Application, Obligation, Organization, User
from engine.platform.services import services

group = CheckedGroup("demo", help="Load demonstration data.")


@group.command("load")
def load_command() -> None:
    """Create the demo accounts, providers and applications (skipped if already there)."""
    svc = services()
    data = read_demo()
    emails = [normalise_email(a["email"]) for a in data["accounts"]]
    with svc.db.transaction() as session:
        svc.registry.publish(session, by="demo")
        # Any demo account means the demo was loaded (records are never deleted, so
        # loading twice could only duplicate them).
        if session.scalar(select(User.id).where(User.email.in_(emails))) is not None:
            click.echo("Demo data is already loaded.")
            return
    try:
        Story(data, clock.today()).play()
    except DemoError as error:
        # Each day was committed as it was played, so the database now holds part of it.
        raise click.ClickException(
            f"The demo data is wrong and the demo stopped part way: {error}\n"
            "Fix engine/cli/demo_data.yaml, then load it into a fresh database."
        ) from error
    with svc.db.reading() as session:
        usernames = dict(
            session.execute(select(User.email, User.username).where(User.email.in_(emails))).all()
        )
        summary = _summary(session)
    click.echo("Demo accounts (sign in with the username or the email address):")
    for account in data["accounts"]:
        email = normalise_email(account["email"])
        login = usernames.get(email) or ""
        click.echo(f"  {login:<10} {email:<44} {account['password']:<17} {account['can']}")
    click.echo(summary)


def _summary(session: Session) -> str:
    """Return the one-line summary of what the demo holds."""

    def count(model: type[Any], *where: ColumnElement[bool]) -> int:
        found = session.scalar(select(func.count()).select_from(model).where(*where))
        return int(found or 0)

    today = clock.today()
    return (
        f"Demo data loaded: {count(User)} accounts, {count(Organization)} providers, "
        f"{count(Application, Application.workflow == 'event_report')} events, "
        f"{count(Application)} applications in all, "
        f"{count(Obligation, Obligation.status == owed.OPEN)} certificate counts owed "
        f"({count(Obligation, Obligation.status == owed.OPEN, Obligation.due_on < today)} "
        "overdue)."
    )


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
