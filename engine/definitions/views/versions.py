"""Every version of an application's answers: who made it, when, by which move, what changed.

A version is the answers kept at one transition (answer_snapshots). The applicant's side
and staff may look; anybody else gets 404, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.applications.cases import load_case, today
from engine.platform.models import AnswerSnapshot, AuditEvent, User
from engine.platform.services import services
from engine.platform.web.form_view import answer_rows, diff_rows
from engine.platform.web.security import role_required
from engine.spec.model import WorkflowSpec

bp = Blueprint("versions", __name__)


@dataclass(frozen=True)
class Version:
    """One kept version of the answers, numbered from 1."""

    number: int
    at: datetime
    actor: User | None
    action: str
    state: str
    snapshot: AnswerSnapshot


def versions_of(session: Session, workflow: WorkflowSpec, application_id: int) -> list[Version]:
    """Return the versions of an application's answers, oldest first."""
    rows = session.execute(
        select(AuditEvent, AnswerSnapshot)
        .join(AnswerSnapshot, AnswerSnapshot.id == AuditEvent.snapshot_id)
        .where(AuditEvent.application_id == application_id)
        .order_by(AuditEvent.id)
    )
    labels = {t.trigger: t.label for t in workflow.transitions}
    found = []
    for number, (event, snapshot) in enumerate(rows.all(), 1):
        state = workflow.states.get(event.to_state)
        found.append(
            Version(
                number,
                event.at,
                event.actor,
                labels.get(event.trigger, event.trigger.replace("_", " ").capitalize()),
                state.label if state else event.to_state,
                snapshot,
            )
        )
    return found


@bp.get("/applications/<int:application_id>/versions")
@role_required("applicant", "reviewer", "admin")
def index(application_id: int) -> str:
    """List every version of the answers."""
    with services().db.reading() as session:
        application, compiled = load_case(session, application_id)
        found = versions_of(session, compiled.workflow, application_id)
    return render_template(
        "versions/index.html", application=application, compiled=compiled, versions=found
    )


@bp.get("/applications/<int:application_id>/versions/<int:number>")
@role_required("applicant", "reviewer", "admin")
def show(application_id: int, number: int) -> str:
    """Show one version's answers and what changed from the version before."""
    svc = services()
    with svc.db.reading() as session:
        application, compiled = load_case(session, application_id)
        found = versions_of(session, compiled.workflow, application_id)
    if not 1 <= number <= len(found):
        abort(404)
    version = found[number - 1]
    form, _ = svc.registry.form(compiled.form.name, version.snapshot.form_version)
    previous = found[number - 2].snapshot.data if number > 1 else None
    return render_template(
        "versions/show.html",
        application=application,
        compiled=compiled,
        version=version,
        total=len(found),
        pages=answer_rows(form, version.snapshot.data, today(), svc.calendar),
        diff=diff_rows(form, previous, version.snapshot.data) if previous is not None else None,
    )
