"""`flask definitions publish`: record the current files as published versions."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from engine.web.services import services

group = AppGroup("definitions", help="Publish and inspect form and workflow versions.")


@group.command("publish")
def publish_command() -> None:
    """Store every changed form and workflow file as a new version."""
    svc = services()
    with svc.db.transaction() as session:
        rows = svc.registry.publish(session, by="cli")
        for row in rows:
            click.echo(f"Published {row.kind} {row.name} version {row.version}.")
    if not rows:
        click.echo("Nothing new to publish.")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
