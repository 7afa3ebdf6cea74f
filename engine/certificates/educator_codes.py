"""One-time codes that let an educator see the certificates issued to an email address.

A code is six digits from `secrets`, kept only as an HMAC with the app's secret key, so
a copy of the database reveals no code still valid. It lasts 15 minutes and allows five
tries; asking for a new one retires the old. Requests are throttled per address and per
network address with rows in login_attempts, keyed 'educator:<email>' so they never mix
with password sign-in attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.platform.models import Certificate, EducatorCode, LoginAttempt

LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
_KEY_PREFIX = "educator:"


class CodeRefused(Exception):
    """The code typed cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """How many codes may be asked for in an hour, per email and per network address."""

    per_email: int
    per_ip: int


def code_hash(secret_key: str, code: str) -> str:
    """Return the stored form of a code: its HMAC-SHA256 with the secret key, in hex."""
    return hmac.new(secret_key.encode(), code.encode(), hashlib.sha256).hexdigest()


def has_certificates(session: Session, email: str) -> bool:
    """Tell whether any certificate was issued to this address."""
    found = session.scalar(
        select(Certificate.id).where(Certificate.educator_email == email).limit(1)
    )
    return found is not None


def record_request(session: Session, email: str, ip: str, now: datetime) -> None:
    """Count one request for a code, whether or not a code is sent."""
    session.add(LoginAttempt(email=(_KEY_PREFIX + email)[:254], ip=ip[:64], success=False, at=now))
    session.flush()


def ip_over_limit(session: Session, ip: str, now: datetime, limits: Limits) -> bool:
    """Tell whether this network address asked for more codes in the last hour than allowed."""
    count = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.ip == ip[:64],
            LoginAttempt.email.startswith(_KEY_PREFIX),
            LoginAttempt.at > now - timedelta(hours=1),
        )
    )
    return int(count or 0) >= limits.per_ip


def email_over_limit(session: Session, email: str, now: datetime, limits: Limits) -> bool:
    """Tell whether codes for this address were asked for too often in the last hour."""
    count = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == (_KEY_PREFIX + email)[:254],
            LoginAttempt.at > now - timedelta(hours=1),
        )
    )
    return int(count or 0) >= limits.per_email


def new_code(session: Session, secret_key: str, email: str, now: datetime) -> str:
    """Store a fresh code for this address (retiring any earlier one); return it in clear."""
    session.execute(
        update(EducatorCode)
        .where(EducatorCode.email == email, EducatorCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        EducatorCode(
            email=email,
            code_hash=code_hash(secret_key, code),
            created_at=now,
            expires_at=now + LIFETIME,
            attempts=0,
        )
    )
    session.flush()
    return code


def use_code(session: Session, secret_key: str, email: str, typed: str, now: datetime) -> None:
    """Mark the address's code used if `typed` is it; raise CodeRefused saying why not.

    A wrong code counts as an attempt, and the row is added to the caller's transaction,
    so the caller commits even when this raises.
    """
    row = session.scalar(
        select(EducatorCode)
        .where(EducatorCode.email == email, EducatorCode.used_at.is_(None))
        .order_by(EducatorCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if row is None:
        raise CodeRefused("This code has been used or replaced. Ask for a new code.")
    if now >= row.expires_at:
        raise CodeRefused("This code has expired: codes last 15 minutes. Ask for a new code.")
    if row.attempts >= MAX_ATTEMPTS:
        raise CodeRefused("Too many wrong codes. Ask for a new code.")
    digits = "".join(ch for ch in typed if ch.isdigit())
    if not hmac.compare_digest(row.code_hash, code_hash(secret_key, digits)):
        row.attempts += 1
        session.flush()
        left = MAX_ATTEMPTS - row.attempts
        if left == 0:
            raise CodeRefused(
                "That code is not right, and it was the last try. Ask for a new code."
            )
        tries = "1 more try" if left == 1 else f"{left} more tries"
        raise CodeRefused(f"That code is not right. Check the email and try again: {tries}.")
    row.used_at = now
    session.flush()
