"""Certificate PDFs as email attachments, made when the email is sent from stored details."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.actions.mailer import Attachment
from engine.documents.certificate_pdf import render_certificates
from engine.spec.layout import LayoutSpec
from engine.store.db import Database
from engine.store.models import Certificate


class CertificateFiles:
    """Make the files an outbox row names: [{"certificate": id}, ...]."""

    def __init__(self, db: Database, layout: LayoutSpec, static_dir: Path) -> None:
        self.db = db
        self.layout = layout
        self.static_dir = static_dir

    def __call__(self, refs: Sequence[Mapping[str, Any]]) -> list[Attachment]:
        """Return one PDF per certificate named; refuse unknown kinds and revoked ones."""
        wanted = []
        for ref in refs:
            if set(ref) != {"certificate"}:
                raise LookupError(f"unknown attachment {dict(ref)!r}")
            wanted.append(int(ref["certificate"]))
        with self.db.reading() as session:
            found = {
                c.id: c
                for c in session.scalars(select(Certificate).where(Certificate.id.in_(wanted)))
            }
        files = []
        for certificate_id in wanted:
            certificate = found.get(certificate_id)
            if certificate is None:
                raise LookupError(f"certificate {certificate_id} no longer exists")
            if certificate.revoked_at is not None:
                # Never mail a certificate that no longer counts; the row fails visibly.
                raise LookupError(f"certificate {certificate.number} was revoked")
            data = render_certificates(self.layout, [certificate.details], self.static_dir)
            files.append(
                Attachment(f"certificate-{certificate.number}.pdf", "application/pdf", data)
            )
        return files
