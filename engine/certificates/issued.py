"""Certificates issued for an event: numbers, verification codes, revocation, counts.

The details printed are passed in already worked out (see engine.certificates.views.issuing) and
stored as they are, so a PDF made years later says exactly what was issued.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from engine.platform.db import get_existing
from engine.platform.models import Application, AuditEvent, Certificate, Obligation, User
from engine.runtime.obligations import covered
from engine.runtime.reference import reference
from engine.runtime.roster import Attendee
from engine.spec.model import ObligationSpec

# Crockford's base32: no I, L, O or U, so a code read aloud or typed is not misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 10  # 50 random bits: guessing one of even a million codes is hopeless
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
REVOKE_TRIGGER = "certificate:revoke"


class NotRevocable(Exception):
    """The certificate is already revoked, or no reason was given."""


def new_code() -> str:
    """Return a fresh random verification code, like 7F3K9Q2WX4."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Return a typed code as stored: capitals, without spaces or dashes, misreads fixed."""
    return re.sub(r"[\s-]+", "", raw).upper().translate(_MISREAD)


def shown_code(code: str) -> str:
    """Return a code in groups of five, as printed: 7F3K9-Q2WX4."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def issue(
    session: Session,
    application: Application,
    attendees: Sequence[Attendee],
    own: Mapping[Attendee, Mapping[str, str]],
    details: Mapping[str, str],
    by: User | None,
    now: datetime,
    verify_base: str,
) -> list[Certificate]:
    """Issue one certificate per attendee, numbered after the event's last, in one go.

    `details` are the event's printed details, `own` each attendee's (their dates and
    units); `verify_base` is the address of the public verification page, to which
    each certificate's code is added.
    """
    # Lock the event row so two people issuing at once do not take the same numbers.
    session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    last = session.scalar(
        select(func.max(Certificate.sequence)).where(Certificate.application_id == application.id)
    )
    issued = []
    for sequence, attendee in enumerate(attendees, start=(last or 0) + 1):
        number = f"{reference(application.id)}-{sequence:04d}"
        code = new_code()
        certificate = Certificate(
            application_id=application.id,
            sequence=sequence,
            number=number,
            code=code,
            educator_name=attendee.name,
            educator_email=attendee.email,
            license_number=attendee.license_number,
            attended=[d.isoformat() for d in attendee.attended],
            units=own[attendee]["units"],
            details={
                **details,
                **own[attendee],
                "educator_name": attendee.name,
                "license_number": attendee.license_number,
                "number": number,
                "code": shown_code(code),
                "verify_url": f"{verify_base.rstrip('/')}/{code}",
            },
            issued_at=now,
            issued_by=None if by is None else by.id,
        )
        session.add(certificate)
        issued.append(certificate)
    session.flush()
    return issued


def by_code(session: Session, raw: str) -> Certificate | None:
    """Return the certificate with this verification code, however it was typed."""
    code = normalise_code(raw)
    if not code or len(code) > 20:
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


def for_application(session: Session, application_id: int) -> list[Certificate]:
    """Return an event's certificates in the order they were issued."""
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.application_id == application_id)
            .order_by(Certificate.sequence)
        )
    )


def _valid_of(application_id: int) -> tuple[ColumnElement[bool], ...]:
    """Return the conditions for an event's certificates that are not revoked."""
    return (Certificate.application_id == application_id, Certificate.revoked_at.is_(None))


def valid(session: Session, application_id: int) -> list[Certificate]:
    """Return an event's certificates that are not revoked, in the order they were issued."""
    return list(
        session.scalars(
            select(Certificate).where(*_valid_of(application_id)).order_by(Certificate.sequence)
        )
    )


def count_valid(session: Session, application_id: int) -> int:
    """Return how many of an event's certificates are not revoked."""
    count = select(func.count(Certificate.id)).where(*_valid_of(application_id))
    return int(session.scalar(count) or 0)


def not_emailed(session: Session, application_id: int) -> list[Certificate]:
    """Return an event's valid certificates never emailed yet, in the order issued."""
    return list(
        session.scalars(
            select(Certificate)
            .where(*_valid_of(application_id), Certificate.emailed_at.is_(None))
            .order_by(Certificate.sequence)
        )
    )


def _attended_of_valid(session: Session, application_id: int) -> list[list[str]]:
    """Return the dates attended of each valid certificate of an event."""
    return list(session.scalars(select(Certificate.attended).where(*_valid_of(application_id))))


def issued_between(session: Session, application_id: int, first: date, last: date) -> int:
    """Return how many valid certificates of an event name a date attended in [first, last]."""
    wanted = (first.isoformat(), last.isoformat())
    return sum(
        1
        for attended in _attended_of_valid(session, application_id)
        # ISO dates compare as text in date order.
        if any(wanted[0] <= day <= wanted[1] for day in attended)
    )


def for_educator(session: Session, email: str) -> list[Certificate]:
    """Return every certificate issued to an email address, newest first."""
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.educator_email == email.strip().lower())
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def revoke(
    session: Session, certificate: Certificate, by: User, reason: str, now: datetime
) -> None:
    """Revoke a certificate with a reason, and write it into its event's history."""
    if certificate.revoked_at is not None:
        raise NotRevocable("This certificate is already revoked.")
    if not reason.strip():
        raise NotRevocable(
            "Write why the certificate is revoked; the reason is shown to anyone who checks it."
        )
    certificate.revoked_at = now
    certificate.revoked_by = by.id
    certificate.revoke_reason = reason.strip()
    application = get_existing(session, Application, certificate.application_id)
    # Not a move: the event stays where it is; the history records who revoked what, why.
    session.add(
        AuditEvent(
            application_id=application.id,
            actor_id=by.id,
            trigger=REVOKE_TRIGGER,
            from_state=application.state,
            to_state=application.state,
            comment=f"Certificate {certificate.number} ({certificate.educator_name}) revoked: "
            f"{reason.strip()}",
            workflow_version=application.workflow_version,
            form_version=application.form_version,
        )
    )
    session.flush()


def issued_for_report(session: Session, spec: ObligationSpec, obligation: Obligation) -> int | None:
    """Return how many valid certificates the system holds for what a report covers.

    None when the obligation does not `reconcile` or covers no span of days.
    """
    span = covered(obligation.key, obligation.opens_on)
    if spec.reconcile is None or span is None:
        return None
    return issued_between(session, obligation.application_id, *span)
