"""Database.transact: work run again when a concurrent request took the same unique key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.platform.db import Database
from engine.platform.models import User

EMAIL = "pat@example.org"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def _user() -> User:
    return User(email=EMAIL, name="Pat", password_hash="-", roles="applicant")


def test_work_that_lost_a_race_runs_again_and_sees_the_winners_row(db: Database) -> None:
    runs: list[int] = []

    def add(session: Session) -> str:
        runs.append(1)
        if session.scalar(select(User).where(User.email == EMAIL)) is not None:
            return "already there"
        if len(runs) == 1:
            # Another request adds the same person between this one's look and its insert.
            with db.transaction() as other:
                other.add(_user())
        session.add(_user())
        session.flush()
        return "added"

    assert db.transact(add) == "already there"
    assert len(runs) == 2
    with db.reading() as session:
        assert len(session.scalars(select(User).where(User.email == EMAIL)).all()) == 1


def test_work_that_keeps_losing_gives_up_after_its_tries(db: Database) -> None:
    with db.transaction() as session:
        session.add(_user())
    runs: list[int] = []

    def add(session: Session) -> None:
        runs.append(1)
        session.add(_user())
        session.flush()

    with pytest.raises(IntegrityError):
        db.transact(add, tries=3)
    assert len(runs) == 3


def test_other_errors_are_not_run_again_and_nothing_is_kept(db: Database) -> None:
    runs: list[int] = []

    def add(session: Session) -> None:
        runs.append(1)
        session.add(_user())
        session.flush()
        raise ValueError("bad answer")

    with pytest.raises(ValueError, match="bad answer"):
        db.transact(add)
    assert len(runs) == 1
    with db.reading() as session:
        assert session.scalar(select(User)) is None
