"""Accounts: argon2 password hashes, sign-in with throttling, and role look-ups."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.accounts.usernames import find_by_username
from engine.platform.models import LoginAttempt, User
from engine.platform.roles import ROLES

MIN_PASSWORD_LENGTH = 12
# Argon2 copes with long input, but an unbounded one is a cheap way to burn our CPU.
MAX_PASSWORD_LENGTH = 1000
MAX_EMAIL_LENGTH = 254

# Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
# The only real proof that an address works is mail arriving there.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# No 0/O, 1/l/I: generated passwords are read aloud and typed from paper.
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Marks a stored hash that no password matches (invited accounts before they choose one).
UNUSABLE_PREFIX = "!unset-"

_hasher = PasswordHasher()
_dummy_hash: str | None = None


class UserExists(Exception):
    """An account with this email address already exists."""


class UnknownRole(ValueError):
    """A role name that the system does not know."""


class AuthError(Exception):
    """Signing in failed; the message is safe to show to the person signing in."""


class BadCredentials(AuthError):
    """The sign-in name or the password is wrong (deliberately not saying which)."""

    def __init__(self) -> None:
        super().__init__("Enter a correct email address or username and password.")


class Throttled(AuthError):
    """Too many failed attempts for this account recently."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            "There have been too many failed attempts to sign in to this account. "
            f"Wait {minutes} {unit}, then try again."
        )


def normalise_email(email: str) -> str:
    """Return the email address as stored: stripped and lower case."""
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    """Tell whether the text looks like an email address."""
    return len(email) <= MAX_EMAIL_LENGTH and bool(_EMAIL.match(email))


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the hash; never raises for a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def has_usable_password(user: User) -> bool:
    """Tell whether the account has a password of its own (not an invitation waiting)."""
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def replace_password(session: Session, user: User, new_password: str) -> bool:
    """Set a new password unless the hash changed since `user` was read; tell whether it did.

    A conditional update, so two requests racing with one single-use link cannot both win.
    """
    new_hash = hash_password(new_password)
    # An UPDATE always yields a CursorResult, which has the rowcount.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=new_hash, session_epoch=User.session_epoch + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        return False
    user.password_hash = new_hash
    # A new password ends the account's other sessions (the caller renews its own).
    user.session_epoch = (user.session_epoch or 0) + 1
    return True


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of an account, on every device (signing out does this)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_epoch=User.session_epoch + 1)
        .execution_options(synchronize_session=False)
    )


def login_key(session: Session, login: str) -> str:
    """Return the email address a sign-in name stands for (a username is looked up).

    Throttling counts per account, so failures by username and by email add up; an
    unknown username is its own key, so guessing names is throttled too.
    """
    login = normalise_email(login)[:MAX_EMAIL_LENGTH]
    if "@" in login:
        return login
    user = find_by_username(session, login)
    return user.email if user is not None else login


def find_by_login(session: Session, login: str) -> User | None:
    """Return the account for an email address or a username, if there is one."""
    return session.scalar(select(User).where(User.email == login_key(session, login)))


def generate_password() -> str:
    """Return a random password of four groups of four readable characters (about 92 bits)."""
    groups = ("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def create_user(
    session: Session,
    email: str,
    password: str,
    roles: Iterable[str] = ("applicant",),
    name: str = "",
) -> User:
    """Add a user to the session (the caller commits); raise UserExists or UnknownRole."""
    email = normalise_email(email)
    role_list = list(dict.fromkeys(roles))
    unknown = [r for r in role_list if r not in ROLES]
    if unknown:
        raise UnknownRole(f"Unknown role {unknown[0]!r}; choose from {', '.join(ROLES)}.")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserExists(f"An account with the email address {email} already exists.")
    return add_user(session, email, hash_password(password), role_list, name)


def add_user(
    session: Session, email: str, password_hash: str, roles: Iterable[str], name: str
) -> User:
    """Add a user whose password is hashed already (the caller commits); raise UserExists."""
    email = normalise_email(email)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=password_hash,
        roles=",".join(roles),
        active=True,
    )
    session.add(user)
    try:
        # Flush now so a concurrent sign-up with the same address fails here, not at commit.
        session.flush()
    except IntegrityError as error:
        raise UserExists(f"An account with the email address {email} already exists.") from error
    return user


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins are allowed in a window, per account and per address."""

    max_failures: int = 5
    window_minutes: int = 15
    # From one network address, whatever accounts are tried: stops one guess at each of
    # many accounts, which the per-account count never sees.
    per_address: int = 20


def authenticate(
    session: Session,
    login: str,
    password: str,
    ip: str,
    now: datetime,
    throttle: Throttle,
    known_device: int | None = None,
) -> User:
    """Return the active user with these credentials, recording the attempt.

    `login` is an email address or a username. Raises Throttled or BadCredentials. The
    attempt is added to the session either way, so the caller must commit even when
    this raises. `known_device` is the account a browser signed in to before (from its
    signed device cookie): that account's owner is never locked out by strangers' guesses.
    """
    email = login_key(session, login)
    ip = ip[:64]
    user = session.scalar(select(User).where(User.email == email))
    trusted = user is not None and known_device == user.id
    # Check the throttle before touching the password, so guesses beyond the limit
    # learn nothing, even when one of them is right.
    wait = 0 if trusted else _minutes_to_wait(session, email, ip, now, throttle)
    if wait:
        _record(session, email, ip, now, success=False)
        raise Throttled(wait)
    if len(password) > MAX_PASSWORD_LENGTH:
        # No account can have such a password; refuse before hashing megabytes.
        user = None
    if user is None:
        # Spend the same argon2 work as for a real account so timing does not tell.
        verify_password(_dummy(), password)
        _record(session, email, ip, now, success=False)
        raise BadCredentials()
    if not verify_password(user.password_hash, password) or not user.active:
        _record(session, email, ip, now, success=False)
        raise BadCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _record(session, email, ip, now, success=True)
    return user


def users_with_role(session: Session, role: str) -> list[User]:
    """Return the active users holding the role, ordered by email address."""
    users = session.scalars(select(User).where(User.active.is_(True)))
    # Roles are a comma-separated column: filter here rather than with a fragile LIKE.
    # Sorted here, not by the database: PostgreSQL's collation may order '.' and '-' apart
    # from SQLite's, and the order is the order emails are written in.
    return sorted((u for u in users if u.has_role(role)), key=lambda u: u.email)


def _minutes_to_wait(
    session: Session, email: str, ip: str, now: datetime, throttle: Throttle
) -> int:
    window = timedelta(minutes=throttle.window_minutes)
    by_account = _wait(
        session, LoginAttempt.email == email, now, window, throttle.max_failures, reset=True
    )
    # An address is judged on its failures alone: its successes on other accounts (a
    # guesser's own account) do not wipe the slate.
    by_address = (
        _wait(session, LoginAttempt.ip == ip, now, window, throttle.per_address, reset=False)
        if ip
        else 0
    )
    return max(by_account, by_address)


def _wait(
    session: Session,
    which: ColumnElement[bool],
    now: datetime,
    window: timedelta,
    limit: int,
    reset: bool,
) -> int:
    rows = session.execute(
        select(LoginAttempt.at, LoginAttempt.success)
        .where(which, LoginAttempt.at > now - window)
        .order_by(LoginAttempt.at, LoginAttempt.id)
    ).all()
    failures: list[datetime] = []
    for at, success in rows:
        if not success:
            failures.append(at)
        elif reset:
            # For an account, failures count only after its last success in the window.
            failures.clear()
    if len(failures) < limit:
        return 0
    # Unlocked once fewer than `limit` failures remain in the window.
    unlock = failures[len(failures) - limit] + window
    return max(1, math.ceil((unlock - now).total_seconds() / 60))


def _record(session: Session, email: str, ip: str, now: datetime, success: bool) -> None:
    session.add(LoginAttempt(email=email, ip=ip, success=success, at=now))
    session.flush()


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash
