"""Application operations on a real database: start, save, fire, conflicts, changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.applications import moves as ops
from engine.platform.db import Database
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import AnswerSnapshot, Application, AuditEvent, OutboxMessage, User
from engine.runtime.calendar import BusinessCalendar, montana
from engine.runtime.machine import Blocked, Outcome
from tests.unit.samples import SHIPPED_ANSWERS

ROOT = Path(__file__).resolve().parents[2]
FRIDAY = date(2025, 11, 21)

COMPLETE: dict[str, Any] = {**SHIPPED_ANSWERS, "org_type": "college", "accreditor": "NWCCU"}


@dataclass
class World:
    """A migrated database with the shipped definitions and three people."""

    db: Database
    registry: DefinitionRegistry
    compiled: Compiled
    calendar: BusinessCalendar
    mail: MailSettings
    owner: User
    reviewer: User
    other: User

    def fire(
        self,
        session: Session,
        app_id: int,
        trigger: str,
        user: User,
        version: int,
        comment: str = "",
    ) -> Outcome:
        move = ops.MoveRequest(
            application_id=app_id,
            trigger=trigger,
            user=user,
            expected_version=version,
            today=FRIDAY,
            comment=comment,
        )
        context = ops.MoveContext(registry=self.registry, calendar=self.calendar, mail=self.mail)
        return ops.fire(session, move, context)


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    db = Database(database_url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    emails = Environment(loader=FileSystemLoader(ROOT / "templates"), keep_trailing_newline=True)
    mail = MailSettings(emails, "https://ru.example.org", "Renewal Units", "ru@opi.example.gov")
    with db.transaction() as session:
        registry.publish(session)
        people = [
            User(email=email, name=name, password_hash="-", roles=roles)
            for email, name, roles in [
                ("jordan@bigsky.example.org", "Jordan", "applicant"),
                ("riley@opi.example.gov", "Riley", "reviewer"),
                ("sam@elsewhere.example.org", "Sam", "applicant"),
            ]
        ]
        session.add_all(people)
    yield World(
        db,
        registry,
        registry.latest("provider_registration"),
        montana(),
        mail,
        *people,
    )
    db.dispose()


def started(world: World, answers: dict[str, Any] | None = None) -> Application:
    """Start an application for the owner, optionally saving answers; return it."""
    with world.db.transaction() as session:
        application = ops.start(session, world.compiled, world.owner)
        if answers is not None:
            ops.save_answers(session, application, world.compiled, answers)
    return application


def counts(world: World) -> dict[str, int]:
    with world.db.reading() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (AuditEvent, AnswerSnapshot, OutboxMessage)
        }


def reload(world: World, app_id: int) -> Application:
    with world.db.reading() as session:
        application = session.get(Application, app_id)
        assert application is not None
        return application


def events(world: World, app_id: int) -> list[AuditEvent]:
    with world.db.reading() as session:
        return ops.history(session, app_id)


def outbox(world: World) -> list[OutboxMessage]:
    with world.db.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# -- start -------------------------------------------------------------------------------


def test_start_pins_versions_takes_defaults_and_records_the_start(world: World) -> None:
    application = started(world)
    stored = reload(world, application.id)
    assert (stored.workflow, stored.state, stored.version) == ("provider_registration", "draft", 1)
    assert stored.workflow_version == world.compiled.workflow.version
    assert stored.form_version == world.compiled.form.version
    assert stored.owner_id == world.owner.id
    assert stored.answers == {"address": {"state": "MT"}}
    assert (stored.submitted_at, stored.due_on) == (None, None)
    [start] = events(world, application.id)
    assert (start.trigger, start.from_state, start.to_state) == ("start", None, "draft")
    assert (start.actor_id, start.comment, start.snapshot_id) == (world.owner.id, "", None)
    assert (start.workflow_version, start.form_version) == (
        stored.workflow_version,
        stored.form_version,
    )
    assert counts(world) == {"audit_events": 1, "answer_snapshots": 0, "outbox": 0}


# -- save_answers ------------------------------------------------------------------------


def test_save_answers_stores_them_with_a_title_and_a_new_version(world: World) -> None:
    answers = {"legal_name": "Big Sky Teacher Academy", "address": {"state": "MT"}}
    application = started(world, answers)
    stored = reload(world, application.id)
    assert stored.answers == answers
    assert (stored.title, stored.version) == ("Big Sky Teacher Academy", 2)


def test_save_answers_is_refused_outside_an_editable_state(world: World) -> None:
    application = started(world, COMPLETE)
    with world.db.transaction() as session:
        world.fire(session, application.id, "submit", world.owner, 2)
    with pytest.raises(ops.NotEditable), world.db.transaction() as session:
        current = session.get(Application, application.id)
        assert current is not None
        ops.save_answers(session, current, world.compiled, {"legal_name": "Changed"})
    stored = reload(world, application.id)
    assert (stored.state, stored.version) == ("submitted", 3)
    assert stored.answers["legal_name"] == "Big Sky Teacher Academy"


# -- fire --------------------------------------------------------------------------------


def test_submit_moves_the_application_and_writes_snapshot_audit_and_mail(world: World) -> None:
    application = started(world, COMPLETE)
    before = counts(world)
    with world.db.transaction() as session:
        outcome = world.fire(session, application.id, "submit", world.owner, 2, " Here it is. ")
    assert (outcome.source, outcome.dest, outcome.due_on) == (
        "draft",
        "submitted",
        date(2025, 12, 3),
    )

    stored = reload(world, application.id)
    assert (stored.state, stored.version, stored.due_on) == ("submitted", 3, date(2025, 12, 3))
    assert stored.submitted_at is not None
    assert stored.state_entered_at == stored.updated_at
    assert counts(world) == {
        "audit_events": before["audit_events"] + 1,
        "answer_snapshots": before["answer_snapshots"] + 1,
        "outbox": before["outbox"] + 1,
    }

    submit = events(world, application.id)[-1]
    assert (submit.trigger, submit.from_state, submit.to_state) == ("submit", "draft", "submitted")
    assert (submit.actor_id, submit.comment) == (world.owner.id, "")  # submit declares no comment
    assert (submit.workflow_version, submit.form_version) == (
        world.compiled.workflow.version,
        world.compiled.form.version,
    )
    with world.db.reading() as session:
        snapshot = session.get(AnswerSnapshot, submit.snapshot_id)
        assert snapshot is not None
        assert (snapshot.application_id, snapshot.data) == (application.id, COMPLETE)
        assert snapshot.form_version == world.compiled.form.version

    [message] = outbox(world)
    reference = f"{application.id:06d}"
    assert (message.application_id, message.template, message.status) == (
        application.id,
        "registration_received",
        "pending",
    )
    assert message.to_addr == "jordan@bigsky.example.org"
    assert message.subject == f"We received your provider registration ({reference})"
    assert "We received the registration of Big Sky Teacher Academy" in message.body
    assert "We will tell you our decision by Wednesday 3 December 2025." in message.body
    assert f"https://ru.example.org/applications/{application.id}" in message.body
    assert "Questions: ru@opi.example.gov" in message.body


def test_a_reviewers_decision_carries_the_comment_into_audit_and_mail(world: World) -> None:
    application = started(world, COMPLETE)
    with world.db.transaction() as session:
        world.fire(session, application.id, "submit", world.owner, 2)
    with world.db.transaction() as session:
        outcome = world.fire(
            session, application.id, "deny", world.reviewer, 3, "You are not eligible."
        )
    assert (outcome.dest, outcome.due_on) == ("denied", None)
    stored = reload(world, application.id)
    assert (stored.state, stored.version, stored.due_on) == ("denied", 4, None)
    deny = events(world, application.id)[-1]
    assert (deny.actor_id, deny.trigger, deny.comment) == (
        world.reviewer.id,
        "deny",
        "You are not eligible.",
    )
    message = outbox(world)[-1]
    assert message.template == "registration_denied"
    assert message.to_addr == "jordan@bigsky.example.org"  # the applicant, not the reviewer
    assert message.subject == f"Decision on your provider registration ({application.id:06d})"
    assert "The reason:\nYou are not eligible." in message.body


def test_a_blocked_trigger_writes_nothing(world: World) -> None:
    no_zip = {k: v for k, v in COMPLETE["address"].items() if k != "zip"}
    application = started(world, {**COMPLETE, "address": no_zip})
    before = counts(world)
    with pytest.raises(Blocked) as error, world.db.transaction() as session:
        world.fire(session, application.id, "submit", world.owner, 2)
    assert [e.path for b in error.value.blockers for e in b.errors] == ["address-zip"]
    with pytest.raises(Blocked), world.db.transaction() as session:
        world.fire(session, application.id, "submit", world.other, 2)
    assert counts(world) == before
    assert (reload(world, application.id).state, reload(world, application.id).version) == (
        "draft",
        2,
    )


def test_a_stale_version_is_a_conflict_and_writes_nothing(world: World) -> None:
    application = started(world, COMPLETE)
    before = counts(world)
    with pytest.raises(ops.Conflict), world.db.transaction() as session:
        world.fire(session, application.id, "submit", world.owner, 1)
    assert counts(world) == before
    stored = reload(world, application.id)
    assert (stored.state, stored.version, stored.submitted_at) == ("draft", 2, None)


def test_a_change_between_reading_and_writing_is_a_conflict(world: World) -> None:
    # The application is read at version 2; before the decision is written, someone else
    # saves. The conditional UPDATE then matches no row, and nothing of the decision stays.
    application = started(world, COMPLETE)
    before = counts(world)
    with pytest.raises(ops.Conflict), world.db.transaction() as session:
        loaded = session.get(Application, application.id)
        assert loaded is not None and loaded.version == 2
        with world.db.transaction() as other:
            current = other.get(Application, application.id)
            assert current is not None
            in_butte = {**COMPLETE, "address": {**COMPLETE["address"], "city": "Butte"}}
            ops.save_answers(other, current, world.compiled, in_butte)
        world.fire(session, application.id, "submit", world.owner, 2)
    assert counts(world) == before
    stored = reload(world, application.id)
    assert (stored.state, stored.version) == ("draft", 3)
    assert stored.answers["address"]["city"] == "Butte"


# -- changes since a request -------------------------------------------------------------


def test_changes_since_request(world: World) -> None:
    application = started(world, COMPLETE)

    def changes() -> tuple[dict[str, Any], dict[str, Any]] | None:
        with world.db.reading() as session:
            current = session.get(Application, application.id)
            assert current is not None
            return ops.changes_since_request(session, world.compiled, current)

    assert changes() is None
    with world.db.transaction() as session:
        world.fire(session, application.id, "submit", world.owner, 2)
    assert changes() is None
    with world.db.transaction() as session:
        world.fire(session, application.id, "request_changes", world.reviewer, 3, "Fix the ZIP.")
    # Back with the applicant: nothing has come back to compare yet.
    assert changes() is None

    edited = {**COMPLETE, "address": {**COMPLETE["address"], "zip": "59602", "city": "Butte"}}
    with world.db.transaction() as session:
        current = session.get(Application, application.id)
        assert current is not None
        ops.save_answers(session, current, world.compiled, edited)
    assert changes() is None

    with world.db.transaction() as session:
        outcome = world.fire(session, application.id, "resubmit", world.owner, 5)
    assert outcome.dest == "submitted"
    assert changes() == (COMPLETE, edited)
    assert [e.trigger for e in events(world, application.id)] == [
        "start",
        "submit",
        "request_changes",
        "resubmit",
    ]
    assert [m.template for m in outbox(world)] == [
        "registration_received",
        "registration_changes_requested",
        "registration_received",
    ]
