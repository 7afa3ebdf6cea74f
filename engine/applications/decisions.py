"""Firing a trigger from a posted button: one transaction, then mail after commit."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.applications import moves as ops
from engine.applications.cases import db_user, is_staff, load_case, today
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_commit
from engine.runtime.machine import Blocked


def mail_settings() -> ops.Mail:
    """Return how emails are rendered for this app."""
    config = current_app.config
    return ops.Mail(
        emails=current_app.jinja_env,
        base_url=config["BASE_URL"],
        site_name=config["SITE_NAME"],
        staff_contact=config["STAFF_CONTACT"],
        secret_key=config["SECRET_KEY"],
    )


def fire_from_request(application_id: int) -> Response | Blocked:
    """Fire the posted trigger; return a redirect or the refusal (a Conflict is raised)."""
    svc = services()
    trigger = request.form.get("trigger", "")
    comment = request.form.get("comment", "")
    # One set of reason buttons per transition that asks for one, named after it.
    reason = request.form.get(f"reason-{trigger}", "")
    override_reason = request.form.get("override_reason", "")
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        expected = -1
    try:
        with svc.db.transaction() as session:
            application, compiled = load_case(session, application_id)
            outcome = ops.fire(
                session,
                svc.registry,
                application_id,
                trigger,
                db_user(session),
                expected,
                comment,
                today(),
                svc.calendar,
                mail_settings(),
                reason=reason,
                override_reason=override_reason,
            )
    except Blocked as blocked:
        return blocked
    deliver_after_commit()
    label = compiled.workflow.states[outcome.dest].label
    flash(f"Done. The application is now: {label}.", "success")
    if outcome.overridden:
        flash("Your reason for overriding the check is kept in the history.", "info")
    if is_staff() and application.owner_id != current_user.id:
        return redirect(url_for("review.application", application_id=application_id))
    return redirect(url_for("applicant.status", application_id=application_id))
