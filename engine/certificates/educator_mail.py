"""The email with the one-time code that lets an educator see their certificates.

Like account emails it belongs to no application; it goes out after the commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.accounts.mail import AccountMail
from engine.certificates.educator_codes import LIFETIME
from engine.platform.models import OutboxMessage

TEMPLATE = "educator_code"
PAGE_PATH = "/educator/code"


def queue_code(session: Session, mail: AccountMail, email: str, code: str) -> OutboxMessage:
    """Render emails/educator_code.txt with the code and add it to the outbox."""
    text = mail.emails.get_template(f"emails/{TEMPLATE}.txt").render(
        code=code,
        minutes=int(LIFETIME.total_seconds() // 60),
        link=mail.base_url + PAGE_PATH,
        site_name=mail.site_name,
        staff_contact=mail.staff_contact,
    )
    first, _, body = text.partition("\n")
    row = OutboxMessage(
        application_id=None,
        template=TEMPLATE,
        to_addr=email,
        subject=first.removeprefix("Subject:").strip(),
        body=body.lstrip("\n"),
    )
    session.add(row)
    return row
