"""What providers owe: file a report for one obligation, and the staff list of what is open."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine.applications import obligations as owed
from engine.applications.attempts import actor_for
from engine.applications.cases import db_user, load_case, today
from engine.certificates import issued as certs
from engine.obligations.filing import judge_and_file
from engine.platform.db import get_existing
from engine.platform.mail import mail_settings
from engine.platform.models import Application, Obligation
from engine.platform.services import services
from engine.platform.web.form_view import answer_rows, page_fields
from engine.platform.web.outbox_hook import deliver_after_commit
from engine.platform.web.security import role_required
from engine.runtime import reconcile
from engine.runtime.answers import read_page
from engine.spec.model import FormSpec

bp = Blueprint("obligations", __name__)


def _load(session: Session, application_id: int, obligation_id: int) -> tuple[Any, ...]:
    """Return the application, its definitions, the obligation and its spec, or 404."""
    application, compiled = load_case(session, application_id)
    obligation = session.get(Obligation, obligation_id)
    if obligation is None or obligation.application_id != application.id:
        abort(404)
    spec = compiled.workflow.obligations.get(obligation.name)
    if spec is None:
        abort(404)
    return application, compiled, obligation, spec


@bp.route(
    "/applications/<int:application_id>/obligations/<int:obligation_id>",
    methods=["GET", "POST"],
)
@role_required("applicant", "reviewer", "admin")
def report(application_id: int, obligation_id: int) -> str | Response | tuple[str, int]:
    """Show the report form of one obligation (or the filed report); on POST, file it."""
    svc = services()
    with svc.db.reading() as session:
        application, compiled, obligation, spec = _load(session, application_id, obligation_id)
        # Whoever plays `applicant` for this application files its reports (the same rule
        # as the workflow's buttons).
        owner = actor_for(session, db_user(session), application, compiled.workflow).plays(
            "applicant"
        )
        issued = certs.issued_for_report(session, spec, obligation)
    if obligation.status == owed.MET:
        version = obligation.data.get("form_version")
        form, _ = svc.registry.form(spec.form, version if isinstance(version, str) else None)
        rows = answer_rows(form, obligation.data.get("answers", {}), today(), svc.calendar)
    else:
        form, _ = svc.registry.form(spec.form)
        rows = []
    if request.method == "GET":
        # The count is filled in with the number issued here, so a provider who issued
        # every certificate in the system only has to confirm it.
        prefill = {} if issued is None or spec.reconcile is None else {spec.reconcile.field: issued}
        return _render(
            application, compiled, obligation, spec, form, prefill, [], rows, owner, issued
        )
    if not owner:
        abort(403)  # staff read reports; only the provider files them
    if obligation.status != owed.OPEN or today() < obligation.opens_on:
        flash("This report cannot be filed now.", "error")
        return redirect(url_for("applicant.status", application_id=application_id))
    answers: dict[str, Any] = {}
    for page in form.pages:
        answers.update(read_page(page.fields, request.form))
    try:
        with svc.db.transaction() as session:
            row = get_existing(session, Obligation, obligation_id)
            filing = judge_and_file(
                session,
                svc.registry,
                row,
                answers,
                current_user.id,
                today(),
                svc.calendar,
                mail_settings(),
            )
    except owed.NotOpen:
        flash("This report was already filed or is no longer owed.", "error")
        return redirect(url_for("applicant.status", application_id=application_id))
    if not filing.filed:
        errors = list(filing.problems)
        html = _render(
            application, compiled, obligation, spec, form, answers, errors, [], owner, issued
        )
        return html, 400
    deliver_after_commit()
    flash(f"Thank you. Your report for {obligation.label} is filed.", "success")
    return redirect(url_for("applicant.status", application_id=application_id))


def _render(
    application: Application,
    compiled: Any,
    obligation: Obligation,
    spec: Any,
    form: FormSpec,
    answers: dict[str, Any],
    errors: list[Any],
    rows: list[Any],
    owner: bool,
    issued: int | None = None,
) -> str:
    svc = services()
    fields = [
        view
        for page in form.pages
        for view in page_fields(form, page, answers, errors, today(), svc.calendar)
    ]
    return render_template(
        "obligations/report.html",
        application=application,
        compiled=compiled,
        obligation=obligation,
        spec=spec,
        form=form,
        fields=fields,
        errors=errors,
        summary=[(f"f-{e.path}", e.message) for e in errors],
        rows=rows,
        can_file=owner and obligation.status == owed.OPEN and today() >= obligation.opens_on,
        overdue=obligation.status == owed.OPEN and obligation.due_on < today(),
        today=today(),
        issued_notice=None if issued is None else reconcile.notice(issued, obligation.key),
        filed_issued=obligation.data.get("issued"),
    )


@bp.get("/review/obligations")
@role_required("reviewer", "admin")
def staff_list() -> str:
    """List every open obligation, the longest overdue first, and counts that differ."""
    with services().db.reading() as session:
        rows = owed.open_for_staff(session)
        differing = owed.differing_counts(session)
    now = today()
    overdue = [(o, a) for o, a in rows if o.due_on < now]
    upcoming = [(o, a) for o, a in rows if o.due_on >= now]
    return render_template(
        "obligations/staff_list.html",
        overdue=overdue,
        upcoming=upcoming,
        differing=differing,
        today=now,
    )
