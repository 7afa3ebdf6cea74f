"""Organizations and their people: numbers, usernames, invitations, removal, hand-over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.accounts.usernames import base_username, find_by_username, make_username
from engine.accounts.users import verify_password
from engine.organizations import memberships as orgs
from engine.platform.db import Database
from engine.platform.models import User


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated, empty database."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Jane Doe", "JDoe"),
        ("  jane   doe ", "JDoe"),
        ("José Álvarez", "JAlvarez"),
        ("Mary Ann van der Berg", "MBerg"),
        ("Mary-Kate O'Neil", "MONeil"),
        ("Cher", "Cher"),
        ("", "user"),
        ("!!!", "user"),
    ],
)
def test_a_username_is_first_initial_and_last_name(full_name: str, expected: str) -> None:
    assert base_username(full_name) == expected


def test_usernames_are_made_unique_ignoring_case(db: Database) -> None:
    with db.transaction() as session:
        org = orgs.create_organization(session, name="Big Sky Academy")
        first, _ = orgs.invite(session, org, name="Jane Doe", email="jane@example.org")
        second, _ = orgs.invite(session, org, name="John Doe", email="john@example.org")
        third, _ = orgs.invite(session, org, name="jill doe", email="jill@example.org")
        assert (first.username, second.username, third.username) == ("JDoe", "JDoe2", "JDoe3")
        assert make_username(session, "Jed Doe") == "JDoe4"
        assert find_by_username(session, " jdoe2 ") is second
        assert find_by_username(session, "") is None


def test_numbers_count_up_per_prefix(db: Database) -> None:
    with db.transaction() as session:
        a = orgs.create_organization(session, name="A")
        b = orgs.create_organization(session, name="B")
        c = orgs.create_organization(session, name="C", prefix="SE-", digits=3)
        assert (a.number, b.number, c.number) == ("RUP-0001", "RUP-0002", "SE-001")


def test_an_invited_person_gets_an_account_without_a_password(db: Database) -> None:
    with db.transaction() as session:
        org = orgs.create_organization(session, name="Big Sky Academy")
        user, created = orgs.invite(
            session, org, name="Jane Doe", email=" Jane@Example.org", role=orgs.MANAGER
        )
        assert created
        assert user.email == "jane@example.org"
        assert not verify_password(user.password_hash, "")
        assert orgs.role_in(session, user.id, org.id) == orgs.MANAGER
        again, created_again = orgs.invite(session, org, name="Jane Doe", email="jane@example.org")
        assert again.id == user.id and not created_again
        # Inviting the manager again as a member does not demote her.
        assert orgs.role_in(session, user.id, org.id) == orgs.MANAGER


def test_one_person_can_work_for_several_organizations(db: Database) -> None:
    with db.transaction() as session:
        first = orgs.create_organization(session, name="Zeta Schools")
        second = orgs.create_organization(session, name="Alpha Institute")
        user, _ = orgs.invite(session, first, name="Pat Lee", email="pat@example.org")
        same, created = orgs.invite(session, second, name="Pat Lee", email="pat@example.org")
        assert same.id == user.id and not created
        names = [m.organization.name for m in orgs.memberships_of(session, user.id)]
        assert names == ["Alpha Institute", "Zeta Schools"]


def test_the_manager_cannot_be_removed_but_can_hand_over(db: Database) -> None:
    with db.transaction() as session:
        org = orgs.create_organization(session, name="Big Sky Academy")
        manager, _ = orgs.invite(
            session, org, name="Jane Doe", email="jane@example.org", role=orgs.MANAGER
        )
        helper, _ = orgs.invite(session, org, name="Sam Roe", email="sam@example.org")
        with pytest.raises(orgs.MembershipError, match="cannot be removed"):
            orgs.remove_member(session, org, manager.id)
        orgs.hand_over(session, org, helper.id)
        assert orgs.manager_of(session, org.id) is helper
        assert orgs.role_in(session, manager.id, org.id) == orgs.MEMBER
        orgs.remove_member(session, org, manager.id)
        assert orgs.role_in(session, manager.id, org.id) is None
        assert [m.user.email for m in orgs.members(session, org.id)] == ["sam@example.org"]
        with pytest.raises(orgs.MembershipError, match="does not work for"):
            orgs.remove_member(session, org, manager.id)
        outsider = User(email="x@example.org", password_hash="!", roles="applicant")
        session.add(outsider)
        session.flush()
        with pytest.raises(orgs.MembershipError, match="Only a user"):
            orgs.hand_over(session, org, outsider.id)


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [("Jane Doe", "not an email", "email address"), ("  ", "jane@example.org", "full name")],
)
def test_an_invitation_needs_a_name_and_an_email(
    db: Database, name: str, email: str, message: str
) -> None:
    with db.transaction() as session:
        org = orgs.create_organization(session, name="Big Sky Academy")
        with pytest.raises(orgs.MembershipError, match=message):
            orgs.invite(session, org, name=name, email=email)
