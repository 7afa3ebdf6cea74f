"""What someone posts just after their session ended for idleness is kept, not lost.

The post reaches the server with a valid CSRF token (the browser session lives on), but
its account is signed out, so the view never runs. Its fields are parked, one set per
account, and after signing in again the person is shown what they typed and sends it on
with one button (or leaves it). Files in the post cannot be kept; the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.platform.clock import utcnow
from engine.platform.models import ParkedForm
from engine.platform.services import services

# Kept this long for signing in again; an older one is only in the way.
KEPT_FOR = timedelta(hours=24)
_MAX_PATH = 2000
_NOT_KEPT = {"csrf_token"}


@dataclass(frozen=True)
class Parked:
    """A parked post: where it was going and its fields, as [name, value] pairs."""

    path: str
    fields: list[list[str]]


def park_post(user_id: int) -> bool:
    """Keep the fields of the current POST for this account; tell whether any were kept."""
    if request.method != "POST":
        return False
    fields = [[k, v] for k, v in request.form.items(multi=True) if k not in _NOT_KEPT]
    query = request.query_string.decode("utf-8", "replace")
    path = request.path + (f"?{query}" if query else "")
    if not fields or len(path) > _MAX_PATH:
        return False

    def keep(session: Session) -> None:
        session.execute(delete(ParkedForm).where(ParkedForm.user_id == user_id))
        session.add(ParkedForm(user_id=user_id, path=path, fields=fields, parked_at=utcnow()))

    services().db.transact(keep)
    return True


def parked_for(user_id: int) -> Parked | None:
    """Return the post parked for this account, if one is recent enough to offer."""
    with services().db.reading() as session:
        row = session.scalar(
            select(ParkedForm).where(
                ParkedForm.user_id == user_id, ParkedForm.parked_at > utcnow() - KEPT_FOR
            )
        )
        return Parked(row.path, [list(pair) for pair in row.fields]) if row else None


def unpark(user_id: int) -> None:
    """Forget the post parked for this account (sent on, or left)."""
    with services().db.transaction() as session:
        session.execute(delete(ParkedForm).where(ParkedForm.user_id == user_id))
