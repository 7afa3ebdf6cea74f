"""Assigning applications to reviewers: one from its page, or many from the queue."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.applications.cases import db_user, load_case
from engine.applications.moves import Conflict
from engine.platform.models import User
from engine.platform.services import services
from engine.platform.web.request_input import whole_number
from engine.platform.web.security import role_required
from engine.review import assignment
from engine.review.selection import ItemResult, Picked, back_to_queue, picked_from_form

bp = Blueprint("assignments", __name__, url_prefix="/review")


@bp.post("/applications/<int:application_id>/assign")
@role_required("reviewer", "admin")
def assign(application_id: int) -> Response:
    """Assign one application to the chosen reviewer, or to nobody."""
    expected = _user_id(request.form.get("expected"))
    if "expected" not in request.form or expected == -1:
        abort(400)  # the page always sends who it showed; without it nothing is safe to do
    chosen = _user_id(request.form.get("assignee", ""))
    if chosen == -1:
        abort(400)
    svc = services()
    try:
        with svc.db.transaction() as session:
            load_case(session, application_id)
            changed = assignment.assign(session, application_id, chosen, db_user(session), expected)
            name = _name(session.get(User, chosen)) if chosen is not None else None
    except assignment.NotStaff:
        flash("Only an active reviewer or administrator can be assigned.", "error")
        return redirect(url_for("review.application", application_id=application_id))
    if changed:
        flash(f"Assigned to {name}." if name else "Nobody is assigned now.", "success")
    return redirect(url_for("review.application", application_id=application_id))


@bp.post("/assign")
@role_required("reviewer", "admin")
def bulk() -> str | Response:
    """Assign each ticked application; list what happened to each."""
    picked = picked_from_form()
    chosen = _bulk_choice(request.form.get("assign_to", ""))
    if not picked or chosen == -1:
        flash("Tick at least one application and choose whom to assign them to.", "error")
        return redirect(back_to_queue())
    results = [_assign_one(item, chosen) for item in picked]
    return render_template(
        "review/bulk_result.html",
        title="Assignment of the selected applications",
        results=results,
        back=back_to_queue(),
    )


def _assign_one(item: Picked, chosen: int | None) -> ItemResult:
    svc = services()
    try:
        with svc.db.transaction() as session:
            changed = assignment.assign(
                session, item.application_id, chosen, db_user(session), item.assignee_id
            )
            name = _name(session.get(User, chosen)) if chosen is not None else None
    except Conflict:
        why = "someone else assigned it meanwhile; reload the queue to see who"
        return ItemResult(item.reference, item.application_id, False, f"not changed: {why}")
    except assignment.NotStaff:
        why = "only an active reviewer or administrator can be assigned"
        return ItemResult(item.reference, item.application_id, False, f"not changed: {why}")
    except LookupError:
        return ItemResult(item.reference, item.application_id, False, "not found")
    done = f"assigned to {name}" if name else "assigned to nobody"
    message = done if changed else f"already {done}"
    return ItemResult(item.reference, item.application_id, changed, message)


def _user_id(raw: str | None) -> int | None:
    """Read a posted user id: '' is nobody, digits an id, anything else -1 (refused)."""
    if raw is None or raw == "":
        return None
    found = whole_number(raw)
    return -1 if found is None else found


def _bulk_choice(raw: str) -> int | None:
    """Read the queue's 'Assign to' choice: me, nobody, or a user id; -1 if none chosen."""
    if raw == "me":
        return int(current_user.id)
    if raw == "nobody":
        return None
    found = whole_number(raw)
    return -1 if found is None else found


def _name(user: User | None) -> str:
    return "" if user is None else user.name or user.email
