"""`flask outbox deliver` and `flask outbox list`: the outbox from the command line."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from engine.platform import outbox as store
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_app_outbox

group = AppGroup("outbox", help="Deliver and inspect outgoing email.")


@group.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Most emails to send this run.")
def deliver(limit: int) -> None:
    """Send pending emails with the configured mailer and print what happened."""
    click.echo(str(deliver_app_outbox(limit)))


@group.command("list")
@click.option("--limit", default=50, show_default=True, help="How many of the newest to show.")
def list_messages(limit: int) -> None:
    """List the newest outbox messages."""
    with services().db.reading() as session:
        messages = store.recent(session, limit)
    if not messages:
        click.echo("The outbox is empty.")
        return
    for m in messages:
        created = m.created_at.strftime("%Y-%m-%d %H:%M")
        line = f"{m.id:>6}  {m.status:<8} {m.attempts}  {created}  {m.to_addr}  {m.subject}"
        click.echo(line)
        if m.last_error:
            click.echo(f"        last error: {m.last_error}")


def register(app: Flask) -> None:
    """Add the `outbox` command group to the app's CLI."""
    app.cli.add_command(group)
