"""Emails about accounts: invitations with a set-password link, and password resets.

They are not about one application, so they are written to the outbox with no
application; like every email they go out only after the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from sqlalchemy.orm import Session

from engine.accounts.tokens import INVITE_MAX_AGE, RESET_MAX_AGE, make_password_token
from engine.platform.models import Organization, OutboxMessage, User

SET_PASSWORD_PATH = "/auth/set-password/"


@dataclass(frozen=True)
class AccountMail:
    """How account emails are rendered and signed."""

    emails: Environment
    base_url: str
    site_name: str
    staff_contact: str
    secret_key: str


def set_password_link(mail: AccountMail, user: User) -> str:
    """Return the signed, expiring, single-use link that lets this user set a password."""
    return mail.base_url + SET_PASSWORD_PATH + make_password_token(mail.secret_key, user)


def queue(
    session: Session, mail: AccountMail, template: str, user: User, **context: object
) -> OutboxMessage:
    """Render emails/<template>.txt for this user and add it to the outbox."""
    text = mail.emails.get_template(f"emails/{template}.txt").render(
        user=user,
        site_name=mail.site_name,
        staff_contact=mail.staff_contact,
        sign_in_link=f"{mail.base_url}/auth/login",
        **context,
    )
    first, _, body = text.partition("\n")
    row = OutboxMessage(
        application_id=None,
        template=template,
        to_addr=user.email,
        subject=first.removeprefix("Subject:").strip(),
        body=body.lstrip("\n"),
    )
    session.add(row)
    return row


def queue_invitation(
    session: Session,
    mail: AccountMail,
    user: User,
    organization: Organization,
    new_account: bool,
    template: str | None = None,
) -> OutboxMessage:
    """Tell a person they can now work for an organization, and how to sign in.

    A new account gets its username and a set-password link (valid 7 days); an existing
    one is told to sign in as usual. `template` overrides the default text.
    """
    name = template or ("account_invitation" if new_account else "account_added")
    return queue(
        session,
        mail,
        name,
        user,
        organization=organization,
        new_account=new_account,
        link=set_password_link(mail, user) if new_account else "",
        link_days=INVITE_MAX_AGE // 86400,
    )


def queue_password_reset(session: Session, mail: AccountMail, user: User) -> OutboxMessage:
    """Send a link to choose a new password (valid 24 hours)."""
    return queue(
        session,
        mail,
        "password_reset",
        user,
        link=set_password_link(mail, user),
        link_hours=RESET_MAX_AGE // 3600,
    )
