"""Staff: each workflow as its state diagram, with every move written out beside it."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from engine.runtime.diagram import workflow_svg
from engine.web.security import role_required
from engine.web.services import services

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
    return render_template(
        "admin/workflow.html", spec=compiled.workflow, form=compiled.form, diagram=diagram
    )
