"""Signed, expiring, single-use links to set a password (invitations and resets).

A token names the user and a fingerprint of their current password hash, signed with
the app's secret key. Setting a password changes the hash, so a used link stops working;
an old link also stops working after its maximum age: a week for an account that has no
password yet (an invitation), a day for one that has (a reset).
"""

from __future__ import annotations

import hashlib
import time

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from engine.accounts.users import has_usable_password
from engine.platform.models import User

SALT = "formflow-set-password"
# Invitations wait a week for the person to read their mail; a reset link lasts a day.
INVITE_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 24 * 3600

_NOT_VALID = "This link is not valid. Check that you copied all of it, or ask for a new one."


class BadToken(Exception):
    """The link is malformed, forged, used already, or too old; the message says which."""


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _signer_at(signed_at: int) -> type[TimestampSigner]:
    class SignedAt(TimestampSigner):
        def get_timestamp(self) -> int:
            return signed_at

    return SignedAt


def make_password_token(secret_key: str, user: User, signed_at: int | None = None) -> str:
    """Return a token that lets this user set a new password once.

    `signed_at` (seconds since the epoch) dates the token; it defaults to now.
    """
    signer = _signer_at(signed_at) if signed_at is not None else TimestampSigner
    serializer = URLSafeTimedSerializer(secret_key, salt=SALT, signer=signer)
    return serializer.dumps([user.id, _fingerprint(user)])


def max_age_for(user: User) -> int:
    """Return how long a link for this account lasts: invitation or reset."""
    return RESET_MAX_AGE if has_usable_password(user) else INVITE_MAX_AGE


def read_password_token(
    secret_key: str, token: str, session: Session, max_age: int | None = None
) -> User:
    """Return the user a token was made for; raise BadToken when it may not be used.

    Without `max_age` the account decides (see max_age_for).
    """
    serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
    longest = max_age if max_age is not None else max(INVITE_MAX_AGE, RESET_MAX_AGE)
    try:
        (user_id, fingerprint), signed = serializer.loads(
            token, max_age=longest, return_timestamp=True
        )
    except SignatureExpired as error:
        raise BadToken("This link has expired. Ask for a new one below.") from error
    except (BadSignature, ValueError, TypeError) as error:
        raise BadToken(_NOT_VALID) from error
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise BadToken(_NOT_VALID)
    if fingerprint != _fingerprint(user):
        raise BadToken("This link has been used already. Ask for a new one below.")
    allowed = max_age if max_age is not None else max_age_for(user)
    if time.time() - signed.timestamp() > allowed:
        raise BadToken("This link has expired. Ask for a new one below.")
    return user
