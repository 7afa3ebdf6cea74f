"""How many password-reset emails an address got lately, read from the outbox.

The outbox already keeps every email written, so it doubles as the throttle's counter:
no table of its own, and a reset counts from the moment it is queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.platform.models import OutboxMessage

TEMPLATE = "password_reset"


def resets_since(session: Session, email: str, since: datetime) -> int:
    """Return how many reset emails were queued for this address since `since`."""
    count = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.template == TEMPLATE,
            OutboxMessage.to_addr == email,
            OutboxMessage.created_at > since,
        )
    )
    return int(count or 0)


def may_send_reset(session: Session, email: str, now: datetime, per_hour: int) -> bool:
    """Tell whether another reset email may go to this address within the hourly limit."""
    return resets_since(session, email, now - timedelta(hours=1)) < per_hour
