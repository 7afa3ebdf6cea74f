"""Assigning applications in the store: who may be given one, compare-and-set, the record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.applications import moves as ops
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, AuditEvent, User
from engine.review import assignment

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class World:
    """A database with one draft application and people of every kind."""

    db: Database
    application_id: int
    people: dict[str, int]

    def assign(self, who: str | None, by: str, expected: str | None) -> bool:
        """Assign as `by`, expecting `expected`; return whether anything changed."""
        with self.db.transaction() as session:
            actor = session.get(User, self.people[by])
            assert actor is not None
            return assignment.assign(
                session,
                self.application_id,
                None if who is None else self.people[who],
                actor,
                None if expected is None else self.people[expected],
            )

    def assigned(self) -> int | None:
        with self.db.reading() as session:
            application = session.get(Application, self.application_id)
            assert application is not None
            return application.assigned_to_id

    def events(self) -> list[tuple[str, int | None]]:
        with self.db.reading() as session:
            rows = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.application_id == self.application_id)
                .order_by(AuditEvent.id)
            )
            return [(e.trigger, e.assignee_id) for e in rows if e.trigger.startswith("staff:")]


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    db = Database(database_url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    with db.transaction() as session:
        registry.publish(session)
        people = {
            key: User(email=f"{key}@example.org", name=key, password_hash="-", roles=roles)
            for key, roles in [
                ("riley", "reviewer"),
                ("casey", "applicant,admin"),
                ("ann", "applicant"),
                ("gone", "reviewer"),
                # `contains` matches this one; role_set() does not.
                ("tricky", "not_a_reviewer"),
            ]
        }
        people["gone"].active = False
        session.add_all(people.values())
        session.flush()
        application = ops.start(session, registry.latest("provider_registration"), people["ann"])
        session.flush()
        ids = {key: user.id for key, user in people.items()}
        application_id = application.id
    yield World(db, application_id, ids)
    db.dispose()


def test_staff_members_are_the_active_reviewers_and_admins(world: World) -> None:
    with world.db.reading() as session:
        names = [u.name for u in assignment.staff_members(session)]
    assert names == ["casey", "riley"]


@pytest.mark.parametrize("who", ["ann", "gone", "tricky"])
def test_only_active_staff_can_be_given_an_application(world: World, who: str) -> None:
    with pytest.raises(assignment.NotStaff):
        world.assign(who, by="riley", expected=None)
    assert world.assigned() is None and world.events() == []


def test_assign_reassign_unassign_each_recorded(world: World) -> None:
    assert world.assign("riley", by="riley", expected=None) is True
    assert world.assign("casey", by="riley", expected="riley") is True
    assert world.assign(None, by="casey", expected="casey") is True
    assert world.assigned() is None
    assert world.events() == [
        (assignment.ASSIGN, world.people["riley"]),
        (assignment.ASSIGN, world.people["casey"]),
        (assignment.UNASSIGN, None),
    ]


def test_a_stale_expectation_is_a_conflict_and_changes_nothing(world: World) -> None:
    world.assign("riley", by="riley", expected=None)
    with pytest.raises(ops.Conflict):
        world.assign("casey", by="casey", expected=None)
    assert world.assigned() == world.people["riley"]
    assert len(world.events()) == 1


def test_assigning_to_whoever_has_it_records_nothing(world: World) -> None:
    world.assign("riley", by="riley", expected=None)
    assert world.assign("riley", by="casey", expected="riley") is False
    assert len(world.events()) == 1


def test_no_such_application(world: World) -> None:
    with world.db.transaction() as session:
        actor = session.get(User, world.people["riley"])
        assert actor is not None
        with pytest.raises(LookupError):
            assignment.assign(session, 999_999, None, actor, None)
