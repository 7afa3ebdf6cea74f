"""`flask definitions publish`: record the current files as published versions;
`flask definitions diff`: what the files change against them, and what is under way;
`flask definitions diagrams FOLDER`: write each workflow's state diagram as SVG."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.runtime.diagram import workflow_svg
from engine.spec.change_impact import Change, form_changes, workflow_changes
from engine.store.models import Application, Definition
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


@group.command("diff")
def diff_command() -> None:
    """Say what the files change against the versions published, and what is under way."""
    svc = services()
    registry = svc.registry
    assert registry.current is not None
    changed = 0
    with svc.db.reading() as session:
        for name in registry.workflow_names():
            current = registry.latest(name)
            flow = _latest_row(session, "workflow", name)
            form = _latest_row(session, "form", current.workflow.form)
            if flow is None or form is None:
                click.echo(f"workflow {name}: not published yet; `definitions publish` records it.")
                continue
            if (flow.version, form.version) == (current.workflow.version, current.form.version):
                continue
            changed += 1
            old = registry.compiled(name, flow.version, form.version)
            changes = workflow_changes(old.workflow, current.workflow)
            changes += form_changes(old.form, current.form)
            click.echo(
                f"workflow {name}: the files ({current.workflow.version}, form "
                f"{current.form.version}) against the version published ({flow.version}, "
                f"form {form.version}):"
            )
            for change in changes or [Change("none", "", "only wording changes", False)]:
                mark = "  [applications under way]" if change.affects_in_flight else ""
                click.echo(f"  - {change.words}{mark}")
            removed = {c.subject for c in changes if c.kind == "state_removed"}
            under_way = session.execute(
                select(Application.state, func.count())
                .where(Application.workflow == name, Application.final_at.is_(None))
                .group_by(Application.state)
                .order_by(Application.state)
            ).all()
            if under_way:
                parts = [
                    f"{count} in {state}{' (a state that is removed)' if state in removed else ''}"
                    for state, count in under_way
                ]
                click.echo(
                    "  Applications under way stay on the version they started on: "
                    + ", ".join(parts)
                    + "."
                )
    if not changed:
        click.echo("The files are the versions published: nothing to change.")


def _latest_row(session: Session, kind: str, name: str) -> Definition | None:
    return session.scalar(
        select(Definition)
        .where(Definition.kind == kind, Definition.name == name)
        .order_by(Definition.id.desc())
        .limit(1)
    )


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
