"""Many certificates in one PDF, made by the worker; the page asking for it shows progress.

A batch fixes its certificates when it is asked for. The worker claims one pending
batch at a time (a conditional UPDATE, so two workers never make the same one), draws it
from the stored details, writing how many pages are done as it goes, then stores the
file. A failure is kept with its reason, never left looking busy.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from engine.certificates import issued as certs
from engine.certificates.files import layout_for
from engine.certificates.pdf import MissingDetail, render_certificates
from engine.platform.clock import utcnow
from engine.platform.db import Database, get_existing
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, Certificate, CertificateBatch, User
from engine.spec.layout import LayoutSpec

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
# Progress is written every this many pages: often enough to watch, rarely enough to
# cost nothing next to the drawing.
PROGRESS_EVERY = 25


def request_batch(session: Session, application: Application, by: User | None) -> CertificateBatch:
    """Ask for a PDF of every valid certificate of an event, in the order they were issued."""
    ids = [c.id for c in certs.valid(session, application.id)]
    batch = CertificateBatch(
        application_id=application.id,
        requested_by=None if by is None else by.id,
        certificate_ids=ids,
        status=PENDING,
    )
    session.add(batch)
    session.flush()
    return batch


def make_pending(
    db: Database,
    registry: DefinitionRegistry,
    layouts: Mapping[str, LayoutSpec],
    static_dir: Path,
    limit: int = 5,
) -> int:
    """Make up to `limit` pending batches, oldest first; return how many were finished."""
    with db.reading() as session:
        ids = session.scalars(
            select(CertificateBatch.id)
            .where(CertificateBatch.status == PENDING)
            .order_by(CertificateBatch.id)
            .limit(limit)
        ).all()
    finished = 0
    for batch_id in ids:
        if _claim(db, batch_id):
            _make(db, batch_id, registry, layouts, static_dir)
            finished += 1
    return finished


def _claim(db: Database, batch_id: int) -> bool:
    with db.transaction() as session:
        result = session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id, CertificateBatch.status == PENDING)
            .values(status=RUNNING)
            .execution_options(synchronize_session=False)
        )
        return isinstance(result, CursorResult) and result.rowcount == 1


def _make(
    db: Database,
    batch_id: int,
    registry: DefinitionRegistry,
    layouts: Mapping[str, LayoutSpec],
    static_dir: Path,
) -> None:
    try:
        with db.reading() as session:
            batch = get_existing(session, CertificateBatch, batch_id)
            wanted = list(batch.certificate_ids)
            found = {
                c.id: dict(c.details)
                for c in session.scalars(select(Certificate).where(Certificate.id.in_(wanted)))
            }
            layout = layout_for(session, registry, layouts, batch.application_id)
    except MissingDetail as problem:
        _update(db, batch_id, status=FAILED, error=str(problem), finished_at=utcnow())
        return

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            _update(db, batch_id, done=done)

    try:
        missing = [i for i in wanted if i not in found]
        if missing:
            raise MissingDetail(f"{len(missing)} certificates no longer exist")
        pdf = render_certificates(layout, [found[i] for i in wanted], static_dir, progress)
    except MissingDetail as problem:
        _update(db, batch_id, status=FAILED, error=str(problem), finished_at=utcnow())
        return
    _update(db, batch_id, status=DONE, done=len(wanted), pdf=pdf, finished_at=utcnow())


def _update(db: Database, batch_id: int, **values: object) -> None:
    with db.transaction() as session:
        session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
