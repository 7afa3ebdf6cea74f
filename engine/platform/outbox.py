"""Delivering the outbox: claim each pending message, send it by its kind, record the result.

A row moves pending → sending → sent. The claim is a conditional UPDATE committed on its
own, so of several deliverers running at once exactly one gets each row; the message is
sent outside any transaction, so a slow SMTP server never holds a database lock.

Every row has a kind ("email" today); one delivery loop hands each row to the sender
registered for its kind, so a new kind needs a sender, not another loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from engine.platform.clock import utcnow
from engine.platform.db import Database
from engine.platform.mailer import MAX_ATTEMPTS, SEND_ERRORS
from engine.platform.models import OutboxMessage

if TYPE_CHECKING:
    from engine.platform.mailer import Attachment, Mailer

# Makes the files an email names (e.g. [{"certificate": 12}]) when it is sent.
AttachmentSource = Callable[[Sequence[Mapping[str, Any]]], "list[Attachment]"]

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# The kinds of message; the models' default kind is EMAIL.
EMAIL = "email"
# Enough of an SMTP error to diagnose it; a whole server transcript is not needed.
_MAX_ERROR = 2000


@dataclass
class DeliveryReport:
    """How many messages one delivery run sent, failed to send, or left to another deliverer."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"Sent {self.sent}, failed {self.failed}, skipped {self.skipped}."


@dataclass(frozen=True)
class Claimed:
    """One outbox row this deliverer claimed: what its sender is given."""

    id: int
    kind: str
    to: str
    subject: str
    body: str
    attempts: int
    attachments: Sequence[Mapping[str, Any]] = ()


# Sends one claimed message, or raises: one of SEND_ERRORS when trying again may help.
Sender = Callable[[Claimed], None]


class EmailSender:
    """Send an email row through a mailer, with the files it names made first."""

    def __init__(self, mailer: Mailer, attachments: AttachmentSource | None = None) -> None:
        self.mailer = mailer
        self.attachments = attachments

    def __call__(self, message: Claimed) -> None:
        """Send one email; an email naming attachments is sent only with them."""
        files: list[Attachment] = []
        if message.attachments:
            if self.attachments is None:
                raise LookupError("this email has attachments and no way to make them")
            files = self.attachments(message.attachments)
        self.mailer.send(message.to, message.subject, message.body, files)


def deliver_pending(
    db: Database,
    senders: Mapping[str, Sender],
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryReport:
    """Send up to `limit` pending messages, oldest first, each by the sender of its kind.

    A row is never sent twice; a row of a kind with no sender fails visibly.
    """
    report = DeliveryReport()
    with db.reading() as session:
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == PENDING)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    for message_id in ids:
        claimed = _claim(db, message_id)
        if claimed is None:
            report.skipped += 1
            continue
        try:
            sender = senders.get(claimed.kind)
            if sender is None:
                raise LookupError(f"there is no sender for messages of the kind {claimed.kind!r}")
            sender(claimed)
        except SEND_ERRORS as error:
            # Network or server trouble is usually passing: try again on a later run.
            final = claimed.attempts >= max_attempts
            _finish(db, claimed.id, FAILED if final else PENDING, error=_describe(error))
            log.warning("outbox %s to %s not sent: %s", claimed.id, claimed.to, error)
            report.failed += 1
            continue
        except Exception as error:
            # Anything else is a fault in this message or in our code: retrying will not
            # help, and leaving the row in 'sending' would hide it. Fail it visibly.
            _finish(db, claimed.id, FAILED, error=_describe(error))
            log.exception("outbox %s to %s could not be sent", claimed.id, claimed.to)
            report.failed += 1
            continue
        _finish(db, claimed.id, SENT)
        report.sent += 1
    return report


INTERRUPTED = (
    "Delivery was interrupted: the sender stopped while sending it, so it may or may not "
    "have arrived. It is not sent again by itself, so that nobody gets it twice; "
    "send it again from the outbox page if it is needed."
)


def fail_interrupted(db: Database, older_than: timedelta) -> int:
    """Mark as failed the rows left in 'sending' for longer than `older_than`; return how many.

    Such a row was claimed by a deliverer that crashed or was killed mid-send. Sending it
    again automatically could send it twice, so it is failed visibly for a person to judge.
    """
    cutoff = utcnow() - older_than
    with db.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < cutoff)
            .values(status=FAILED, last_error=INTERRUPTED)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount) if isinstance(result, CursorResult) else 0


def send_again(session: Session, message_id: int) -> bool:
    """Put a failed message back in the queue (a person decided); tell whether it was failed."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == FAILED)
        .values(status=PENDING, attempts=0, last_error="")
        .execution_options(synchronize_session=False)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


def emails_since(session: Session, templates: Sequence[str], to: str, since: datetime) -> int:
    """Return how many emails of these templates were written to this address since then."""
    count = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to_addr == to,
            OutboxMessage.created_at > since,
            OutboxMessage.template.in_(templates),
        )
    )
    return int(count or 0)


def recent(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """Return the newest outbox messages first."""
    return list(
        session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )


def _claim(db: Database, message_id: int) -> Claimed | None:
    with db.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING)
            .values(status=SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        # rowcount 0: another deliverer claimed it between our SELECT and this UPDATE.
        if not isinstance(result, CursorResult) or result.rowcount != 1:
            return None
        row = session.execute(
            select(
                OutboxMessage.kind,
                OutboxMessage.to_addr,
                OutboxMessage.subject,
                OutboxMessage.body,
                OutboxMessage.attempts,
                OutboxMessage.attachments,
            ).where(OutboxMessage.id == message_id)
        ).one()
    return Claimed(
        message_id,
        row.kind,
        row.to_addr,
        row.subject,
        row.body,
        row.attempts,
        row.attachments or (),
    )


def _finish(db: Database, message_id: int, status: str, error: str = "") -> None:
    values: dict[str, object] = {"status": status, "last_error": error}
    if status == SENT:
        values["sent_at"] = utcnow()
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text[:_MAX_ERROR]
