"""Applicants: start an application, fill it page by page, check answers, submit, follow it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.applications import moves as ops
from engine.applications import obligations as owed
from engine.applications.cases import (
    db_user,
    is_staff,
    load_case,
    options_for,
    plays_applicant,
    today,
)
from engine.applications.dashboard import build_dashboard
from engine.applications.decisions import fire_from_request
from engine.organizations.choice import choose_organization
from engine.organizations.current import current_membership, my_memberships
from engine.organizations.similar import check_similar
from engine.platform.db import get_existing
from engine.platform.definitions import Compiled
from engine.platform.models import Application, Organization
from engine.platform.services import services
from engine.platform.web.form_view import answer_rows, page_fields
from engine.platform.web.request_input import whole_number
from engine.platform.web.security import role_required
from engine.runtime.answers import drop_blank_items, merge, read_page, too_long
from engine.runtime.machine import Blocked
from engine.runtime.validation import AnswerError

bp = Blueprint("applicant", __name__)


@bp.get("/applications")
@role_required("applicant", "reviewer", "admin")
def dashboard() -> str:
    """List the user's applications, their organization's, and those waiting for them."""
    svc = services()
    with svc.db.reading() as session:
        board = build_dashboard(
            session,
            svc.registry,
            current_user.id,
            current_membership(),
            frozenset(m.organization_id for m in my_memberships()),
        )
        listed = {row.application.id: row.application.title for row in board.mine}
        owing = owed.open_for_applications(session, list(listed))
    return render_template(
        "applicant/dashboard.html",
        board=board,
        workflows=_startable(),
        owing=[(o, listed.get(o.application_id, "")) for o in owing],
        owed_today=today(),
    )


def _startable() -> list[Any]:
    registry = services().registry
    return [registry.latest(name).workflow for name in registry.workflow_names()]


@bp.route("/apply/<workflow>", methods=["GET", "POST"])
@role_required("applicant")
def start(workflow: str) -> str | Response | tuple[str, int]:
    """Show what an application asks for; on POST, create a draft and open its first page."""
    registry = services().registry
    if workflow not in registry.workflow_names():
        abort(404)
    compiled = registry.latest(workflow)
    choice = choose_organization(compiled.workflow)
    if request.method == "GET" or choice.problem:
        similar = check_similar(compiled.workflow)
        page = render_template(
            "applicant/start.html", compiled=compiled, choice=choice, similar=similar
        )
        return (page, 400) if request.method == "POST" else page
    if choice.refused:
        abort(403)
    organization_id = choice.organization.id if choice.organization else None
    with services().db.transaction() as session:
        registry.ensure_published(session)
        application = ops.start(session, compiled, db_user(session), organization_id)
        application_id = application.id
    first = compiled.form.pages[0].id
    return redirect(url_for("applicant.page", application_id=application_id, page_id=first))


@bp.route("/applications/<int:application_id>/pages/<page_id>", methods=["GET", "POST"])
@role_required("applicant")
def page(application_id: int, page_id: str) -> str | Response | tuple[str, int]:
    """Show one page of the form; on POST save it and go on, or show every error at once."""
    svc = services()
    with svc.db.reading() as session:
        application, compiled = load_case(session, application_id)
        if not plays_applicant(session, application, compiled):
            abort(404)
    form = compiled.form
    try:
        spec_page = form.page(page_id)
    except KeyError:
        abort(404)
    editable = compiled.workflow.states[application.state].editable
    if not editable:
        flash("This application can no longer be changed.", "warning")
        return redirect(url_for("applicant.status", application_id=application_id))
    answers: dict[str, Any] = dict(application.answers)
    errors: list[Any] = []
    if request.method == "POST":
        action = request.form.get("action", "continue")
        values = read_page(spec_page.fields, request.form)
        answers = merge(answers, values)
        oversized = _too_long(spec_page.fields, values)
        if oversized:
            # Not even a draft may hold more than the form allows: shown, never stored.
            return _render_page(application, compiled, spec_page, answers, oversized), 400
        if action.startswith("add:") or action.startswith("remove:"):
            answers = _change_items(answers, action)
            _save(application, compiled, answers)
            return _render_page(application, compiled, spec_page, answers, [], focus=action)
        answers = drop_blank_items(form, answers)
        _save(application, compiled, answers)
        if action == "save":
            flash("Your answers are saved. You can come back and finish at any time.", "success")
            return redirect(url_for("applicant.status", application_id=application_id))
        errors = compiled.validator.validate(
            answers, today(), pages=[spec_page.id], calendar=svc.calendar
        )
        if not errors:
            return redirect(_next_url(application_id, compiled, spec_page.id))
        return _render_page(application, compiled, spec_page, answers, errors), 400
    return _render_page(application, compiled, spec_page, answers, errors)


def _save(application: Application, compiled: Compiled, answers: dict[str, Any]) -> None:
    with services().db.transaction() as session:
        fresh = get_existing(session, Application, application.id)
        ops.save_answers(session, fresh, compiled, answers)


def _too_long(fields: Any, values: dict[str, Any]) -> list[AnswerError]:
    return [
        AnswerError(
            name,
            name.rsplit("-", 1)[-1],
            "maxLength",
            f"Shorten this to {limit:,} characters or fewer.",
        )
        for name, limit in too_long(fields, values).items()
    ]


def _change_items(answers: dict[str, Any], action: str) -> dict[str, Any]:
    parts = action.split(":")
    group = parts[1]
    items = list(answers.get(group) or [])
    if parts[0] == "add":
        items.append({})
    elif len(parts) == 3 and (index := whole_number(parts[2])) is not None and index < len(items):
        items.pop(index)
    answers = dict(answers)
    answers[group] = items
    return answers


def _next_url(application_id: int, compiled: Compiled, page_id: str) -> str:
    ids = [p.id for p in compiled.form.pages]
    position = ids.index(page_id)
    if position + 1 < len(ids):
        return url_for("applicant.page", application_id=application_id, page_id=ids[position + 1])
    return url_for("applicant.check", application_id=application_id)


def _render_page(
    application: Application,
    compiled: Compiled,
    spec_page: Any,
    answers: dict[str, Any],
    errors: list[Any],
    focus: str | None = None,
) -> str:
    pages = compiled.form.pages
    number = [p.id for p in pages].index(spec_page.id) + 1
    fields = page_fields(compiled.form, spec_page, answers, errors, today(), services().calendar)
    if focus and focus.startswith("add:"):
        # Keyboard users land in the item they just added, not back at the top.
        _focus_last_item(fields, focus.split(":", 1)[1])
    return render_template(
        "applicant/page.html",
        application=application,
        compiled=compiled,
        page=spec_page,
        number=number,
        total=len(pages),
        fields=fields,
        errors=errors,
        summary=[(f"f-{e.path}", e.message) for e in errors],
    )


def _focus_last_item(fields: list[Any], group: str) -> None:
    for view in fields:
        if view.spec.id == group and view.items and view.items[-1].fields:
            view.items[-1].fields[0].autofocus = True


@bp.route("/applications/<int:application_id>/check", methods=["GET"])
@role_required("applicant")
def check(application_id: int) -> str | Response | tuple[str, int]:
    """Show every answer with change links and the submit button (check your answers)."""
    svc = services()
    with svc.db.reading() as session:
        application, compiled = load_case(session, application_id)
        if not plays_applicant(session, application, compiled):
            abort(404)
        user = db_user(session)
        options = options_for(session, application, compiled, user)
    errors = compiled.validator.validate(application.answers, today(), calendar=svc.calendar)
    return render_template(
        "applicant/check.html",
        application=application,
        compiled=compiled,
        pages=answer_rows(compiled.form, application.answers, today(), svc.calendar),
        errors=errors,
        options=options,
        page_of={e.path: compiled.form.page_of(e.path.split("-", 1)[0]).id for e in errors},
    )


@bp.get("/applications/<int:application_id>")
@role_required("applicant", "reviewer", "admin")
def status(application_id: int) -> str | Response:
    """Show an application's state, history and reviewers' comments."""
    svc = services()
    with svc.db.reading() as session:
        application, compiled = load_case(session, application_id)
        if application.owner_id != current_user.id and is_staff():
            return redirect(url_for("review.application", application_id=application_id))
        events = ops.history(session, application_id)
        user = db_user(session)
        options = options_for(session, application, compiled, user)
        applicant = plays_applicant(session, application, compiled)
        organization_id = application.organization_id
        organization = session.get(Organization, organization_id) if organization_id else None
        owing = owed.for_application(session, application_id)
    # The applicant's own moves are buttons; anyone else's (an account manager deciding)
    # go in a decision box with a comment, as on the review page.
    moves = [option for option in options if applicant and "applicant" in option[0].roles]
    decisions = [option for option in options if option not in moves]
    return render_template(
        "applicant/status.html",
        owed=owing,
        owed_today=today(),
        application=application,
        compiled=compiled,
        state=compiled.workflow.states[application.state],
        events=events,
        options=moves,
        decisions=decisions,
        applicant=applicant,
        organization=organization,
        pages=answer_rows(compiled.form, application.answers, today(), svc.calendar),
    )


@bp.post("/applications/<int:application_id>/fire")
@role_required("applicant", "reviewer", "admin")
def fire(application_id: int) -> str | Response | tuple[str, int]:
    """Fire the trigger a button names; re-render with the reasons when it is refused."""
    outcome = fire_from_request(application_id)
    if isinstance(outcome, Blocked):
        if any(b.kind == "form" for b in outcome.blockers):
            flash("Some answers need to be fixed before you can send this.", "error")
            return redirect(url_for("applicant.check", application_id=application_id))
        for blocker in outcome.blockers:
            flash(blocker.message, "error")
        return redirect(_back(application_id))
    return outcome


def _back(application_id: int) -> str:
    if is_staff():
        return url_for("review.application", application_id=application_id)
    return url_for("applicant.status", application_id=application_id)
