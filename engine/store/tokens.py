"""Signed, expiring, single-use links to set a password (invitations and resets).

A token names the user and a fingerprint of their current password hash, signed with
the app's secret key. Setting a password changes the hash, so a used link stops working;
an old link also stops working after `max_age` seconds.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from engine.store.models import User

SALT = "formflow-set-password"
# Invitations wait a week for the person to read their mail; a reset link lasts a day.
INVITE_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 24 * 3600


class BadToken(Exception):
    """The link is malformed, forged, used already, or too old; the message says which."""


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_password_token(secret_key: str, user: User) -> str:
    """Return a token that lets this user set a new password once."""
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps([user.id, _fingerprint(user)])


def read_password_token(secret_key: str, token: str, session: Session, max_age: int) -> User:
    """Return the user a token was made for; raise BadToken when it may not be used."""
    serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
    try:
        user_id, fingerprint = serializer.loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise BadToken("This link has expired. Ask for a new one below.") from error
    except (BadSignature, ValueError, TypeError) as error:
        raise BadToken("This link is not valid. Check that you copied all of it.") from error
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise BadToken("This link is not valid. Check that you copied all of it.")
    if fingerprint != _fingerprint(user):
        raise BadToken("This link has been used already. Ask for a new one below.")
    return user
