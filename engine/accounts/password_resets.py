"""How many password-reset emails an address got lately, read from the outbox.

The outbox already keeps every email written, so it doubles as the throttle's counter:
no table of its own, and a reset counts from the moment it is queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from engine.platform.outbox import emails_since

TEMPLATE = "password_reset"


def resets_since(session: Session, email: str, since: datetime) -> int:
    """Return how many reset emails were queued for this address since `since`."""
    return emails_since(session, (TEMPLATE,), email, since)


def may_send_reset(session: Session, email: str, now: datetime, per_hour: int) -> bool:
    """Tell whether another reset email may go to this address within the hourly limit."""
    return resets_since(session, email, now - timedelta(hours=1)) < per_hour
