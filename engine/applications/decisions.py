"""Firing a trigger from a posted button: one transaction, then mail after commit."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.applications import moves as ops
from engine.applications.cases import db_user, is_staff, load_case, today
from engine.platform.mail import mail_settings
from engine.platform.models import User
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_commit
from engine.runtime.machine import Blocked


def move_context() -> ops.MoveContext:
    """Return what every move in this app runs with."""
    svc = services()
    return ops.MoveContext(registry=svc.registry, calendar=svc.calendar, mail=mail_settings())


def fire_from_request(application_id: int) -> Response | Blocked:
    """Fire the posted trigger; return a redirect or the refusal (a Conflict is raised)."""
    try:
        with services().db.transaction() as session:
            case = load_case(session, application_id)
            move = _posted_move(application_id, db_user(session))
            outcome = ops.fire(session, move, move_context(), case)
    except Blocked as blocked:
        return blocked
    deliver_after_commit()
    label = case.compiled.workflow.states[outcome.dest].label
    flash(f"Done. The application is now: {label}.", "success")
    if outcome.overridden:
        flash("Your reason for overriding the check is kept in the history.", "info")
    if is_staff() and case.application.owner_id != current_user.id:
        return redirect(url_for("review.application", application_id=application_id))
    return redirect(url_for("applicant.status", application_id=application_id))


def _posted_move(application_id: int, user: User) -> ops.MoveRequest:
    """Return the move the posted form asks for, by this user, judged today."""
    trigger = request.form.get("trigger", "")
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        expected = -1  # no version seen: no version matches, so the move is a conflict
    return ops.MoveRequest(
        application_id=application_id,
        trigger=trigger,
        user=user,
        expected_version=expected,
        today=today(),
        comment=request.form.get("comment", ""),
        # One set of reason buttons per transition that asks for one, named after it.
        reason=request.form.get(f"reason-{trigger}", ""),
        override_reason=request.form.get("override_reason", ""),
    )
