"""Revoking a certificate, with a reason, and emailing certificates to their educators."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, render_template, request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine.applications.cases import db_user
from engine.certificates import issued as certs
from engine.certificates.views.issuing import back, load_event, may_act
from engine.platform.clock import utcnow
from engine.platform.mail import mail_settings
from engine.platform.models import Certificate
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_commit
from engine.platform.web.security import role_required

bp = Blueprint("certificate_actions", __name__)

EMAIL_TEMPLATE = "certificate_issued"


def _certificate(session: Session, application_id: int, certificate_id: int) -> Certificate:
    """Return a certificate of an event the user may act on, or 404 / 403."""
    application, compiled, _ = load_event(session, application_id)
    certificate = session.get(Certificate, certificate_id)
    if certificate is None or certificate.application_id != application_id:
        abort(404)
    if not may_act(session, application, compiled):
        abort(403)
    return certificate


@bp.route(
    "/applications/<int:application_id>/certificates/<int:certificate_id>/revoke",
    methods=["GET", "POST"],
)
@role_required("applicant", "reviewer", "admin")
def revoke(application_id: int, certificate_id: int) -> str | Response | tuple[str, int]:
    """Ask why a certificate is revoked; on POST, revoke it and write it into the history."""
    svc = services()
    if request.method == "GET":
        with svc.db.reading() as session:
            certificate = _certificate(session, application_id, certificate_id)
            return _confirm(application_id, certificate, "", "")
    reason = request.form.get("reason", "").strip()
    with svc.db.transaction() as session:
        certificate = _certificate(session, application_id, certificate_id)
        try:
            certs.revoke(session, certificate, db_user(session), reason, utcnow())
        except certs.NotRevocable as refused:
            return _confirm(application_id, certificate, reason, str(refused)), 400
        number = certificate.number
    flash(f"Certificate {number} is revoked.", "success")
    return back(application_id)


def _confirm(application_id: int, certificate: Certificate, reason: str, error: str) -> str:
    return render_template(
        "certificates/pages/revoke.html",
        application_id=application_id,
        certificate=certificate,
        reason=reason,
        error=error,
    )


@bp.post("/applications/<int:application_id>/certificates/email")
@role_required("applicant", "reviewer", "admin")
def email(application_id: int) -> Response:
    """Email each valid certificate not yet emailed to its educator, the PDF attached."""
    svc = services()
    now = utcnow()
    with svc.db.transaction() as session:
        application, compiled, event = load_event(session, application_id)
        if not may_act(session, application, compiled):
            abort(403)
        unsent = certs.not_emailed(session, application_id)
        for certificate in unsent:
            _write_email(session, certificate, now)
        count = len(unsent)
    deliver_after_commit()
    if count:
        flash(f"{count:,} certificate{'' if count == 1 else 's'} emailed.", "success")
    else:
        flash("Every valid certificate was already emailed.", "info")
    return back(application_id)


@bp.post("/applications/<int:application_id>/certificates/<int:certificate_id>/email")
@role_required("applicant", "reviewer", "admin")
def email_again(application_id: int, certificate_id: int) -> Response:
    """Email one valid certificate to its educator (again, if it was lost)."""
    with services().db.transaction() as session:
        certificate = _certificate(session, application_id, certificate_id)
        if certificate.revoked_at is not None:
            flash(f"Certificate {certificate.number} is revoked; it is not emailed.", "error")
            return back(application_id)
        _write_email(session, certificate, utcnow())
        number, to = certificate.number, certificate.educator_email
    deliver_after_commit()
    flash(f"Certificate {number} emailed to {to}.", "success")
    return back(application_id)


def _write_email(session: Session, certificate: Certificate, now: datetime) -> None:
    """Write the email of one certificate to the outbox; its PDF is made when it is sent."""
    session.add(
        mail_settings().email(
            EMAIL_TEMPLATE,
            certificate.educator_email,
            application_id=certificate.application_id,
            attachments=[{"certificate": certificate.id}],
            certificate=certificate,
            details=certificate.details,
        )
    )
    certificate.emailed_at = now
