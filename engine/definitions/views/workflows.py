"""Staff: each workflow as its state diagram, with every move written out beside it, and
the applications under way on earlier versions, which administrators can move onto the
version in force as its `upgrade:` says (what `flask definitions migrate` does)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from engine.applications.cases import today
from engine.definitions import upgrades
from engine.platform.services import services
from engine.platform.web.security import role_required
from engine.runtime.diagram import workflow_svg
from engine.runtime.upgrade import NO_UPGRADE

bp = Blueprint("workflows_admin", __name__, url_prefix="/admin/workflows")


@bp.get("")
@role_required("reviewer", "admin")
def workflows() -> str:
    """List the workflows in force."""
    registry = services().registry
    specs = [registry.latest(name).workflow for name in registry.workflow_names()]
    return render_template("admin/workflows.html", specs=specs)


@bp.get("/<name>")
@role_required("reviewer", "admin")
def workflow(name: str) -> str:
    """Show one workflow's state diagram and its moves, in force now."""
    registry = services().registry
    if name not in registry.workflow_names():
        abort(404)
    compiled = registry.latest(name)
    # The diagram is drawn by engine.runtime.diagram, which escapes every text it writes.
    diagram = Markup(workflow_svg(compiled.workflow))  # noqa: S704
    svc = services()
    with svc.db.reading() as session:
        items = upgrades.pending(
            session, registry, upgrades.in_force(registry, name), today(), svc.calendar
        )
    return render_template(
        "admin/workflow.html",
        spec=compiled.workflow,
        form=compiled.form,
        diagram=diagram,
        plans=[(compiled.workflow.title, items, len(items))] if items else [],
        no_upgrade=NO_UPGRADE,
        when="Now",
    )


@bp.post("/<name>/upgrade")
@role_required("admin")
def upgrade(name: str) -> Response:
    """Move the applications under way that can move onto the version in force."""
    svc = services()
    if name not in svc.registry.workflow_names():
        abort(404)
    move_under_way(name)
    return redirect(url_for("workflows_admin.workflow", name=name))


def move_under_way(workflow: str, titled: bool = False) -> None:
    """Move a workflow's applications under way onto its version in force, as the signed-in
    administrator; say what moved and what stays (`titled`: name the workflow first)."""
    svc = services()
    target = upgrades.in_force(svc.registry, workflow)
    with svc.db.transaction() as session:
        results = upgrades.move(
            session, svc.registry, target, current_user.id, today(), svc.calendar
        )
    if not results:
        return
    moved = sum(r.moved for r in results)
    flash(
        f"{target.workflow.title + ': ' if titled else ''}{moved} of {len(results)} "
        "applications under way moved onto the version in force.",
        "success" if moved == len(results) else "warning",
    )
    for r in results:
        if not r.moved:
            flash(f"{r.pending.reference} stays: {'; '.join(r.why_not)}", "warning")
