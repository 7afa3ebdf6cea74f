"""Staff: the report of guards overridden, so that every exception can be accounted for."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.platform.services import services
from engine.platform.web.security import role_required
from engine.review.overrides import overrides

bp = Blueprint("overrides", __name__, url_prefix="/review")


@bp.get("/overrides")
@role_required("reviewer", "admin")
def report() -> str:
    """List every override, newest first, optionally of one workflow."""
    svc = services()
    names = svc.registry.workflow_names()
    titles = {name: svc.registry.latest(name).workflow.title for name in names}
    chosen = request.args.get("workflow", "")
    with svc.db.reading() as session:
        rows = []
        for event, application in overrides(session, chosen if chosen in titles else None):
            compiled = svc.registry.compiled(
                application.workflow, application.workflow_version, application.form_version
            )
            transition = compiled.workflow.transition(event.trigger, event.from_state or "")
            label = transition.label if transition else event.trigger
            rows.append((event, application, compiled.workflow.title, label))
    return render_template("review/overrides.html", rows=rows, titles=titles, chosen=chosen)
