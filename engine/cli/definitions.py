"""`flask definitions publish`: record the current files as published versions;
`flask definitions diagrams FOLDER`: write each workflow's state diagram as SVG."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from engine.runtime.diagram import workflow_svg
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


@group.command("diagrams")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def diagrams_command(folder: Path) -> None:
    """Write each workflow's state diagram to FOLDER/<workflow>.svg (docs/diagrams)."""
    registry = services().registry
    folder.mkdir(parents=True, exist_ok=True)
    for name in registry.workflow_names():
        path = folder / f"{name}.svg"
        path.write_text(workflow_svg(registry.latest(name).workflow) + "\n", encoding="utf-8")
        click.echo(f"Wrote {path}.")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
