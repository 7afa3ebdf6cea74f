"""`flask db upgrade`: bring the database schema up to date."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from engine.platform.migrate import upgrade

group = AppGroup("db", help="Manage the database schema.")


@group.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply the Alembic migrations up to REVISION (default: the newest)."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at revision {revision}.")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
