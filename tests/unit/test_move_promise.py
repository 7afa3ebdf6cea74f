"""The machine's promise: a button is offered exactly when the server would accept the move.

For fixture workflows, every state, every kind of person (and the system) and answers
that pass or fail the guards, the buttons `offered` (what the pages show) are compared
with what `fire` accepts, each move tried and rolled back.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.applications import moves as ops
from engine.applications.attempts import Case, offered
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import Application, User
from engine.runtime.calendar import montana
from engine.runtime.machine import Blocked

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "definitions"

EXCEPTIONS = ROOT / "tests" / "fixtures" / "exceptions" / "workflows" / "exceptions.yaml"

MONDAY = date(2026, 3, 9)
ANSWERS: dict[str, dict[str, Any]] = {
    "on time": {"title": "Fall institute", "dates": [{"date": "2026-03-19", "hours": 4}]},
    "late": {"title": "Fall institute", "dates": [{"date": "2026-03-16", "hours": 4}]},
    "late and long": {
        "title": "Fall institute",
        "dates": [{"date": "2026-03-16", "hours": 10}],
        "total_hours": 10,
    },
    "past": {"title": "Fall institute", "dates": [{"date": "2026-03-02", "hours": 4}]},
    "unfinished": {"dates": [{"date": "2026-03-19", "hours": 4}]},
}
PEOPLE = [
    ("owner@example.org", "applicant"),
    ("stranger@example.org", "applicant"),
    ("reviewer@example.org", "reviewer"),
    ("admin@example.org", "admin"),
]
# What a person writes or picks on the page, and so a blocker the words remove.
WORDS = {"comment", "reason", "override"}


@dataclass
class World:
    db: Database
    context: ops.MoveContext
    people: list[int]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    for folder in ("forms", "workflows"):
        (tmp_path / folder).mkdir()
    shutil.copy(FIXTURES / "forms" / "group_repeat.yaml", tmp_path / "forms")
    shutil.copy(FIXTURES / "workflows" / "guarded.yaml", tmp_path / "workflows")
    shutil.copy(EXCEPTIONS, tmp_path / "workflows")
    db = Database(database_url)
    registry = DefinitionRegistry(tmp_path, FIXTURES / "templates", db)
    registry.load_files()
    emails = Environment(loader=FileSystemLoader(FIXTURES / "templates"))
    mail = MailSettings(emails, "https://example.org", "Example", "staff@example.org")
    with db.transaction() as session:
        registry.publish(session)
        users = [User(email=e, name=e, password_hash="-", roles=r) for e, r in PEOPLE]
        session.add_all(users)
    yield World(db, ops.MoveContext(registry, montana(), mail), [u.id for u in users])
    db.dispose()


def accepted(
    session: Session, world: World, case: Case, user: User | None, words: bool
) -> set[str]:
    """Return the triggers fire accepts from the case's state, each tried and rolled back."""
    found = set()
    for transition in case.compiled.workflow.transitions:
        move = ops.MoveRequest(
            application_id=case.application.id,
            trigger=transition.trigger,
            user=user,
            expected_version=case.application.version,
            today=MONDAY,
            comment="Because." if words else "",
            reason=transition.reasons[0].value if words and transition.reasons else "",
            override_reason="Because." if words else "",
        )
        savepoint = session.begin_nested()
        try:
            ops.fire(session, move, world.context, case)
            found.add(transition.trigger)
        except Blocked:
            pass
        finally:
            savepoint.rollback()
            session.expire_all()
    return found


@pytest.mark.parametrize("workflow", ["guarded", "exceptions"])
def test_the_buttons_offered_are_the_moves_fire_accepts(world: World, workflow: str) -> None:
    compiled = world.context.registry.latest(workflow)
    kinds: set[str] = set()
    moved = 0
    with world.db.sessions() as session:
        owner = session.get(User, world.people[0])
        assert owner is not None
        application = ops.start(session, compiled, owner)
        for answers in ANSWERS.values():
            for state in compiled.workflow.states:
                session.execute(
                    update(Application)
                    .where(Application.id == application.id)
                    .values(state=state, answers=answers)
                )
                session.expire_all()
                for user in [*(session.get(User, i) for i in world.people), None]:
                    case = Case(application, compiled)
                    buttons = offered(
                        session,
                        case,
                        user,
                        registry=world.context.registry,
                        calendar=world.context.calendar,
                        today=MONDAY,
                    )
                    kinds |= {b.kind for _, found in buttons for b in found}
                    ready = {t.trigger for t, found in buttons if not found}
                    said = {t.trigger for t, f in buttons if {b.kind for b in f} <= WORDS}
                    where = (state, answers, None if user is None else user.email)
                    assert accepted(session, world, case, user, words=False) == ready, where
                    assert accepted(session, world, case, user, words=True) == said, where
                    moved += len(said)
        session.rollback()
    # The comparison meant something: moves were accepted, and refused for every reason.
    assert moved
    expected = {"guard", "form", "comment"}
    if workflow == "exceptions":
        expected |= {"override", "reason"}
    assert expected <= kinds
