"""Sign-in limits as this app sets them, and the device cookie that spares owners.

A browser that signed in to an account before carries a signed cookie naming it; its
owner can still sign in while strangers' guesses have locked the account for everyone
else, so nobody can lock staff out by typing wrong passwords at their address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from engine.accounts.users import Throttle

COOKIE = "known_device"
_SALT = "formflow-known-device"
# A device stays known for a year after its last sign-in.
_MAX_AGE = 365 * 24 * 3600


def throttle_of(config: Mapping[str, Any]) -> Throttle:
    """Return the sign-in throttle the app's settings describe."""
    return Throttle(
        max_failures=int(config["LOGIN_MAX_FAILURES"]),
        window_minutes=int(config["LOGIN_WINDOW_MINUTES"]),
        per_address=int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    )


def known_device(request: Request, secret: str) -> int | None:
    """Return the account this browser signed in to before, if its cookie is genuine."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        found = URLSafeTimedSerializer(secret, salt=_SALT).loads(raw, max_age=_MAX_AGE)
    except BadSignature:
        return None
    return found if isinstance(found, int) else None


def remember_device(response: Response, user_id: int, secret: str, secure: bool) -> None:
    """Mark this browser as one the account signed in from."""
    value = URLSafeTimedSerializer(secret, salt=_SALT).dumps(user_id)
    response.set_cookie(
        COOKIE, value, max_age=_MAX_AGE, secure=secure, httponly=True, samesite="Lax"
    )
