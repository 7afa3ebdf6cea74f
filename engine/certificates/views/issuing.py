"""The certificates page of an event: what was issued, and issuing more by form or CSV.

Everything follows the workflow's `certificates:` and `listing:` keys (see
engine.certificates.issue); nothing here knows one workflow from another.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine.applications.cases import db_user, is_staff, load_case, plays_applicant, today
from engine.certificates import issue as issuing
from engine.certificates import issued as certs
from engine.certificates import roster_form
from engine.certificates.issue import EventForCertificates
from engine.certificates.pdf import unprintable
from engine.platform.clock import utcnow
from engine.platform.definitions import Compiled
from engine.platform.models import Application
from engine.platform.services import services
from engine.platform.web.security import role_required
from engine.runtime.certificate_details import units_text
from engine.runtime.reference import reference
from engine.runtime.roster import Attendee, Unprintable, read_csv

bp = Blueprint("certificates", __name__)

MAX_UPLOAD = 1024 * 1024  # a roster of 2,000 educators is well under 200 KB
CSV_HEADER = "name,email,license number,dates attended\r\n"
# Up to this many certificates are drawn into one PDF at once; more are the worker's job.
DIRECT_PDF_LIMIT = 50


def load_event(
    session: Session, application_id: int
) -> tuple[Application, Compiled, EventForCertificates]:
    """Return an event the signed-in user may see and its certificates' view, or 404."""
    application, compiled = load_case(session, application_id)
    svc = services()
    event = issuing.event_for(session, svc.registry, application, today(), svc.calendar)
    if event is None:
        abort(404)  # the workflow has no certificates
    return application, compiled, event


def may_act(session: Session, application: Application, compiled: Compiled) -> bool:
    """Tell whether the signed-in user may issue, revoke and email (provider or staff)."""
    return is_staff() or plays_applicant(session, application, compiled)


def back(application_id: int) -> Response:
    """Redirect to the certificates page."""
    return redirect(url_for("certificates.page", application_id=application_id))


@bp.get("/applications/<int:application_id>/certificates")
@role_required("applicant", "reviewer", "admin")
def page(application_id: int) -> str:
    """Show an event's certificates and, while it may have them, the ways to add attendees."""
    return _render(application_id, roster_form.blank_rows(), [])


@bp.post("/applications/<int:application_id>/certificates")
@role_required("applicant", "reviewer", "admin")
def issue_rows(application_id: int) -> str | Response | tuple[str, int]:
    """Issue certificates to the attendees typed in; or show more rows, or every problem."""
    rows = roster_form.read_rows(request.form)
    if request.form.get("action") == "more":
        return _render(application_id, roster_form.more_rows(rows), [])
    event = _issuing_event(application_id)
    if isinstance(event, Response):
        return event
    attendees, summary = roster_form.check(rows, event, _unprintable(event))
    if summary:
        return _render(application_id, rows, summary), 400
    return _issue(application_id, attendees)


@bp.post("/applications/<int:application_id>/certificates/upload")
@role_required("applicant", "reviewer", "admin")
def upload(application_id: int) -> str | Response | tuple[str, int]:
    """Issue certificates to every attendee of a CSV file, or to none and list its problems."""
    event = _issuing_event(application_id)
    if isinstance(event, Response):
        return event
    text, problem = _uploaded_text()
    if problem:
        return _render(application_id, roster_form.blank_rows(), [], [problem]), 400
    attendees, problems = read_csv(
        text, event.dates, event.completed, event.later, _unprintable(event)
    )
    if problems:
        listed = [f"{p}." if not str(p).endswith(".") else str(p) for p in problems]
        return _render(application_id, roster_form.blank_rows(), [], listed), 400
    return _issue(application_id, attendees)


@bp.get("/applications/<int:application_id>/certificates/template.csv")
@role_required("applicant", "reviewer", "admin")
def template_csv(application_id: int) -> Response:
    """Download an empty roster with the columns a CSV upload reads."""
    with services().db.reading() as session:
        load_event(session, application_id)
    return Response(
        "\ufeff" + CSV_HEADER,  # the mark tells spreadsheets the file is UTF-8
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="roster-{reference(application_id)}.csv"'
        },
    )


def _issuing_event(application_id: int) -> EventForCertificates | Response:
    """Return the event whose certificates this person may issue now; or, when its state
    allows none, the way back saying so (403 for someone who may not act on it)."""
    with services().db.reading() as session:
        application, compiled, event = load_event(session, application_id)
        if not may_act(session, application, compiled):
            abort(403)
    if not event.open:
        label = compiled.workflow.states[application.state].label
        flash(f"Certificates cannot be issued while the event is: {label}.", "error")
        return back(application_id)
    return event


def _unprintable(event: EventForCertificates) -> Unprintable | None:
    # Names are checked against the fonts the event's certificates are printed with.
    svc = services()
    layout = svc.layouts.get(event.spec.layout)
    return None if layout is None else unprintable(layout, svc.static_dir)


def _uploaded_text() -> tuple[str, str]:
    """Return the uploaded file's text, or '' and why it cannot be read."""
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        return "", "Choose a CSV file to upload."
    data = upload.stream.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return "", "The file is larger than 1 MB; split it into smaller files."
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", (
            "The file is not UTF-8 text. In your spreadsheet, save it as "
            "“CSV UTF-8 (comma delimited)” and upload it again."
        )


def _issue(application_id: int, attendees: list[Attendee]) -> Response:
    """Issue certificates to checked attendees, all in one transaction, then go back."""
    svc = services()
    verify_base = str(current_app.config["BASE_URL"]).rstrip("/") + "/verify"
    try:
        with svc.db.transaction() as session:
            application, compiled, event = load_event(session, application_id)
            by = db_user(session)
            issued = issuing.issue_for(
                session, event, attendees, by, today(), utcnow(), verify_base
            )
            count = len(issued)
    except issuing.NotIssuable as refused:
        flash(str(refused), "error")
        return back(application_id)
    flash(f"{count:,} certificate{'' if count == 1 else 's'} issued.", "success")
    return back(application_id)


def _render(
    application_id: int,
    rows: list[roster_form.RosterRow],
    summary: list[tuple[str, str]],
    file_problems: list[str] | None = None,
) -> str:
    with services().db.reading() as session:
        application, compiled, event = load_event(session, application_id)
        issued = certs.for_application(session, application_id)
        acting = may_act(session, application, compiled)
    workflow = compiled.workflow
    context: dict[str, Any] = {
        "application": application,
        "compiled": compiled,
        "event": event,
        "item": event.item,
        "certificates": issued,
        "valid": [c for c in issued if c.revoked_at is None],
        "unsent": [c for c in issued if c.revoked_at is None and c.emailed_at is None],
        "state": workflow.states[application.state],
        "open_labels": [workflow.states[s].label for s in event.spec.states],
        "may_act": acting,
        "rows": rows,
        "errors": summary,
        "file_problems": file_problems or [],
        "direct_limit": DIRECT_PDF_LIMIT,
        "units_text": units_text,
    }
    return render_template("certificates/pages/index.html", **context)
