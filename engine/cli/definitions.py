"""`flask definitions publish`: record the current files as published versions, and move
the applications under way of every workflow that declares `upgrade:`;
`flask definitions migrate [--dry-run]`: that move alone, or what it would do;
`flask definitions diff`: what the files change against them, and what is under way;
`flask definitions diagrams FOLDER`: write each workflow's state diagram as SVG."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cli.broken_files import CheckedGroup
from engine.cli.lint import pinned_problems
from engine.definitions import upgrades
from engine.platform import clock
from engine.platform.definitions import Compiled
from engine.platform.models import Application
from engine.platform.services import services
from engine.runtime.diagram import workflow_svg
from engine.spec.change_impact import Change, form_changes, workflow_changes

group = CheckedGroup("definitions", help="Publish and inspect form and workflow versions.")


@group.command("publish")
def publish_command() -> None:
    """Store every changed form and workflow file as a new version."""
    svc = services()
    svc.registry.load_files()  # the files as they are now, not as this process started
    taken = pinned_problems()
    if taken:
        for problem in taken:
            click.echo(str(problem))
        click.echo(
            "Nothing was published: put back the files named above; applications under "
            "way still use the versions that name them.",
            err=True,
        )
        raise SystemExit(1)
    with svc.db.transaction() as session:
        rows = svc.registry.publish(session, by="cli")
        for row in rows:
            click.echo(f"Published {row.kind} {row.name} version {row.version}.")
    if not rows:
        click.echo("Nothing new to publish.")
    _migrate(dry_run=False, names=(), quiet=True)


@group.command("migrate")
@click.option("--dry-run", is_flag=True, help="Say what would move, and why not; change nothing.")
@click.argument("workflows", nargs=-1)
def migrate_command(dry_run: bool, workflows: tuple[str, ...]) -> None:
    """Move applications under way onto the version in force, as its `upgrade:` says."""
    _migrate(dry_run=dry_run, names=workflows, quiet=False)


def _migrate(*, dry_run: bool, names: tuple[str, ...], quiet: bool) -> None:
    """Plan, and unless dry_run carry out, the upgrade of each workflow named (or all)."""
    svc = services()
    registry = svc.registry
    with svc.db.reading() as session:
        # What is in force is what was published last, not files edited since.
        registry.follow_published(session)
    for name in names:
        if name not in registry.workflow_names():
            raise click.BadParameter(
                f"there is no workflow '{name}' (there are {', '.join(registry.workflow_names())})"
            )
    for name in names or tuple(registry.workflow_names()):
        target = upgrades.in_force(registry, name)
        if quiet and target.workflow.upgrade is None:
            continue
        with svc.db.transaction() as session:
            if dry_run:
                items = upgrades.pending(session, registry, target, clock.today(), svc.calendar)
                results = [upgrades.Moved(i, i.plan.moves, i.plan.stays_because) for i in items]
            else:
                results = upgrades.move(
                    session, registry, target, None, clock.today(), svc.calendar
                )
        if not results:
            if not quiet:
                click.echo(f"workflow {name}: every application under way is on this version.")
            continue
        moved = sum(r.moved for r in results)
        verb = "would move" if dry_run else "moved"
        click.echo(
            f"workflow {name}: {moved} of {len(results)} applications on earlier "
            f"versions {verb} onto the version in force."
        )
        for r in results:
            item = r.pending
            if r.moved:
                where = (
                    f"{item.state} → {item.plan.state}"
                    if item.plan.state != item.state
                    else item.state
                )
                carried = ", ".join(f"{old} → {new}" for old, new in item.plan.carried)
                given = f"; answers carried over: {carried}" if carried else ""
                if item.plan.given:
                    given += f"; answers given: {', '.join(item.plan.given)}"
                click.echo(f"  {item.reference} ({where}{given}) {verb}")
            else:
                click.echo(f"  {item.reference} ({item.state}) stays: {'; '.join(r.why_not)}")


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
    changed = 0
    with svc.db.reading() as session:
        published = {(d.kind, d.name): d for d in registry.in_force(session)}
        for name in registry.workflow_names():
            current = registry.latest(name)
            flow = published.get(("workflow", name))
            form = published.get(("form", current.workflow.form))
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
            if under_way and current.workflow.upgrade is None:
                parts = [
                    f"{count} in {state}{' (a state that is removed)' if state in removed else ''}"
                    for state, count in under_way
                ]
                click.echo(
                    "  Applications under way stay on the version they started on: "
                    + ", ".join(parts)
                    + "."
                )
            _say_upgrade(session, current)
    if not changed:
        click.echo("The files are the versions published: nothing to change.")


def _say_upgrade(session: Session, current: Compiled) -> None:
    """Say what the files change for each application under way on another version, and
    what publishing them would do with it."""
    svc = services()
    target = upgrades.Target(current.workflow, current.validator)
    items = upgrades.pending(session, svc.registry, target, clock.today(), svc.calendar)
    if current.workflow.upgrade is not None:
        moving = [i for i in items if i.plan.moves]
        click.echo(
            f"  With the 'upgrade:' declared, publishing moves {len(moving)} of {len(items)} "
            "applications under way onto the new version."
        )
    for item in items:
        if item.plan.touches:
            click.echo(f"  {item.reference} ({item.state}): {'; '.join(item.plan.touches)}")
        if current.workflow.upgrade is not None and not item.plan.moves:
            click.echo(f"  {item.reference} ({item.state}) stays: {'; '.join(item.plan.why_not)}")


def register(app: Flask) -> None:
    """Add the group to the app's CLI."""
    app.cli.add_command(group)
