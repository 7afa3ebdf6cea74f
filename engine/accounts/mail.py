"""Emails about accounts: invitations with a set-password link, and password resets.

They are not about one application, so they are written to the outbox with no
application; like every email they go out only after the transaction commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.accounts.tokens import INVITE_MAX_AGE, RESET_MAX_AGE, make_password_token
from engine.platform.mail import MailSettings
from engine.platform.models import Organization, OutboxMessage, User

SET_PASSWORD_PATH = "/auth/set-password/"
SIGN_IN_PATH = "/auth/login"


def set_password_link(mail: MailSettings, user: User) -> str:
    """Return the signed, expiring, single-use link that lets this user set a password."""
    return mail.link(SET_PASSWORD_PATH + make_password_token(mail.secret_key, user))


def queue(
    session: Session, mail: MailSettings, template: str, user: User, **context: Any
) -> OutboxMessage:
    """Render emails/<template>.txt for this user and add it to the outbox."""
    row = mail.email(
        template, user.email, user=user, sign_in_link=mail.link(SIGN_IN_PATH), **context
    )
    session.add(row)
    return row


def queue_invitation(
    session: Session,
    mail: MailSettings,
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


def queue_password_reset(session: Session, mail: MailSettings, user: User) -> OutboxMessage:
    """Send a link to choose a new password (valid 24 hours)."""
    return queue(
        session,
        mail,
        "password_reset",
        user,
        link=set_password_link(mail, user),
        link_hours=RESET_MAX_AGE // 3600,
    )
