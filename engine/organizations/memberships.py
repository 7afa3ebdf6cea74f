"""Organizations (approved providers) and the people who work for them.

Each organization has exactly one account manager, who adds and removes its users and
can hand the role over; agency staff may do the same on request. One person may work
for several organizations with one login.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from engine.accounts.usernames import make_username
from engine.accounts.users import UNUSABLE_PREFIX, is_valid_email, normalise_email
from engine.platform.models import Membership, Organization, User

MANAGER, MEMBER = "manager", "member"
ACTIVE, INACTIVE = "active", "inactive"
MAX_NAME_LENGTH = 200


class MembershipError(Exception):
    """A change to an organization's people that is not allowed; the message says why.

    `field` names the input the message belongs to ("name", "email"), or is empty.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def unusable_password() -> str:
    """Return a password hash no password matches: the person sets one through a link."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def next_number(session: Session, prefix: str, digits: int) -> str:
    """Return the next free organization number with this prefix (RUP-0001, RUP-0002...)."""
    numbers = session.scalars(
        select(Organization.number).where(Organization.number.like(prefix + "%"))
    )
    highest = 0
    for number in numbers:
        tail = number[len(prefix) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:0{digits}d}"


def create_organization(
    session: Session,
    *,
    name: str,
    email: str = "",
    phone: str = "",
    website: str = "",
    prefix: str = "RUP-",
    digits: int = 4,
    source_application_id: int | None = None,
) -> Organization:
    """Add an organization with the next free number (the caller commits)."""
    for _ in range(5):
        organization = Organization(
            number=next_number(session, prefix, digits),
            name=name.strip(),
            status=ACTIVE,
            email=normalise_email(email),
            phone=phone.strip(),
            website=website.strip(),
            source_application_id=source_application_id,
        )
        try:
            # A savepoint: two approvals at once may pick the same number; retry the loser.
            with session.begin_nested():
                session.add(organization)
        except IntegrityError:
            continue
        return organization
    raise MembershipError("Could not give the organization a number; try again.")


def active_organizations(session: Session) -> list[Organization]:
    """Return the organizations that may file or be asked about, by name."""
    return list(
        session.scalars(
            select(Organization)
            .where(Organization.status == ACTIVE)
            .order_by(Organization.name, Organization.id)
        )
    )


def membership(session: Session, user_id: int, organization_id: int) -> Membership | None:
    """Return this user's membership of this organization, if any."""
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    )


def role_in(session: Session, user_id: int | None, organization_id: int | None) -> str | None:
    """Return 'manager', 'member', or None for a user and an organization."""
    if user_id is None or organization_id is None:
        return None
    found = membership(session, user_id, organization_id)
    return found.role if found else None


def memberships_of(session: Session, user_id: int) -> list[Membership]:
    """Return the organizations a user works for, by organization name."""
    return list(
        session.scalars(
            select(Membership)
            .join(Organization)
            .options(contains_eager(Membership.organization))
            .where(Membership.user_id == user_id)
            .order_by(Organization.name, Organization.id)
        )
    )


def members(session: Session, organization_id: int) -> list[Membership]:
    """Return an organization's people: the manager first, then by name."""
    rows = session.scalars(
        select(Membership).where(Membership.organization_id == organization_id)
    ).all()
    return sorted(rows, key=lambda m: (m.role != MANAGER, m.user.name.lower(), m.user.email))


def manager_of(session: Session, organization_id: int) -> User | None:
    """Return the organization's account manager."""
    found = session.scalar(
        select(Membership).where(
            Membership.organization_id == organization_id, Membership.role == MANAGER
        )
    )
    return found.user if found else None


def invite(
    session: Session, organization: Organization, *, name: str, email: str, role: str = MEMBER
) -> tuple[User, bool]:
    """Add a person to an organization, creating their account if they have none.

    Returns the user and whether the account is new (then it has no password yet and a
    set-password link must be sent). Making someone manager demotes the previous one.
    """
    email = normalise_email(email)
    if not is_valid_email(email):
        raise MembershipError("Enter an email address like name@example.org.", "email")
    if not name.strip():
        raise MembershipError("Enter the person's full name.", "name")
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise MembershipError(
            f"The full name must be {MAX_NAME_LENGTH} characters or fewer.", "name"
        )
    user = session.scalar(select(User).where(User.email == email))
    created = user is None
    if user is None:
        user = User(
            email=email,
            name=name.strip(),
            username=make_username(session, name),
            password_hash=unusable_password(),
            roles="applicant",
            active=True,
        )
        session.add(user)
        session.flush()
    elif not user.username:
        user.username = make_username(session, user.name or name)
    existing = membership(session, user.id, organization.id)
    if existing is None:
        existing = Membership(organization_id=organization.id, user_id=user.id, role=MEMBER)
        session.add(existing)
        session.flush()
    if role == MANAGER and existing.role != MANAGER:
        hand_over(session, organization, user.id)
    return user, created


def remove_member(session: Session, organization: Organization, user_id: int) -> None:
    """Take a person off an organization; the account manager cannot be removed."""
    found = membership(session, user_id, organization.id)
    if found is None:
        raise MembershipError("That person does not work for this organization.")
    if found.role == MANAGER:
        raise MembershipError(
            "The account manager cannot be removed. Hand the role to someone else first."
        )
    session.delete(found)
    session.flush()


def hand_over(session: Session, organization: Organization, to_user_id: int) -> None:
    """Make this member the account manager; the previous manager stays as a user."""
    target = membership(session, to_user_id, organization.id)
    if target is None:
        raise MembershipError("Only a user of this organization can become its manager.")
    for row in session.scalars(
        select(Membership).where(
            Membership.organization_id == organization.id, Membership.role == MANAGER
        )
    ):
        row.role = MEMBER
    target.role = MANAGER
    session.flush()
