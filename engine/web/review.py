"""Reviewers: the queue of applications waiting for a decision, and the decision page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, render_template
from sqlalchemy import select

from engine.spec.model import StateSpec, WorkflowSpec
from engine.store import applications as ops
from engine.store.models import Application
from engine.web.cases import db_user, load_case, options_for, today
from engine.web.form_view import answer_rows, diff_rows
from engine.web.security import role_required
from engine.web.services import services

bp = Blueprint("review", __name__, url_prefix="/review")


@dataclass(frozen=True)
class QueueRow:
    """One application waiting for staff."""

    application: Application
    workflow: WorkflowSpec
    state: StateSpec
    overdue: bool
    waiting_since: date


@bp.get("")
@role_required("reviewer", "admin")
def queue() -> str:
    """List applications waiting for a reviewer, oldest first, with due dates."""
    svc = services()
    now = today()
    rows = []
    with svc.db.reading() as session:
        # Only states where staff act now, in SQL; each row is then checked on its own version.
        staff_states = {
            t_source
            for name in svc.registry.workflow_names()
            for t in svc.registry.latest(name).workflow.transitions
            if set(t.roles) & {"reviewer", "admin"}
            for t_source in t.sources
        }
        candidates = session.scalars(
            select(Application)
            .where(Application.state.in_(staff_states))
            .order_by(Application.state_entered_at, Application.id)
        )
        for a in candidates:
            compiled = svc.registry.compiled(a.workflow, a.workflow_version, a.form_version)
            state = compiled.workflow.states[a.state]
            waiting_on_staff = any(
                r in ("reviewer", "admin")
                for t in compiled.workflow.transitions_from(a.state)
                for r in t.roles
            )
            if not waiting_on_staff:
                continue
            overdue = a.due_on is not None and a.due_on < now
            rows.append(QueueRow(a, compiled.workflow, state, overdue, a.state_entered_at.date()))
    return render_template("review/queue.html", rows=rows, today=now)


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
    diff = diff_rows(compiled.form, changes[0], changes[1]) if changes else None
    return render_template(
        "review/application.html",
        application=app_row,
        compiled=compiled,
        state=compiled.workflow.states[app_row.state],
        events=events,
        options=options,
        diff=diff,
        pages=answer_rows(compiled.form, app_row.answers, today(), svc.calendar),
        overdue=app_row.due_on is not None and app_row.due_on < today(),
    )
