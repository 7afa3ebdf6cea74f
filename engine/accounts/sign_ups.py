"""Creating an account by email: the account exists once its address is confirmed.

Whoever signs up gets the same reply, in the same time: "check your email". A new
address is sent a link that creates the account; an address that has an account already
is told so, with how to sign in or reset the password. So the sign-up page tells nobody
who has an account, and nobody can hold an account in someone else's name.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.accounts.users import add_user, hash_password, normalise_email
from engine.platform.mail import MailSettings
from engine.platform.models import SignUp, User
from engine.platform.outbox import emails_since

CONFIRM_PATH = "/auth/signup/confirm/"
CONFIRM_MAX_AGE = timedelta(days=3)
CONFIRM = "sign_up_confirm"
EXISTS = "sign_up_exists"


def start_sign_up(
    session: Session,
    mail: MailSettings,
    name: str,
    email: str,
    password: str,
    now: datetime,
    per_hour: int,
) -> bool:
    """Write the email this sign-up gets (a link, or "you have an account"); tell if it was."""
    email = normalise_email(email)
    # Hashed whatever follows, so that the reply takes as long for a known address.
    password_hash = hash_password(password)
    # Past the limit the reply is the same: the limit protects a mailbox from a flood.
    if emails_since(session, (CONFIRM, EXISTS), email, now - timedelta(hours=1)) >= per_hour:
        return False
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None:
        session.add(
            mail.email(
                EXISTS,
                email,
                user=existing,
                sign_in_link=mail.link("/auth/login"),
                reset_link=mail.link("/auth/forgot-password"),
            )
        )
        return True
    session.execute(
        delete(SignUp).where(SignUp.email == email, SignUp.created_at < now - CONFIRM_MAX_AGE)
    )
    token = secrets.token_urlsafe(32)
    name = name.strip()
    session.add(
        SignUp(
            token_hash=_digest(token),
            email=email,
            name=name,
            password_hash=password_hash,
            created_at=now,
        )
    )
    link = mail.link(CONFIRM_PATH + token)
    session.add(mail.email(CONFIRM, email, name=name, link=link, link_days=CONFIRM_MAX_AGE.days))
    return True


def pending_sign_up(session: Session, token: str, now: datetime) -> SignUp | None:
    """Return the sign-up this link confirms, if it is one and not too old."""
    return session.scalar(
        select(SignUp).where(
            SignUp.token_hash == _digest(token), SignUp.created_at > now - CONFIRM_MAX_AGE
        )
    )


def finish_sign_up(session: Session, sign_up: SignUp) -> User | None:
    """Create the confirmed sign-up's account; None when the address has one by now."""
    email = sign_up.email
    taken = session.scalar(select(User.id).where(User.email == email)) is not None
    user = (
        None
        if taken
        else add_user(session, email, sign_up.password_hash, ["applicant"], sign_up.name)
    )
    # Every other link for this address is spent: there is one account per address.
    session.execute(delete(SignUp).where(SignUp.email == email))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
