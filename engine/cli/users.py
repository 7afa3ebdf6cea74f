"""`flask users create`: make accounts from the command line (staff accounts especially)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from engine.accounts import users as store
from engine.platform.roles import ROLES
from engine.platform.services import services

group = AppGroup("users", help="Manage accounts.")


def _stdin_is_tty() -> bool:
    # A function of its own so tests can play an interactive terminal.
    return sys.stdin.isatty()


@group.command("create")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    metavar="ROLE",
    help=f"One of {', '.join(ROLES)}; repeat for several. Default: applicant.",
)
@click.option("--name", default="", help="The person's full name.")
def create(email: str, roles: tuple[str, ...], name: str) -> None:
    """Create an account. The password is the first line of standard input when it is
    piped; at a terminal a password is generated and printed once."""
    roles = roles or ("applicant",)
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise click.ClickException(f"Unknown role {unknown[0]!r}; choose from {', '.join(ROLES)}.")
    email = store.normalise_email(email)
    if not store.is_valid_email(email):
        raise click.ClickException(f"{email!r} is not an email address.")
    if len(name.strip()) > 200:
        raise click.ClickException("The name must be 200 characters or fewer.")
    generated = _stdin_is_tty()
    if generated:
        password = store.generate_password()
    else:
        password = sys.stdin.readline().rstrip("\r\n")
        if not store.MIN_PASSWORD_LENGTH <= len(password) <= store.MAX_PASSWORD_LENGTH:
            raise click.ClickException(
                f"The password on standard input must be {store.MIN_PASSWORD_LENGTH} to "
                f"{store.MAX_PASSWORD_LENGTH} characters long."
            )
    try:
        with services().db.transaction() as session:
            user = store.create_user(session, email, password, roles, name)
    except store.UserExists as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created account {user.id}: {user.email} with roles {', '.join(roles)}.")
    if generated:
        click.echo(f"Password (shown only this once): {password}")


def register(app: Flask) -> None:
    """Add the `users` command group to the app's CLI."""
    app.cli.add_command(group)
