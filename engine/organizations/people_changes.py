"""Changes to an organization's people, shared by its account manager's page and staff's.

Each change is one transaction; the emails it writes leave after the commit.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.accounts import users
from engine.accounts.mail import queue_invitation
from engine.organizations import memberships as orgs
from engine.platform.mail import mail_settings
from engine.platform.models import Membership, Organization, User
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_commit

Errors = list[tuple[str, str]]


def person_errors(name: str, email: str) -> Errors:
    """Return (input id, message) pairs for the add-a-person form."""
    errors: Errors = []
    if not name.strip():
        errors.append(("name", "Enter the person's full name."))
    elif len(name.strip()) > orgs.MAX_NAME_LENGTH:
        errors.append(
            ("name", f"The full name must be {orgs.MAX_NAME_LENGTH} characters or fewer.")
        )
    if not email.strip():
        errors.append(("email", "Enter the person's email address."))
    elif not users.is_valid_email(users.normalise_email(email)):
        errors.append(
            ("email", "Enter an email address in the correct format, like name@example.org.")
        )
    return errors


def add_person(organization_id: int, name: str, email: str) -> tuple[Errors, str]:
    """Add a person as a user of the organization and email them; return (errors, notice)."""
    errors = person_errors(name, email)
    if errors:
        return errors, ""

    def work(session: Session) -> str:
        organization = _organization(session, organization_id)
        existing = session.scalar(select(User).where(User.email == users.normalise_email(email)))
        if existing is not None and orgs.membership(session, existing.id, organization.id):
            raise orgs.MembershipError(
                f"{existing.name or existing.email} already works for {organization.name}.",
                "email",
            )
        user, new_account = orgs.invite(session, organization, name=name, email=email)
        queue_invitation(session, mail_settings(), user, organization, new_account)
        return (
            f"{user.name} (username {user.username}) can now work for {organization.name}. "
            "We emailed them how to sign in."
        )

    try:
        notice = services().db.transact(work)
    except orgs.MembershipError as error:
        return [(error.field or "email", str(error))], ""
    deliver_after_commit()
    return [], notice


def remove_person(organization_id: int, user_id: int) -> str:
    """Take a person off the organization; return an error message, or "" when done."""
    try:
        with services().db.transaction() as session:
            orgs.remove_member(session, _organization(session, organization_id), user_id)
    except orgs.MembershipError as error:
        return str(error)
    return ""


def hand_over(organization_id: int, user_id: int) -> str:
    """Make a user the account manager; return an error message, or "" when done."""
    try:
        with services().db.transaction() as session:
            orgs.hand_over(session, _organization(session, organization_id), user_id)
    except orgs.MembershipError as error:
        return str(error)
    return ""


def _organization(session: Session, organization_id: int) -> Organization:
    found = session.get(Organization, organization_id)
    if found is None:
        raise orgs.MembershipError("That organization does not exist.")
    return found


def membership_or_404(organization_id: int, user_id: int) -> Membership:
    """Return a person's membership of this organization; 404 when they do not work there.

    Somebody of another organization is "not found": nobody learns who works elsewhere.
    """
    with services().db.reading() as session:
        found = orgs.membership(session, user_id, organization_id)
    if found is None:
        abort(404)
    return found
