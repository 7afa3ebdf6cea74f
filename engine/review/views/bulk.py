"""One decision on many applications from the queue: each fired, audited and committed alone."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from engine.applications import moves as ops
from engine.applications.attempts import Case
from engine.applications.cases import db_user, today
from engine.applications.decisions import move_context
from engine.platform.models import Application
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_commit
from engine.platform.web.security import role_required
from engine.review.queue import staff_transitions
from engine.review.selection import ItemResult, Picked, back_to_queue, picked_from_form
from engine.runtime.machine import Blocked

bp = Blueprint("bulk", __name__, url_prefix="/review")


@bp.post("/decide")
@role_required("reviewer", "admin")
def decide() -> str | Response:
    """Fire the chosen trigger on each ticked application; list what happened to each."""
    picked = picked_from_form()
    trigger = request.form.get("trigger", "")
    if not picked or not trigger:
        flash("Tick at least one application and choose a decision.", "error")
        return redirect(back_to_queue())
    comment = request.form.get("comment", "")
    # One transaction each: a refusal or a conflict on one leaves the others decided.
    results = [_decide_one(item, trigger, comment) for item in picked]
    deliver_after_commit()
    return render_template(
        "review/bulk_result.html",
        title="Decision on the selected applications",
        results=results,
        back=back_to_queue(),
    )


def _decide_one(item: Picked, trigger: str, comment: str) -> ItemResult:
    svc = services()
    try:
        with svc.db.transaction() as session:
            application = session.get(Application, item.application_id)
            if application is None:
                return ItemResult(item.reference, item.application_id, False, "not found")
            if application.version != item.version:
                # Changed since the queue was shown: what was decided on may not hold.
                raise ops.Conflict()
            case = Case(
                application,
                svc.registry.compiled(
                    application.workflow, application.workflow_version, application.form_version
                ),
            )
            flow = case.compiled.workflow
            offered = {t.trigger for t in staff_transitions(flow, application.state)}
            if trigger not in offered:
                label = flow.states[application.state].label
                return _unchanged(item, f"this decision does not apply to it ({label})")
            move = ops.MoveRequest(
                application_id=item.application_id,
                trigger=trigger,
                user=db_user(session),
                expected_version=item.version,
                today=today(),
                comment=comment,
            )
            outcome = ops.fire(session, move, move_context(), case)
            label = flow.states[outcome.dest].label
    except ops.Conflict:
        return _unchanged(item, "someone else changed it meanwhile; reload the queue to see it")
    except Blocked as blocked:
        return _unchanged(item, " ".join(b.message for b in blocked.blockers))
    return ItemResult(item.reference, item.application_id, True, f"now {label}")


def _unchanged(item: Picked, why: str) -> ItemResult:
    return ItemResult(item.reference, item.application_id, False, f"not changed: {why}")
