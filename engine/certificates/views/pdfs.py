"""Certificate PDFs of an event: one, all at once, or many made by the worker in a batch.

Every PDF is drawn from the details stored when the certificate was issued, never from
the event as it is now.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from engine.applications.cases import db_user
from engine.certificates import batches
from engine.certificates import issued as certs
from engine.certificates.files import layout_for
from engine.certificates.pdf import MissingDetail, render_certificates
from engine.certificates.views.issuing import DIRECT_PDF_LIMIT, back, load_event
from engine.platform.models import Certificate, CertificateBatch
from engine.platform.services import services
from engine.platform.web.security import role_required
from engine.runtime.reference import reference
from engine.spec.layout import LayoutSpec

bp = Blueprint("certificate_pdfs", __name__)


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _drawn(
    application_id: int, layout: LayoutSpec, rows: list[dict[str, str]], filename: str
) -> Response:
    """Draw certificates now and send the PDF; or go back saying which detail is missing."""
    try:
        data = render_certificates(layout, rows, services().static_dir)
    except MissingDetail as problem:
        flash(f"No PDF was made: {problem}.", "error")
        return back(application_id)
    return _pdf(data, filename)


@bp.get("/applications/<int:application_id>/certificates/<int:certificate_id>.pdf")
@role_required("applicant", "reviewer", "admin")
def one(application_id: int, certificate_id: int) -> Response:
    """Return one valid certificate as a PDF (a revoked one is not offered: 404)."""
    svc = services()
    with svc.db.reading() as session:
        load_event(session, application_id)
        certificate = session.get(Certificate, certificate_id)
        if (
            certificate is None
            or certificate.application_id != application_id
            or certificate.revoked_at is not None
        ):
            abort(404)
        layout = layout_for(session, svc.registry, svc.layouts, application_id)
        details = dict(certificate.details)
        number = certificate.number
    return _drawn(application_id, layout, [details], f"certificate-{number}.pdf")


@bp.get("/applications/<int:application_id>/certificates/all.pdf")
@role_required("applicant", "reviewer", "admin")
def all_pdf(application_id: int) -> Response:
    """Return every valid certificate of an event in one PDF, if there are few enough."""
    svc = services()
    with svc.db.reading() as session:
        load_event(session, application_id)
        rows = [dict(c.details) for c in certs.valid(session, application_id)]
        layout = layout_for(session, svc.registry, svc.layouts, application_id)
    if not rows:
        abort(404)
    if len(rows) > DIRECT_PDF_LIMIT:
        flash("There are too many certificates for one download; make the PDF below.", "info")
        return back(application_id)
    return _drawn(application_id, layout, rows, f"certificates-{reference(application_id)}.pdf")


@bp.post("/applications/<int:application_id>/certificates/batches")
@role_required("applicant", "reviewer", "admin")
def request_batch(application_id: int) -> Response:
    """Ask the worker for one PDF of every valid certificate; show its progress page."""
    with services().db.transaction() as session:
        application, _, _ = load_event(session, application_id)
        if not certs.count_valid(session, application_id):
            flash("There is no valid certificate to print.", "error")
            return back(application_id)
        batch_id = batches.request_batch(session, application, db_user(session)).id
    return redirect(
        url_for("certificate_pdfs.batch", application_id=application_id, batch_id=batch_id)
    )


def _batch(application_id: int, batch_id: int) -> CertificateBatch:
    with services().db.reading() as session:
        load_event(session, application_id)
        batch = session.get(CertificateBatch, batch_id)
        if batch is None or batch.application_id != application_id:
            abort(404)
        session.expunge(batch)
        return batch


@bp.get("/applications/<int:application_id>/certificates/batches/<int:batch_id>")
@role_required("applicant", "reviewer", "admin")
def batch(application_id: int, batch_id: int) -> str:
    """Show how far the worker is with a batch PDF, and its link once it is made."""
    found = _batch(application_id, batch_id)
    return render_template(
        "certificates/pages/batch.html",
        application_id=application_id,
        batch=found,
        total=len(found.certificate_ids),
        busy=found.status in (batches.PENDING, batches.RUNNING),
    )


@bp.get("/applications/<int:application_id>/certificates/batches/<int:batch_id>.pdf")
@role_required("applicant", "reviewer", "admin")
def batch_pdf(application_id: int, batch_id: int) -> Response:
    """Return a batch's PDF once the worker has made it (404 before)."""
    found = _batch(application_id, batch_id)
    if found.status != batches.DONE or found.pdf is None:
        abort(404)
    return _pdf(found.pdf, f"certificates-{reference(application_id)}-batch-{batch_id}.pdf")
