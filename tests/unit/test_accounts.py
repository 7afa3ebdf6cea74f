"""Account plumbing in the store: set-password tokens, sign-in names, reset counts, search."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.accounts import users
from engine.accounts.password_resets import may_send_reset, resets_since
from engine.accounts.tokens import (
    INVITE_MAX_AGE,
    RESET_MAX_AGE,
    BadToken,
    make_password_token,
    max_age_for,
    read_password_token,
)
from engine.organizations import memberships as orgs
from engine.organizations.search import search
from engine.platform.clock import utcnow
from engine.platform.db import Database
from engine.platform.models import OutboxMessage, User

SECRET = "unit-secret"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated, empty database with one provider and its manager Jane Doe (JDoe)."""
    database = Database(database_url)
    with database.transaction() as session:
        organization = orgs.create_organization(session, name="Big Sky Academy")
        orgs.invite(
            session, organization, name="Jane Doe", email="jane@example.org", role=orgs.MANAGER
        )
    yield database
    database.dispose()


def jane(session: Session) -> User:
    found = session.scalar(select(User).where(User.email == "jane@example.org"))
    assert found is not None
    return found


def test_an_invitation_lasts_a_week_and_a_reset_a_day(db: Database) -> None:
    with db.transaction() as session:
        user = jane(session)
        assert not users.has_usable_password(user)
        assert max_age_for(user) == INVITE_MAX_AGE
        user.password_hash = users.hash_password("a long enough password")
        assert users.has_usable_password(user)
        assert max_age_for(user) == RESET_MAX_AGE


def test_a_token_works_until_the_password_changes(db: Database) -> None:
    with db.transaction() as session:
        user = jane(session)
        token = make_password_token(SECRET, user)
        assert read_password_token(SECRET, token, session) is user
        assert users.replace_password(session, user, "a long enough password")
        with pytest.raises(BadToken, match="used already"):
            read_password_token(SECRET, token, session)


def test_an_explicit_max_age_wins(db: Database) -> None:
    with db.transaction() as session:
        user = jane(session)
        old = make_password_token(SECRET, user, signed_at=int(time.time()) - 120)
        assert read_password_token(SECRET, old, session, max_age=600) is user
        with pytest.raises(BadToken, match="expired"):
            read_password_token(SECRET, old, session, max_age=60)


def test_only_one_of_two_racing_requests_sets_the_password(db: Database) -> None:
    # Both read the account (and so accept the same link) before either writes.
    with db.sessions() as first, db.sessions() as second:
        one, two = jane(first), jane(second)
        assert users.replace_password(first, one, "first long password")
        first.commit()
        assert not users.replace_password(second, two, "second long password")
        second.commit()
    with db.reading() as session:
        assert users.verify_password(jane(session).password_hash, "first long password")


def test_a_username_stands_for_its_accounts_email(db: Database) -> None:
    with db.reading() as session:
        assert users.login_key(session, " JDOE ") == "jane@example.org"
        assert users.login_key(session, "Jane@Example.org") == "jane@example.org"
        assert users.login_key(session, "Nobody") == "nobody"
        assert users.find_by_login(session, "jdoe") is not None
        assert users.find_by_login(session, "nobody@example.org") is None


def test_reset_emails_are_counted_per_address_within_the_hour(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        for minutes_ago, to, template in [
            (5, "jane@example.org", "password_reset"),
            (50, "jane@example.org", "password_reset"),
            (70, "jane@example.org", "password_reset"),  # older than an hour
            (5, "jane@example.org", "account_invitation"),  # another kind of email
            (5, "sam@example.org", "password_reset"),  # another address
        ]:
            session.add(
                OutboxMessage(
                    template=template,
                    to_addr=to,
                    subject="s",
                    body="b",
                    created_at=now - timedelta(minutes=minutes_ago),
                )
            )
    with db.reading() as session:
        assert resets_since(session, "jane@example.org", now - timedelta(hours=1)) == 2
        assert may_send_reset(session, "jane@example.org", now, per_hour=3)
        assert not may_send_reset(session, "jane@example.org", now, per_hour=2)


def test_search_matches_name_or_number_literally(db: Database) -> None:
    with db.transaction() as session:
        other = orgs.create_organization(session, name="100% Learning_Co")
        orgs.invite(session, other, name="Sam Lee", email="sam@example.org")
    with db.reading() as session:
        everything = search(session)
        assert [r.organization.name for r in everything] == ["100% Learning_Co", "Big Sky Academy"]
        assert [(r.manager.email if r.manager else None, r.people) for r in everything] == [
            (None, 1),
            ("jane@example.org", 1),
        ]
        assert [r.organization.number for r in search(session, "rup-0002")] == ["RUP-0002"]
        assert [r.organization.name for r in search(session, "sky")] == ["Big Sky Academy"]
        # Typed % and _ are text: as wildcards they would also match "Big Sky Academy".
        assert [r.organization.name for r in search(session, "%")] == ["100% Learning_Co"]
        assert search(session, "y_a") == []
        assert [r.organization.name for r in search(session, "g_c")] == ["100% Learning_Co"]
