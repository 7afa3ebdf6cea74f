"""`flask retention`: list what may be purged, purge it with --apply, and legal holds."""

from __future__ import annotations

import getpass

import click
from flask import Flask
from flask.cli import with_appcontext

from engine.operations import retention
from engine.platform.clock import utcnow
from engine.platform.services import services


@click.group(
    "retention",
    invoke_without_command=True,
    help="List applications past their retention period; purge them with --apply.",
)
@click.option("--apply", is_flag=True, help="Purge what is listed (not held).")
@click.option("--by", default="cli", help="Who is purging, for the purge log.")
@click.pass_context
@with_appcontext
def group(ctx: click.Context, apply: bool, by: str) -> None:
    """List expired applications; with --apply, purge those not under legal hold."""
    if ctx.invoked_subcommand is not None:
        return
    svc = services()
    now = utcnow()
    with svc.db.reading() as session:
        candidates = retention.expired(session, svc.registry, now)
    if not candidates:
        click.echo("Nothing is past its retention period.")
        return
    purged = 0
    for c in candidates:
        status = f"held: {c.hold_reason}" if c.held else "may be purged"
        click.echo(
            f"{c.application_id:>6}  {c.workflow}  final {c.final_at:%Y-%m-%d}  "
            f"kept until {c.keep_until:%Y-%m-%d}  {status}"
        )
        if apply and not c.held:
            try:
                with svc.db.transaction() as session:
                    retention.purge(session, svc.registry, c.application_id, now, by)
                purged += 1
            except retention.Held:
                click.echo(f"{c.application_id:>6}  not purged: put on hold meanwhile")
    if apply:
        click.echo(f"Purged {purged} application{'s' if purged != 1 else ''}.")
    else:
        click.echo("Nothing was deleted; run again with --apply to purge.")


def _operator() -> str:
    # Who typed the command: the account on the server, named in the history.
    return f"{getpass.getuser()} (command line)"


@group.command("hold")
@click.argument("application_id", type=int)
@click.option("--reason", required=True, help="Why it must be kept (shown in lists).")
def hold_command(application_id: int, reason: str) -> None:
    """Put an application under legal hold: it will never be purged while held."""
    with services().db.transaction() as session:
        retention.set_hold(session, application_id, reason, _operator(), held=True)
    click.echo(f"Application {application_id} is under legal hold: {reason}")


@group.command("release")
@click.argument("application_id", type=int)
@click.option("--reason", required=True, help="Why the hold is lifted (kept in the history).")
def release_command(application_id: int, reason: str) -> None:
    """Lift the legal hold of an application."""
    with services().db.transaction() as session:
        retention.set_hold(session, application_id, reason, _operator(), held=False)
    click.echo(f"Application {application_id} is no longer under legal hold.")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
