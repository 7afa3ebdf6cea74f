"""Reviewers: the queue of applications waiting for a decision, and the decision page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from engine.applications import moves as ops
from engine.applications import obligations as owed
from engine.applications.cases import db_user, load_case, options_for, today
from engine.platform.services import services
from engine.platform.web.form_view import answer_rows, diff_rows
from engine.platform.web.request_input import whole_number
from engine.platform.web.security import role_required
from engine.review.assignment import staff_members
from engine.review.queue import (
    ANYONE,
    ME,
    NOBODY,
    count,
    decisions_for,
    find,
    state_choices,
    workflow_choices,
)
from engine.review.queue_args import filter_from, query_args

bp = Blueprint("review", __name__, url_prefix="/review")

ASSIGNED_LABELS = ((ANYONE, "Anyone or nobody"), (ME, "Me"), (NOBODY, "Nobody"))


@bp.get("")
@role_required("reviewer", "admin")
def queue() -> str:
    """List applications as filtered (by default: waiting for staff), oldest first."""
    svc = services()
    now = today()
    parsed = filter_from(request.args)
    wanted = parsed.wanted
    # The count covers every match; the page reads one slice of them from the database.
    size = int(current_app.config["QUEUE_PAGE_SIZE"])
    with svc.db.reading() as session:
        total = count(session, svc.registry, wanted, current_user.id, now)
        pages = max(1, -(-total // size))
        page = min(pages, max(1, whole_number(request.args.get("page", "1")) or 1))
        offset = (page - 1) * size
        shown = find(session, svc.registry, wanted, current_user.id, now, limit=size, offset=offset)
        staff = staff_members(session)
    return render_template(
        "review/queue.html",
        rows=shown,
        total=total,
        first=(page - 1) * size + 1,
        page=page,
        pages=pages,
        today=now,
        wanted=wanted,
        errors=parsed.errors,
        args=query_args(wanted),
        workflows=workflow_choices(svc.registry),
        states=state_choices(svc.registry, wanted.workflow),
        assigned_choices=ASSIGNED_LABELS,
        staff=staff,
        decisions=decisions_for(shown),
    )


@bp.get("/applications/<int:application_id>")
@role_required("reviewer", "admin")
def application(application_id: int) -> str:
    """Show an application in full, what changed since changes were requested, and the decisions."""
    svc = services()
    with svc.db.reading() as session:
        app_row, compiled = load_case(session, application_id)
        events = ops.history(session, application_id)
        user = db_user(session)
        options = [
            (t, b)
            for t, b in options_for(session, app_row, compiled, user)
            if "applicant" not in t.roles or user.id != app_row.owner_id
        ]
        changes = ops.changes_since_request(session, compiled, app_row)
        owing = owed.for_application(session, application_id)
        staff = staff_members(session)
        assignee = app_row.assigned_to  # loaded while the session is open
    diff = diff_rows(compiled.form, changes[0], changes[1]) if changes else None
    return render_template(
        "review/application.html",
        owed=owing,
        owed_today=today(),
        application=app_row,
        compiled=compiled,
        state=compiled.workflow.states[app_row.state],
        events=events,
        options=options,
        diff=diff,
        pages=answer_rows(compiled.form, app_row.answers, today(), svc.calendar),
        overdue=app_row.due_on is not None and app_row.due_on < today(),
        staff=staff,
        assignee=assignee,
    )
