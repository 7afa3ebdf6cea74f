"""The email with the one-time code that lets an educator see their certificates.

Like account emails it belongs to no application; it goes out after the commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.certificates.educator_codes import LIFETIME
from engine.platform.mail import MailSettings
from engine.platform.models import OutboxMessage

TEMPLATE = "educator_code"
PAGE_PATH = "/educator/code"


def queue_code(session: Session, mail: MailSettings, email: str, code: str) -> OutboxMessage:
    """Render emails/educator_code.txt with the code and add it to the outbox."""
    row = mail.email(
        TEMPLATE,
        email,
        code=code,
        minutes=int(LIFETIME.total_seconds() // 60),
        link=mail.link(PAGE_PATH),
    )
    session.add(row)
    return row
