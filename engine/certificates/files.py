"""Certificate PDFs as email attachments, made when the email is sent from stored details."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.certificates.pdf import MissingDetail, render_certificates
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mailer import Attachment
from engine.platform.models import Application, Certificate
from engine.runtime.reference import reference
from engine.spec.layout import LayoutSpec


def layout_for(
    session: Session,
    registry: DefinitionRegistry,
    layouts: Mapping[str, LayoutSpec],
    application_id: int,
) -> LayoutSpec:
    """Return the layout an event's certificates are printed with (its own version's)."""
    application = session.get(Application, application_id)
    if application is None:
        raise MissingDetail(f"event {application_id} no longer exists")
    compiled = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    spec = compiled.workflow.certificates
    if spec is None or spec.layout not in layouts:
        raise MissingDetail(f"no certificate layout for event {reference(application_id)}")
    return layouts[spec.layout]


class CertificateFiles:
    """Make the files an outbox row names: [{"certificate": id}, ...]."""

    def __init__(
        self,
        db: Database,
        registry: DefinitionRegistry,
        layouts: Mapping[str, LayoutSpec],
        static_dir: Path,
    ) -> None:
        self.db = db
        self.registry = registry
        self.layouts = layouts
        self.static_dir = static_dir

    def __call__(self, refs: Sequence[Mapping[str, Any]]) -> list[Attachment]:
        """Return one PDF per certificate named; refuse unknown kinds and revoked ones."""
        wanted = []
        for ref in refs:
            if set(ref) != {"certificate"}:
                raise LookupError(f"unknown attachment {dict(ref)!r}")
            wanted.append(int(ref["certificate"]))
        files = []
        with self.db.reading() as session:
            found = {
                c.id: c
                for c in session.scalars(select(Certificate).where(Certificate.id.in_(wanted)))
            }
            for certificate_id in wanted:
                certificate = found.get(certificate_id)
                if certificate is None:
                    raise LookupError(f"certificate {certificate_id} no longer exists")
                if certificate.revoked_at is not None:
                    # Never mail a certificate that no longer counts; the row fails visibly.
                    raise LookupError(f"certificate {certificate.number} was revoked")
                layout = layout_for(
                    session, self.registry, self.layouts, certificate.application_id
                )
                data = render_certificates(layout, [certificate.details], self.static_dir)
                name = f"certificate-{certificate.number}.pdf"
                files.append(Attachment(name, "application/pdf", data))
        return files
